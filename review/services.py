"""Every change of an article's review state, and every edit of its text, goes through here.

Each move checks who may make it and from which state, locks the article row, refuses a caller
who acted on an older revision, writes an append-only ReviewEvent and a django-reversion revision,
and queues its notifications to go out once the transaction has committed.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from reversion.models import Version

from accounts.models import User
from articles.models import Article, ReviewState
from articles.selectors import latest_revision_id, revision_source
from articles.services import save_article
from config.queue import enqueue_on_commit
from personalization.models import ReaderRole
from personalization.selectors import approval_fingerprint, variant_grades, variant_texts
from personalization.services import remove_variant, save_variant

from .models import Notification, ReviewAssignment, ReviewEvent
from .workflow import ADMINS, AUTHORS, EDITABLE_STATES, MOVES, REVIEWERS, Move


class WorkflowError(Exception):
    """A refused move. `message` is written for the person who tried it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(WorkflowError):
    """The user's role does not allow this (HTTP 403)."""


class InvalidTransition(WorkflowError):
    """The article is not in a state this move starts from, or the move lacks what it needs."""


class StaleRevision(WorkflowError):
    """The caller acted on a revision that is no longer the newest (HTTP 409)."""


def submit(
    *, article: Article, by: User, seen_revision_id: int | None, comment: str = ""
) -> ReviewEvent:
    """An author sends the draft (or the revised draft) to the advisory board."""
    return _move(
        "submit", article=article, by=by, seen_revision_id=seen_revision_id, comment=comment
    )


def start_review(
    *, article: Article, by: User, seen_revision_id: int | None, comment: str = ""
) -> ReviewEvent:
    """A reviewer takes a submitted article; its text is locked until the review ends."""
    return _move(
        "start_review", article=article, by=by, seen_revision_id=seen_revision_id, comment=comment
    )


def request_changes(
    *, article: Article, by: User, seen_revision_id: int | None, comment: str
) -> ReviewEvent:
    """A reviewer returns the article to its author, saying what must change."""
    return _move(
        "request_changes",
        article=article,
        by=by,
        seen_revision_id=seen_revision_id,
        comment=comment,
    )


def approve(
    *, article: Article, by: User, seen_revision_id: int | None, comment: str = ""
) -> ReviewEvent:
    """A reviewer who did not write or edit this text approves exactly the revision they saw."""
    return _move(
        "approve", article=article, by=by, seen_revision_id=seen_revision_id, comment=comment
    )


def withdraw(
    *, article: Article, by: User, seen_revision_id: int | None, comment: str
) -> ReviewEvent:
    """An approved article comes down at once; the reason is recorded and shown."""
    return _move(
        "withdraw", article=article, by=by, seen_revision_id=seen_revision_id, comment=comment
    )


MOVE_SERVICES = {
    "submit": submit,
    "start_review": start_review,
    "request_changes": request_changes,
    "approve": approve,
    "withdraw": withdraw,
}


def edit_article(
    *,
    article: Article,
    by: User,
    seen_revision_id: int | None,
    title: str,
    summary: str,
    body: str,
    literature_current_through: date | None,
    comment: str,
) -> ReviewEvent:
    """Save new working text. Editing approved text starts a draft; the approved text stays live."""
    with _editing(article, by, seen_revision_id) as locked:
        from_state = locked.state
        locked.title, locked.summary, locked.body = title, summary, body
        locked.literature_current_through = literature_current_through
        if locked.state == ReviewState.APPROVED:
            locked.state = ReviewState.DRAFT
        try:
            save_article(article=locked, by=by, comment=comment or "Edited")
        except ValidationError as exc:
            raise InvalidTransition(" ".join(exc.messages)) from exc
        event = _record_edit(locked, by=by, from_state=from_state, comment=comment)
    _refresh(article, locked)
    return event


def edit_variant(
    *,
    article: Article,
    role: ReaderRole,
    by: User,
    seen_revision_id: int | None,
    summary: str,
    body: str,
    comment: str,
    remove: bool = False,
) -> ReviewEvent:
    """Save (or remove) one role's version: an edit of the article like any other."""
    what = f"{'Removed' if remove else 'Edited'} the {role.label.lower()} version"
    with _editing(article, by, seen_revision_id) as locked:
        from_state = locked.state
        try:
            if remove:
                remove_variant(article=locked, role=role, by=by, comment=comment or what)
            else:
                save_variant(
                    article=locked, role=role, summary=summary, body=body, by=by,
                    comment=comment or what,
                )  # fmt: skip
        except ValidationError as exc:
            raise InvalidTransition(" ".join(exc.messages)) from exc
        if locked.state == ReviewState.APPROVED:
            locked.state = ReviewState.DRAFT
        locked.save(update_fields=["state", "updated_at"])
        event = _record_edit(locked, by=by, from_state=from_state, comment=comment or what)
    _refresh(article, locked)
    return event


@contextmanager
def _editing(article: Article, by: User, seen_revision_id: int | None) -> Iterator[Article]:
    """The checks every edit of an article's text shares, around the locked row."""
    with transaction.atomic():
        locked = _lock(article)
        _require_group(by, {AUTHORS, ADMINS}, "edit articles")
        if locked.state not in EDITABLE_STATES:
            raise InvalidTransition(
                f"This article is {locked.get_state_display().lower()}; it cannot be edited now."
            )
        _require_current(locked, seen_revision_id)
        yield locked


def _record_edit(article: Article, *, by: User, from_state: str, comment: str) -> ReviewEvent:
    return ReviewEvent.objects.create(
        article=article,
        actor=by,
        action=ReviewEvent.Action.EDIT,
        from_state=from_state,
        to_state=article.state,
        revision_id=latest_revision_id(article),
        comment=comment,
    )


def restore_revision(
    *, article: Article, revision_id: int, by: User, seen_revision_id: int | None
) -> ReviewEvent:
    """Bring back an earlier revision's text, reader versions included, as one new edit."""
    if not Version.objects.get_for_object(article).filter(revision_id=revision_id).exists():
        raise InvalidTransition("That revision is not a version of this article.")
    old = revision_source(article, revision_id)
    old_variants = variant_texts(article, revision_id)
    comment = f"Restored the text of revision {revision_id}"
    with _editing(article, by, seen_revision_id) as locked:
        from_state = locked.state
        locked.title, locked.summary, locked.body = old["title"], old["summary"], old["body"]
        locked.literature_current_through = old["literature_current_through"]
        if locked.state == ReviewState.APPROVED:
            locked.state = ReviewState.DRAFT
        roles = {role.pk: role for role in ReaderRole.objects.all()}
        try:
            with reversion.create_revision():  # the nested saves below make one revision
                for variant in locked.variants.exclude(role_id__in=old_variants):
                    remove_variant(article=locked, role=variant.role, by=by, comment=comment)
                for role_id, texts in old_variants.items():
                    save_variant(
                        article=locked, role=roles[role_id], by=by, comment=comment, **texts
                    )
                save_article(article=locked, by=by, comment=comment)
        except ValidationError as exc:
            raise InvalidTransition(" ".join(exc.messages)) from exc
        event = _record_edit(locked, by=by, from_state=from_state, comment=comment)
    _refresh(article, locked)
    return event


def assign_reviewer(*, article: Article, reviewer: User, by: User) -> ReviewEvent:
    """Ask a reviewer to review an article; they are told by e-mail."""
    with transaction.atomic():
        locked = _lock(article)
        _require_group(by, {REVIEWERS, ADMINS}, "assign reviewers")
        if not reviewer.is_active or not reviewer.groups.filter(name=REVIEWERS).exists():
            raise InvalidTransition(f"{reviewer} is not an active member of the advisory board.")
        if locked.state in (ReviewState.WITHDRAWN,):
            raise InvalidTransition("A withdrawn article cannot be assigned.")
        _, created = ReviewAssignment.objects.get_or_create(
            article=locked, reviewer=reviewer, defaults={"assigned_by": by}
        )
        if not created:
            raise InvalidTransition(f"{reviewer} is already assigned to this article.")
        event = ReviewEvent.objects.create(
            article=locked,
            actor=by,
            action=ReviewEvent.Action.ASSIGN,
            from_state=locked.state,
            to_state=locked.state,
            revision_id=latest_revision_id(locked),
            comment=f"Assigned {reviewer.public_name}",
        )
        _notify(event, [reviewer], f"Please review: {locked.title}")
    return event


def add_comment(*, article: Article, by: User, body: str) -> ReviewEvent:
    """A note on the review timeline, from an author, reviewer or admin."""
    _require_group(by, {AUTHORS, REVIEWERS, ADMINS}, "comment on reviews")
    if not body.strip():
        raise InvalidTransition("Write a comment first.")
    return ReviewEvent.objects.create(
        article=article,
        actor=by,
        action=ReviewEvent.Action.COMMENT,
        from_state=article.state,
        to_state=article.state,
        revision_id=latest_revision_id(article),
        comment=body.strip(),
    )


def refusal(move: Move, *, article: Article, user: User) -> str | None:
    """Why `user` may not make `move` on `article` now, or None if they may."""
    if not _in_groups(user, move.groups):
        return f"Only {' or '.join(sorted(move.groups)).lower()} may {move.label.lower()}."
    if article.state not in move.sources:
        return f"This article is {article.get_state_display().lower()}."
    if move.name == "approve" and user.pk in editors_since_approval(article):
        return "You wrote or edited this version, so another reviewer must approve it."
    return None


def editors_since_approval(article: Article) -> set[int]:
    """Users who saved the text since it was last approved (state changes are not edits)."""
    versions = Version.objects.get_for_object(article)
    if article.live_revision_id:
        versions = versions.filter(revision_id__gt=article.live_revision_id)
    workflow_revisions = ReviewEvent.objects.filter(
        article=article, created_revision__isnull=False
    ).values("created_revision")
    editors = set(
        versions.exclude(revision_id__in=workflow_revisions).values_list(
            "revision__user_id", flat=True
        )
    )
    return {user_id for user_id in editors if user_id is not None}


def _move(
    name: str, *, article: Article, by: User, seen_revision_id: int | None, comment: str
) -> ReviewEvent:
    move = MOVES[name]
    comment = comment.strip()
    with transaction.atomic():
        locked = _lock(article)
        if not _in_groups(by, move.groups):
            raise NotAllowed(refusal(move, article=locked, user=by))
        if locked.state not in move.sources:
            raise InvalidTransition(
                f"{move.label} is not possible: this article is "
                f"{locked.get_state_display().lower()}."
            )
        _require_current(locked, seen_revision_id)
        if move.name == "approve" and seen_revision_id is None:
            raise InvalidTransition("There is no saved revision to approve.")
        if move.comment_required and not comment:
            raise InvalidTransition(f"{move.label} needs a comment saying why.")
        if move.name == "approve" and by.pk in editors_since_approval(locked):
            raise NotAllowed(refusal(move, article=locked, user=by))
        from_state = locked.state
        locked.state = move.target
        fields = ["state"]
        if move.name == "approve":
            _require_readable(locked)
            locked.live_revision_id = seen_revision_id
            locked.approved_by, locked.approved_at = by, timezone.now()
            locked.approved_sha256 = approval_fingerprint(locked, seen_revision_id)
            fields += ["live_revision", "approved_by", "approved_at", "approved_sha256"]
        with reversion.create_revision():
            locked.save(update_fields=fields)
            reversion.set_user(by)
            reversion.set_comment(f"{move.label}: {comment}" if comment else move.label)
        try:
            with transaction.atomic():
                event = ReviewEvent.objects.create(
                    article=locked,
                    actor=by,
                    action=move.name,
                    from_state=from_state,
                    to_state=move.target,
                    revision_id=seen_revision_id,
                    created_revision_id=latest_revision_id(locked),
                    comment=comment,
                )
        except IntegrityError as exc:  # the constraint behind the lock: already approved
            raise InvalidTransition("This revision has already been approved.") from exc
        _notify_move(event, locked, move)
    _refresh(article, locked)
    return event


def reviewers_to_notify(article: Article) -> list[User]:
    """The assigned reviewers, or, while nobody is assigned, the whole board."""
    assigned = [a.reviewer for a in article.assignments.select_related("reviewer")]
    return assigned or list(User.objects.filter(groups__name=REVIEWERS, is_active=True).distinct())


def _notify_move(event: ReviewEvent, article: Article, move: Move) -> None:
    if move.name == "submit":
        _notify(event, reviewers_to_notify(article), f"Submitted for review: {article.title}")
    elif move.name in ("request_changes", "approve", "withdraw"):
        verb = {
            "request_changes": "Changes requested",
            "approve": "Approved",
            "withdraw": "Withdrawn",
        }[move.name]
        _notify(event, [article.author], f"{verb}: {article.title}")


def _notify(event: ReviewEvent, recipients: list[User], subject: str) -> None:
    """Write the outbox rows now; send them only once this transaction has committed."""
    from .tasks import send_notification

    body = (
        f"{event.actor.public_name} {event.get_action_display().lower()} "
        f"\u201c{event.article.title}\u201d.\n\n{event.comment}".rstrip()
    )
    for recipient in recipients:
        if recipient.pk == event.actor_id or not recipient.email:
            continue
        notification = Notification.objects.create(
            event=event, recipient=recipient, subject=subject[:200], body=body
        )
        enqueue_on_commit(send_notification, notification.pk)


def _require_readable(article: Article) -> None:
    """With VETTED_READABILITY_BLOCKS_APPROVAL, no version may read above its role's target."""
    if not settings.VETTED_READABILITY_BLOCKS_APPROVAL:
        return
    for role, grade, target in variant_grades(article):
        if role is not None and grade is not None and grade.grade > target:
            raise InvalidTransition(
                f"The {role.label.lower()} version reads at grade {grade.grade}; its target is "
                f"{target:g}. Simplify it before approval."
            )


def _lock(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def _require_current(article: Article, seen_revision_id: int | None) -> None:
    current = latest_revision_id(article)
    if seen_revision_id != current:
        raise StaleRevision(
            "This article changed since you opened it. Reload to see the newest version; "
            "what you wrote has not been lost."
        )


def _in_groups(user: User, groups: frozenset[str] | set[str]) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.groups.filter(name__in=groups).exists()


def may_edit(user: User) -> bool:
    return _in_groups(user, {AUTHORS, ADMINS})


def _require_group(user: User, groups: set[str], what: str) -> None:
    if not _in_groups(user, groups):
        raise NotAllowed(f"Only {' or '.join(sorted(groups)).lower()} may {what}.")


def _refresh(article: Article, locked: Article) -> None:
    for name in (
        "state",
        "live_revision_id",
        "approved_by_id",
        "approved_at",
        "approved_sha256",
        "title",
        "summary",
        "body",
        "literature_current_through",
        "updated_at",
    ):
        setattr(article, name, getattr(locked, name))
