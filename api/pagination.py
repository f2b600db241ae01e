"""Every API list is paginated (STYLE: public reads are cheap by construction)."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

from config.site import on_site


class CursorsOnSite(CursorPagination):
    """Next and previous links at the site's address (DRF builds them from the request's host)."""

    def encode_cursor(self, cursor) -> str:
        return on_site(super().encode_cursor(cursor))


class NewestFirst(CursorsOnSite):
    """Articles by their latest approval, newest first, read along the public-list index.

    A cursor rather than page numbers: no COUNT and no OFFSET however deep a client reads, and
    an approval made while a client walks the list does not shift the pages under it.
    """

    page_size = 20
    ordering = ("-published_at", "-id")


class NewestEditionFirst(CursorsOnSite):
    page_size = 20
    ordering = ("-number",)


class ReferencePages(PageNumberPagination):
    """References by key; numbered pages over the index of what approved editions cite."""

    page_size = 50

    def get_next_link(self) -> str | None:
        link = super().get_next_link()
        return link and on_site(link)

    def get_previous_link(self) -> str | None:
        link = super().get_previous_link()
        return link and on_site(link)

    def get_page_number(self, request, paginator):
        # One whole number or nothing: anything else is the client's mistake, said plainly
        # (DRF would quietly take the last of several values).
        values = request.query_params.getlist(self.page_query_param)
        if not values:
            return 1
        try:  # a whole number out of range (0, -3, past the end) is a 404, as DRF answers it
            if len(values) == 1 and str(int(values[0])) == values[0].strip().lstrip("+"):
                return values[0]
        except ValueError:
            pass
        raise ValidationError({self.page_query_param: "Give one page number: 1, 2, 3…"})
