"""The one place a refused review move becomes an HTTP response (403, 409 or 400).

Views that re-show a form with the refusal (keeping what was typed) catch the error themselves
and answer with its `status_code`; any other refusal reaches this middleware.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import WorkflowError


class WorkflowErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, WorkflowError):
            return None
        return render(
            request,
            "review/refused.html",
            {"message": exception.message},
            status=exception.status_code,
        )
