"""Importing references from a file: upload, check the preview, save all new ones or none.

The upload is parsed once and its records kept in the user's session under a random token until
they save or upload another file; the browser holds only the token. Nothing is written before the
save, and the save plans again from those records (articles.services.import_references).
Parsing is synchronous: hundreds of records take well under a second, so the preview itself,
with its counts and pages, is the progress report.
"""

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_POST

from articles.reference_import import (
    MAX_FILE_BYTES,
    ImportChanged,
    Outcome,
    ParsedFile,
    UnreadableFile,
    parse_file,
    plan_import,
)
from articles.services import import_references

from . import selectors
from .workflow import WRITERS

SESSION_KEY = "reference_import"
PAGE_SIZE = 50


class ReferenceFileForm(forms.Form):
    file = forms.FileField(
        label="Reference file",
        help_text=(
            "RIS (.ris), BibTeX (.bib), PubMed MEDLINE (.nbib) or PubMed XML (.xml), "
            f"up to {filesizeformat(MAX_FILE_BYTES)}."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".ris,.bib,.nbib,.txt,.xml"}),
    )

    def clean_file(self) -> ParsedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                f"The file is {filesizeformat(upload.size)}; the limit is "
                f"{filesizeformat(MAX_FILE_BYTES)}. Split the export into smaller files."
            )
        try:
            return parse_file(upload.read(), upload.name)
        except UnreadableFile as exc:
            raise ValidationError(str(exc), code="unreadable") from exc


def _require_writer(request: HttpRequest) -> None:
    if not selectors.roles_of(request.user) & WRITERS:
        raise PermissionDenied("Only authors, editors and admins may import references.")


def _pending(request: HttpRequest, token: str) -> dict | None:
    pending = request.session.get(SESSION_KEY)
    if pending and secrets.compare_digest(pending["token"], token):
        return pending
    return None


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(request, "That preview has expired or was replaced. Upload the file again.")
    return redirect("review:reference_import")


@login_required
def reference_import(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    form = ReferenceFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = secrets.token_urlsafe(16)
        parsed = form.cleaned_data["file"]
        request.session[SESSION_KEY] = {"token": token, "file": parsed.to_json(), "keys": None}
        return redirect("review:reference_import_preview", token=token)
    return render(
        request,
        "review/reference_import.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def reference_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    _require_writer(request)
    pending = _pending(request, token)
    if pending is None:
        return _expired(request)
    plan = plan_import(ParsedFile.from_json(pending["file"]))
    # What the save must match: the new references as this preview shows them.
    pending["keys"] = [row.key for row in plan.new]
    request.session.modified = True
    show = request.GET.get("show")
    rows = [row for row in plan.rows if row.outcome == show] if show in Outcome else plan.rows
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = [
        ("", "All", len(plan.rows)),
        (Outcome.NEW, "New", len(plan.new)),
        (Outcome.DUPLICATE, "Duplicates", len(plan.duplicates)),
        (Outcome.REFUSED, "Refused", len(plan.refused)),
    ]
    return render(
        request,
        "review/reference_import_preview.html",
        {
            "plan": plan,
            "page": page,
            "token": token,
            "show": show if show in Outcome else "",
            "filters": filters,
        },
    )


@login_required
@require_POST
def reference_import_save(request: HttpRequest, token: str) -> HttpResponse:
    _require_writer(request)
    pending = _pending(request, token)
    if pending is None or pending["keys"] is None:
        return _expired(request)
    parsed = ParsedFile.from_json(pending["file"])
    try:
        plan = import_references(parsed=parsed, by=request.user, expected_keys=pending["keys"])
    except ImportChanged as exc:
        messages.error(request, str(exc))
        return redirect("review:reference_import_preview", token=token)
    except ValidationError as exc:
        messages.error(request, "Nothing was saved. " + " ".join(exc.messages))
        return redirect("review:reference_import_preview", token=token)
    del request.session[SESSION_KEY]
    if plan.new:
        messages.success(
            request,
            f"Imported {len(plan.new)} references from {parsed.name}. Cite them by their keys; "
            f"{len(plan.duplicates)} duplicates and {len(plan.refused)} refused records were "
            "left out.",
        )
    else:
        messages.info(request, f"Nothing in {parsed.name} was new; nothing was saved.")
    return redirect("review:references")
