"""Every API list is paginated (STYLE: public reads are cheap by construction)."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class NewestFirst(CursorPagination):
    """Articles by their latest approval, newest first, read along the public-list index.

    A cursor rather than page numbers: no COUNT and no OFFSET however deep a client reads, and
    an approval made while a client walks the list does not shift the pages under it.
    """

    page_size = 20
    ordering = ("-published_at", "-id")


class NewestEditionFirst(CursorPagination):
    page_size = 20
    ordering = ("-number",)


class ReferencePages(PageNumberPagination):
    """References by key; numbered pages over the index of what approved editions cite."""

    page_size = 50
