"""A contributor renews their own conflict-of-interest disclosure (the approve move refuses a
reviewer whose disclosure is missing or a year old, and links here)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from contributors.selectors import disclosure_status
from contributors.services import renew_disclosure

from . import selectors
from .forms import DisclosureRenewalForm
from .workflow import GROUPS, long_date


@login_required
def renew(request: HttpRequest) -> HttpResponse:
    if not selectors.roles_of(request.user) & set(GROUPS):
        raise PermissionDenied(_("Your account has no role in the review area."))
    status = disclosure_status(request.user, today=timezone.localdate())
    current = status.disclosure
    initial = {}
    if current is not None:  # a renewal restates every conflict: start from the one in force
        initial = {
            "none_to_declare": current.none_to_declare,
            "statement": current.statement,
            "conflict_topics": list(current.conflict_topics.all()),
        }
    form = DisclosureRenewalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            renewal = renew_disclosure(
                by=request.user,
                none_to_declare=data["none_to_declare"],
                statement=data["statement"],
                conflict_topics=data["conflict_topics"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            due = renewal.disclosure.renewal_due_on
            done = _("Your disclosure is renewed; the next renewal is due on %(day)s.") % {
                "day": long_date(due)
            }
            if renewal.profile_created:
                done += " " + _(
                    "A contributor page was made for you; an admin makes it public once your "
                    "credentials and affiliations are on it."
                )
            messages.success(request, done)
            return redirect("review:disclosure")
    return render(
        request,
        "review/disclosure.html",
        {"form": form, "status": status, "profile": _profile(request.user)},
        status=400 if form.errors else 200,
    )


def _profile(user):
    return getattr(user, "contributor_profile", None)
