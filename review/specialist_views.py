"""Outside specialists: the editors' invite and revoke buttons, and the page a specialist's link
opens. That page needs no account and opens nothing but its one revision; it sets no session
and is never cached or indexed. (The site's Referrer-Policy, same-origin, keeps the link from
other sites; "no-referrer" would make the browser send "Origin: null", which CSRF refuses.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import specialists
from .errors import InvalidTransition
from .forms import AdviceForm, InviteSpecialistForm
from .models import SpecialistInvitation
from .views import _require_roles, _visible_article
from .workflow import ADMINS, EDITORS, long_date


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    _require_roles(request, {EDITORS, ADMINS})
    article = _visible_article(request, slug)
    form = InviteSpecialistForm(request.POST, prefix="invite")
    if not form.is_valid():
        errors = " ".join(message for field in form.errors.values() for message in field)
        messages.error(request, _("The invitation was not sent: %(errors)s") % {"errors": errors})
        return redirect("review:article", slug=slug)
    data = form.cleaned_data
    try:
        invited = specialists.invite_specialist(
            article=article, by=request.user, name=data["name"], email=data["email"],
            credentials=data["credentials"], days=data["days"],
        )  # fmt: skip
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    else:
        until = long_date(timezone.localtime(invited.invitation.expires_at))
        messages.success(
            request,
            _("Invitation e-mailed to %(name)s; the link works until %(day)s.")
            % {"name": data["name"], "day": until},
        )
    return redirect("review:article", slug=slug)


@login_required
@require_POST
def revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_roles(request, {EDITORS, ADMINS})
    article = _visible_article(request, slug)
    invitation = get_object_or_404(SpecialistInvitation, pk=pk, article=article)
    specialists.revoke_invitation(invitation=invitation, by=request.user)
    messages.success(
        request, _("%(name)s's link no longer opens anything.") % {"name": invitation.name}
    )
    return redirect("review:article", slug=slug)


@never_cache
def specialist(request: HttpRequest, token: str) -> HttpResponse:
    """The specialist's page: their revision, read-only, and the form for their advice."""
    invitation = specialists.invitation_for_link(token)
    if invitation is None:
        return _private(render(request, "review/specialist_closed.html", {
            "message": _("This link is not valid. Check that it was copied whole from the "
                         "e-mail, or ask the editor who invited you for a new one."),
        }, status=404))  # fmt: skip
    closed = specialists.link_closed(invitation)
    if closed and invitation.advised_at is None:
        return _private(render(request, "review/specialist_closed.html", {"message": closed},
                               status=410))  # fmt: skip
    form = AdviceForm(request.POST or None)
    status = 200
    if request.method == "POST" and invitation.advised_at is None:
        if form.is_valid():
            try:
                specialists.submit_advice(
                    invitation=invitation,
                    recommendation=form.cleaned_data["recommendation"],
                    advice=form.cleaned_data["advice"],
                )
            except InvalidTransition as exc:
                form.add_error(None, exc.message)
            else:
                return _private(redirect(request.path))
        status = 400
    context = {
        "invitation": invitation,
        "texts": specialists.texts_for(invitation),
        "form": form,
    }
    return _private(render(request, "review/specialist.html", context, status=status))


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
