"""Outside specialists: advice from someone with no account, on one revision, through a link.

An editor invites a specialist by name, address and credentials; the outbox mails them a link
that opens that revision's text and reader versions read-only, with a form for their advice,
until it expires (14 days by default) or an editor revokes it. The link is `<id>.<secret>`:
the secret is 32 random bytes, kept only as its SHA-256 and compared in constant time, so the
link cannot be guessed from the database or from how long a wrong one takes to refuse. Advice is
written once; a topic's policy may require it before approval (review.workflow).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from articles.models import Article
from articles.selectors import ArticleContent, content_of, revision_source
from config.site import site_url
from outbox.services import queue_email
from personalization.models import ReaderRole
from personalization.selectors import variant_texts

from .errors import InvalidTransition
from .models import SpecialistInvitation
from .revisions import text_revision_id
from .timeline import timeline_note
from .workflow import EDIT_ANY, long_date, require_group, the_board

LINK_DAYS = 14
MAX_LINK_DAYS = 60
MAX_ADVICE_CHARS = 10_000
Recommendation = SpecialistInvitation.Recommendation


@dataclass(frozen=True)
class Invited:
    invitation: SpecialistInvitation
    link: str  # known only now: the row keeps the secret's hash


def invite_specialist(
    *, article: Article, by: User, name: str, email: str, credentials: str,
    days: int = LINK_DAYS,
) -> Invited:  # fmt: skip
    """An editor asks an outside specialist to advise on the article's text as it stands; the
    link goes out by e-mail after the commit."""
    require_group(
        by,
        EDIT_ANY,
        gettext_lazy("Only editors or admins may invite outside specialists."),
    )
    name, email, credentials = name.strip(), email.strip(), credentials.strip()
    if not name or not credentials:
        raise InvalidTransition(gettext("Give the specialist's name and credentials."))
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidTransition(
            gettext("“%(email)s” is not an e-mail address.") % {"email": email}
        ) from exc
    if not 1 <= days <= MAX_LINK_DAYS:
        raise InvalidTransition(
            gettext("A link lasts 1 to %(days)d days.") % {"days": MAX_LINK_DAYS}
        )
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        revision_id = text_revision_id(locked)
        if revision_id is None:
            raise InvalidTransition(gettext("There is no saved text to advise on."))
        invitation = SpecialistInvitation.objects.create(
            article=locked, revision_id=revision_id, name=name, email=email,
            credentials=credentials, secret_sha256=_digest(secret), invited_by=by,
            expires_at=timezone.now() + timedelta(days=days),
        )  # fmt: skip
        link = site_url(reverse("review:specialist", args=[f"{invitation.pk}.{secret}"]))
        until = date_format(timezone.localtime(invitation.expires_at), "F j, Y")
        # A specialist has no account, so no language of their own: they are asked in the
        # article's, the language they are asked to read.
        with translation.override(locked.language):
            expires = long_date(timezone.localtime(invitation.expires_at))
            said = {
                "name": name, "editor": by.public_name, "credentials": credentials,
                "title": locked.title, "revision": revision_id, "until": expires, "link": link,
            }  # fmt: skip
            subject = gettext("Please advise on: %(title)s") % said
            body = (
                gettext(
                    "Dear %(name)s,\n\n%(editor)s asks for your advice, as %(credentials)s, on "
                    "the medical article “%(title)s” before its advisory board "
                    "decides on it.\n\nThis link opens the text (revision %(revision)s) and a "
                    "form for your comments and recommendation. It works until %(until)s, for "
                    "this text only; please do not forward it.\n\n%(link)s\n"
                )
                % said
            )
        queue_email(
            to=email, subject=subject, body=body,
            dedupe_key=f"specialist-invitation:{invitation.pk}",
        )  # fmt: skip
        timeline_note(locked, by=by, comment=(
            f"Invited {name} ({credentials}) to advise on revision {revision_id}; the link "
            f"works until {until}."
        ))  # fmt: skip
    return Invited(invitation, link)


def revoke_invitation(*, invitation: SpecialistInvitation, by: User) -> SpecialistInvitation:
    """An editor closes a link before it expires; advice already given stays."""
    require_group(by, EDIT_ANY, gettext_lazy("Only editors or admins may revoke invitations."))
    with transaction.atomic():
        locked = SpecialistInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.revoked_at is not None:
            raise InvalidTransition(gettext("This link was revoked already."))
        if locked.advised_at is not None:
            raise InvalidTransition(
                gettext("%(name)s has given their advice; it stays on record.")
                % {"name": locked.name}
            )
        locked.revoked_at, locked.revoked_by = timezone.now(), by
        locked.save(update_fields=["revoked_at", "revoked_by"])
        timeline_note(locked.article, by=by, comment=f"Revoked {locked.name}'s link.")
    return locked


def submit_advice(
    *, invitation: SpecialistInvitation, recommendation: str, advice: str
) -> SpecialistInvitation:
    """The specialist's advice, written once, while their link is open; the inviting editor and
    the article's reviewers are told."""
    advice = advice.strip()
    if recommendation not in Recommendation.values:
        raise InvalidTransition("Choose a recommendation.")
    if len(advice) > MAX_ADVICE_CHARS:
        raise InvalidTransition(f"The advice is limited to {MAX_ADVICE_CHARS:,} characters.")
    with transaction.atomic():
        locked = (
            SpecialistInvitation.objects.select_for_update()
            .select_related("article", "invited_by")
            .get(pk=invitation.pk)
        )
        closed = link_closed(locked)
        if closed:
            raise InvalidTransition(closed)
        locked.recommendation, locked.advice = recommendation, advice
        locked.advised_at = timezone.now()
        locked.save(update_fields=["recommendation", "advice", "advised_at"])
        article = locked.article
        link = site_url(reverse("review:article", args=[article.slug]))
        for person in {locked.invited_by, *the_board(article)}:
            if person.email:
                with translation.override(person.mail_language):
                    subject = gettext("Outside advice on: %(title)s") % {"title": article.title}
                    said = gettext(
                        "%(name)s (%(credentials)s) advised on revision %(revision)s: "
                        "%(recommendation)s."
                    ) % {
                        "name": locked.name, "credentials": locked.credentials,
                        "revision": locked.revision_id,
                        "recommendation": locked.get_recommendation_display(),
                    }  # fmt: skip
                queue_email(to=person.email, recipient=person, subject=subject,
                            body=f"{said}\n\n{advice}\n\n{link}",
                            dedupe_key=f"specialist-advice:{locked.pk}:{person.pk}")  # fmt: skip
    return locked


def invitation_for_link(token: str) -> SpecialistInvitation | None:
    """The invitation a link names, or None if it names none (a wrong or made-up link). Whether
    it is still open is link_closed's question."""
    number, _, secret = token.partition(".")
    invitation = None
    if number.isdigit() and len(number) < 12 and secret:
        invitation = (
            SpecialistInvitation.objects.select_related("article", "invited_by")
            .filter(pk=int(number))
            .first()
        )
    expected = invitation.secret_sha256 if invitation else "0" * 64
    # Always one comparison of two digests, in constant time, found or not.
    if hmac.compare_digest(expected, _digest(secret)) and invitation is not None:
        return invitation
    return None


def link_closed(invitation: SpecialistInvitation, *, now: datetime | None = None) -> str | None:
    """Why the link no longer takes advice, in words for the specialist, or None while open."""
    now = now or timezone.now()
    who = invitation.invited_by.public_name
    if invitation.advised_at is not None:
        return "You have sent your advice already; thank you."
    if invitation.revoked_at is not None:
        when = date_format(timezone.localtime(invitation.revoked_at), "F j, Y")
        return f"This link was withdrawn by the editors on {when}. Ask {who} if you need a new one."
    if invitation.expires_at <= now:
        when = date_format(timezone.localtime(invitation.expires_at), "F j, Y")
        return f"This link expired on {when}. Ask {who} for a new one if you still wish to advise."
    return None


def invitations_for(article: Article) -> list[SpecialistInvitation]:
    """Every invitation on the article, newest first, for its review page."""
    return list(article.invitations.select_related("invited_by", "revoked_by"))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class AdvisedText:
    """One text the specialist reads: the default text or a reader version, as the revision
    saved it, rendered."""

    label: str
    content: ArticleContent


def texts_for(invitation: SpecialistInvitation) -> list[AdvisedText]:
    """The invited revision's default text and every reader version, nothing newer."""
    article, revision_id = invitation.article, invitation.revision_id
    source = revision_source(article, revision_id)
    texts = [AdvisedText("Default text (health professionals)", content_of(source))]
    versions = variant_texts(article, revision_id)
    roles = ReaderRole.objects.in_bulk(versions)
    for role_id, version in sorted(versions.items(), key=lambda item: roles[item[0]].pk):
        texts.append(AdvisedText(f"{roles[role_id].label} version", content_of(source, version)))
    return texts
