"""Importing references from a file: upload, check the preview, save all new ones or none.

A record that names no DOI or PMID of a reference here, but has the title, year and journal of
one (a likely duplicate), is neither saved nor dropped on its own: the save asks the person to
choose, for each or for all, "Import anyway" or "Skip", and saves nothing until they have.

The upload is parsed once and its records kept in the user's session under a random token until
they save or upload another file; the browser holds only the token. Nothing is written before the
save, and the save plans again from those records (articles.services.import_references).
Parsing is synchronous: hundreds of records take well under a second, so the preview itself,
with its counts and pages, is the progress report.
"""

import secrets
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from articles.models import Reference
from articles.reference_import import (
    MAX_FILE_BYTES,
    ImportChanged,
    ImportPlan,
    Outcome,
    ParsedFile,
    PlannedReference,
    UnreadableFile,
    parse_file,
    plan_import,
)
from articles.services import import_references

from . import selectors
from .workflow import WRITERS

SESSION_KEY = "reference_import"
PAGE_SIZE = 50
IMPORT, SKIP = "import", "skip"  # what the person chose for a likely duplicate


class ReferenceFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Reference file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".ris,.bib,.nbib,.txt,.xml"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Here, not on the field: the size is written the way the page's language writes it.
        self.fields["file"].help_text = _(
            "RIS (.ris), BibTeX (.bib), PubMed MEDLINE (.nbib) or PubMed XML (.xml), "
            "up to %(size)s."
        ) % {"size": filesizeformat(MAX_FILE_BYTES)}

    def clean_file(self) -> ParsedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _(
                    "The file is %(size)s; the limit is %(limit)s. Split the export into smaller "
                    "files."
                )
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_FILE_BYTES)}
            )
        try:
            return parse_file(upload.read(), upload.name)
        except UnreadableFile as exc:
            raise ValidationError(str(exc), code="unreadable") from exc


def _require_writer(request: HttpRequest) -> None:
    if not selectors.roles_of(request.user) & WRITERS:
        raise PermissionDenied(_("Only authors, editors and admins may import references."))


def _pending(request: HttpRequest, token: str) -> dict | None:
    pending = request.session.get(SESSION_KEY)
    if pending and secrets.compare_digest(pending["token"], token):
        return pending
    return None


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("That preview has expired or was replaced. Upload the file again."))
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
    choices = pending.get("choices", {})
    plan = plan_import(ParsedFile.from_json(pending["file"]), import_anyway=_chosen(choices))
    # What the save must match: every reference this preview shows it could add.
    pending["keys"] = plan.candidate_keys
    request.session.modified = True
    show = request.GET.get("show")
    rows = [row for row in plan.rows if row.outcome == show] if show in Outcome else plan.rows
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = [
        ("", "All", len(plan.rows)),
        (Outcome.NEW, "New", len(plan.new)),
        (Outcome.LIKELY_DUPLICATE, "Likely duplicates", len(plan.likely_duplicates)),
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
            "likely": _likely_choices(plan, choices),
        },
    )


@dataclass(frozen=True)
class LikelyChoice:
    """A likely duplicate in the save form: the record, what it looks like, and what was chosen
    (empty until the person chooses)."""

    row: PlannedReference
    existing: Reference | None  # None: an earlier record of the same file
    choice: str


def _likely_choices(plan: ImportPlan, choices: dict[str, str]) -> list[LikelyChoice]:
    keys = [row.duplicate_of for row in plan.likely_duplicates if row.duplicate_of]
    existing = Reference.objects.in_bulk(keys, field_name="key")
    return [
        LikelyChoice(row, existing.get(row.duplicate_of), choices.get(str(row.record.number), ""))
        for row in plan.likely_duplicates
    ]


def _chosen(choices: dict[str, str]) -> frozenset[int]:
    return frozenset(int(number) for number, choice in choices.items() if choice == IMPORT)


def _choices_sent(request: HttpRequest, plan: ImportPlan) -> tuple[dict[str, str], list[int]]:
    """What the person chose for each likely duplicate (one choice for all, or one each), and
    the records they left without a choice."""
    for_all = request.POST.get("likely")
    choices, missing = {}, []
    for row in plan.likely_duplicates:
        number = str(row.record.number)
        choice = for_all if for_all in (IMPORT, SKIP) else request.POST.get(f"likely-{number}")
        if choice in (IMPORT, SKIP):
            choices[number] = choice
        else:
            missing.append(row.record.number)
    return choices, missing


@login_required
@require_POST
def reference_import_save(request: HttpRequest, token: str) -> HttpResponse:
    _require_writer(request)
    pending = _pending(request, token)
    if pending is None or pending["keys"] is None:
        return _expired(request)
    parsed = ParsedFile.from_json(pending["file"])
    choices, missing = _choices_sent(request, plan_import(parsed))
    if missing:
        # Kept for the preview, so nothing chosen is lost; nothing is saved until every likely
        # duplicate has its answer.
        pending["choices"] = choices
        request.session.modified = True
        numbers = ", ".join(map(str, missing))
        messages.error(
            request,
            ngettext(
                "Nothing was saved. Choose “Import anyway” or “Skip” for each "
                "likely duplicate (record %(numbers)s).",
                "Nothing was saved. Choose “Import anyway” or “Skip” for each "
                "likely duplicate (records %(numbers)s).",
                len(missing),
            )
            % {"numbers": numbers},
        )
        return redirect(_preview_url(token, show=Outcome.LIKELY_DUPLICATE))
    try:
        plan = import_references(
            parsed=parsed, by=request.user, expected_keys=pending["keys"],
            import_anyway=_chosen(choices),
        )  # fmt: skip
    except ImportChanged as exc:
        messages.error(request, str(exc))
        return redirect("review:reference_import_preview", token=token)
    except ValidationError as exc:
        messages.error(request, " ".join([_("Nothing was saved."), *exc.messages]))
        return redirect("review:reference_import_preview", token=token)
    del request.session[SESSION_KEY]
    skipped = len(plan.likely_duplicates) - (len(plan.saved) - len(plan.new))
    counts = {
        "saved": len(plan.saved),
        "file": parsed.name,
        "skipped": skipped,
        "duplicates": len(plan.duplicates),
        "refused": len(plan.refused),
    }
    if plan.saved and plan.likely_duplicates:
        done = ngettext(
            "Imported %(saved)s references from %(file)s. Cite them by their keys; %(skipped)s "
            "likely duplicate you chose to skip, %(duplicates)s duplicates and %(refused)s "
            "refused records were left out.",
            "Imported %(saved)s references from %(file)s. Cite them by their keys; %(skipped)s "
            "likely duplicates you chose to skip, %(duplicates)s duplicates and %(refused)s "
            "refused records were left out.",
            skipped,
        )
        messages.success(request, done % counts)
    elif plan.saved:
        done = _(
            "Imported %(saved)s references from %(file)s. Cite them by their keys; "
            "%(duplicates)s duplicates and %(refused)s refused records were left out."
        )
        messages.success(request, done % counts)
    else:
        messages.info(
            request,
            _("Nothing in %(file)s was saved: %(summary)s")
            % {"file": parsed.name, "summary": plan.summary},
        )
    return redirect("review:references")


def _preview_url(token: str, *, show: str = "") -> str:
    url = reverse("review:reference_import_preview", kwargs={"token": token})
    return f"{url}?show={show}" if show else url
