"""Requests refused before any view sees them."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

NUL = "\x00"
NUL_REFUSAL = (
    "Bad request: the address or a form field contains a NUL character (%00), "
    "which no text on this site can hold. Remove it and try again.\n"
)


class RefuseNulMiddleware:
    """400 when the path or any GET or POST parameter (name or value) holds a NUL character.

    PostgreSQL refuses NUL in text, so such a search or form would end in a 500 wherever it
    reaches a query; refusing it here answers every view the same way, once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request):
            return HttpResponseBadRequest(NUL_REFUSAL, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _holds_nul(request: HttpRequest) -> bool:
    if NUL in request.path or NUL in request.path_info:
        return True
    # A decoded parameter holds NUL only where the address holds %00 (or NUL itself): most
    # addresses are answered without parsing their query.
    query = request.META.get("QUERY_STRING", "")
    parameters = [request.GET] if "%00" in query or NUL in query else []
    if request.method == "POST":
        parameters.append(request.POST)
    return any(
        NUL in name or any(NUL in value for value in values)
        for query in parameters
        for name, values in query.lists()
    )
