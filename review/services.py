"""Every change of an article's review state, and every edit of its text, goes through here.

Each move checks who may make it and from which state, locks the article row, refuses a caller
who acted on an older revision, writes an append-only ReviewEvent and a django-reversion revision,
and queues its notifications to go out once the transaction has committed.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import date

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy
from reversion.models import Version

from accounts.models import User
from articles.models import Article, Citation, Reference, ReviewState
from articles.selectors import flagged_references, latest_revision_id, revision_source
from articles.services import save_article
from contributors.selectors import declared_conflict
from outbox.services import queue_email
from personalization.models import ReaderRole
from personalization.selectors import variant_texts
from personalization.services import remove_variant, save_variant
from publishing import services as publishing
from publishing.selectors import articles_showing_reference

from . import checklist as board_checklist
from .due_dates import due_date_for
from .errors import InvalidTransition, NotAllowed, StaleRevision, WorkflowError
from .models import Notification, ReviewAssignment, ReviewEvent
from .signoffs import sign_off_status
from .timeline import ACTION_NAMES
from .workflow import (
    ADMINS,
    AUTHORS,
    BOARD_MAY_OPEN,
    EDITORS,
    MOVES,
    REVIEWERS,
    STATE_NAMES,
    Move,
    MoveContext,
    long_date,
    refusal,
    require_group,
)

__all__ = ["InvalidTransition", "NotAllowed", "StaleRevision", "WorkflowError", "make_move"]

MAX_COMMENT_CHARS = 5000
# A move's texts, as its refusal names them.
TEXT_NAMES = {
    "comment": gettext_lazy("comment"),
    "note": gettext_lazy("note"),
    "correction": gettext_lazy("correction"),
}


def make_move(
    name: str,
    *,
    article: Article,
    by: User,
    seen_revision_id: int | None,
    comment: str = "",
    note: str = "",
    write: Callable[[Article], None] | None = None,
    checklist: Mapping[str, tuple[str, str]] | None = None,
    correction: str = "",
    go_live_on: date | None = None,
) -> ReviewEvent:
    """Make one move of the table (review.workflow.MOVES) on the revision the caller saw.

    `note` is the public note of what changed (approvals); `write` changes the text of the
    locked article (edit moves only) and saves its revision; `checklist` answers the board's
    checklist ({item key: (answer, reason)}, review.checklist) for a move that asks it;
    `correction` declares, in words for readers, the clinically meaningful error the approved
    text corrects (a public notice); `go_live_on` publishes an approval on that day instead of
    now (moves whose form offers it: Move.schedulable).
    """
    move = MOVES[name]
    comment, note, correction = comment.strip(), note.strip(), correction.strip()
    if correction and not move.asks_correction:
        raise InvalidTransition(
            gettext("%(move)s does not declare corrections.") % {"move": gettext(move.label)}
        )
    _check_go_live_on(move, go_live_on)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        refused = refusal(move, article=locked, user=by)
        if refused and refused.error is NotAllowed:
            raise refused.exception()  # whatever they saw, this is not theirs to do
        # Before the state's rules: a move refused because someone else moved the article since
        # this person's page was drawn (two approvals at once) is a stale page, not a mistake.
        _require_current(locked, seen_revision_id)
        if refused:
            raise refused.exception()
        if move.comment_required and not comment:
            raise InvalidTransition(
                gettext("%(move)s needs a comment saying why.") % {"move": gettext(move.label)}
            )
        # A sign-off short of the policy: recorded against the revision seen; the article, its
        # state and its revision stay as they are, so others' open pages stay current.
        held = move.completes is not None and not move.completes(locked, by)
        # The note goes in the change log with the edition: the sign-off that publishes it
        # writes it.
        if move.asks_note and locked.live_revision_id and not note and not held:
            raise InvalidTransition(
                gettext(
                    "%(move)s needs a note for readers saying what changed since the last "
                    "edition; it goes in the article's change log."
                )
                % {"move": gettext(move.label)}
            )
        for what, text in (("comment", comment), ("note", note), ("correction", correction)):
            if len(text) > MAX_COMMENT_CHARS:
                raise InvalidTransition(
                    gettext(
                        "The %(what)s is %(length)s characters long; the limit is %(limit)s. "
                        "Nothing was changed."
                    )
                    % {
                        "what": TEXT_NAMES[what],
                        "length": number_format(len(text), force_grouping=True),
                        "limit": number_format(MAX_COMMENT_CHARS, force_grouping=True),
                    }
                )
        if held and (correction or go_live_on):
            raise InvalidTransition(
                gettext(
                    "A correction notice and a day to publish on go with the sign-off that "
                    "publishes the edition (the last one the sign-off rules need). Nothing was "
                    "changed."
                )
            )
        answers = board_checklist.clean(checklist) if move.asks_checklist else ()
        from_state = locked.state
        if held:
            return _hold(locked, move, by=by, revision_id=seen_revision_id, comment=comment,
                         note=note, answers=answers)  # fmt: skip
        if write is not None:
            try:
                write(locked)
            except ValidationError as exc:  # every problem, each in its own words
                raise InvalidTransition(" ".join(exc.messages), messages=exc.messages) from exc
        locked.state = move.target_from(from_state)
        fields = ["state", "updated_at"]
        if locked.state != from_state:
            locked.state_changed_at = timezone.now()
            fields.append("state_changed_at")
        if move.records:
            context = MoveContext(by=by, revision_id=seen_revision_id, comment=comment,
                                  note=note, at=timezone.now(), checklist=answers,
                                  correction=correction, go_live_on=go_live_on)  # fmt: skip
            fields += move.records(locked, context)
        if move.edits_text:
            locked.save(update_fields=fields)
            event = _record(locked, move, by=by, from_state=from_state, comment=comment,
                            revision_id=latest_revision_id(locked))  # fmt: skip
        else:
            with reversion.create_revision():  # state changes are versioned, but are no edit
                locked.save(update_fields=fields)
                reversion.set_user(by)
                reversion.set_comment(f"{move.label}: {comment}" if comment else move.label)
            event = _record(locked, move, by=by, from_state=from_state, comment=comment,
                            revision_id=seen_revision_id,
                            created_revision_id=latest_revision_id(locked))  # fmt: skip
        if locked.state != from_state:
            queue_assignments([locked.pk])
            publishing.review_status_changed(article=locked, by=by)
        if move.notifies:
            _notify(event, move.notifies(locked), lambda: str(move.notice))
    article.refresh_from_db()
    return event


def _hold(locked: Article, move: Move, *, by: User, revision_id: int | None, comment: str,
          note: str, answers: tuple) -> ReviewEvent:  # fmt: skip
    """Record a move's part without moving the article (a sign-off the policy needs more of)."""
    context = MoveContext(by=by, revision_id=revision_id, comment=comment, note=note,
                          at=timezone.now(), checklist=answers)  # fmt: skip
    try:
        with transaction.atomic():
            move.records(locked, context)
    except IntegrityError as exc:  # the constraint behind the lock: signed off meanwhile
        raise StaleRevision(
            gettext("You signed off this revision meanwhile. Reload to see the newest version.")
        ) from exc
    with translation.override(settings.LANGUAGE_CODE):  # the timeline's record, in English
        status = sign_off_status(locked)  # its requirements named in English too
        said = f"Signed off: {status.summary}."
    event = ReviewEvent.objects.create(
        article=locked, actor=by, action=ReviewEvent.Action.SIGN_OFF, from_state=locked.state,
        to_state=locked.state, revision_id=revision_id,
        comment=f"{said} {comment}" if comment else said,
    )  # fmt: skip
    if move.notifies:
        tally = {"count": status.count, "required": status.required}
        _notify(event, move.notifies(locked),
                lambda: gettext("Signed off (%(count)s of %(required)s)") % tally)  # fmt: skip
    return event


def _check_go_live_on(move: Move, go_live_on: date | None) -> None:
    if go_live_on is None:
        return
    if not move.schedulable:
        raise InvalidTransition(
            gettext("%(move)s cannot be scheduled for a later day.") % {"move": gettext(move.label)}
        )
    if go_live_on <= timezone.localdate():
        raise InvalidTransition(
            gettext(
                "Choose a day after today to publish on, or leave the day empty to publish at once."
            )
        )


def _record(article: Article, move: Move, *, by: User, from_state: str, comment: str,
            **revisions) -> ReviewEvent:  # fmt: skip
    try:
        with transaction.atomic():
            return ReviewEvent.objects.create(
                article=article, actor=by, action=move.name, from_state=from_state,
                to_state=article.state, comment=comment, **revisions,
            )  # fmt: skip
    except IntegrityError as exc:  # the constraint behind the lock: approved meanwhile
        raise StaleRevision(
            "Someone approved this revision meanwhile. Reload to see the newest version."
        ) from exc


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

    def write(locked: Article) -> None:
        locked.title, locked.summary, locked.body = title, summary, body
        locked.literature_current_through = literature_current_through
        save_article(article=locked, by=by, comment=comment or "Edited")

    return make_move(
        "edit", article=article, by=by, seen_revision_id=seen_revision_id, comment=comment,
        write=write,
    )  # fmt: skip


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

    def write(locked: Article) -> None:
        if remove:
            remove_variant(article=locked, role=role, by=by, comment=comment or what)
        else:
            save_variant(
                article=locked, role=role, summary=summary, body=body, by=by,
                comment=comment or what,
            )  # fmt: skip

    return make_move(
        "edit", article=article, by=by, seen_revision_id=seen_revision_id,
        comment=comment or what, write=write,
    )  # fmt: skip


def restore_revision(
    *, article: Article, revision_id: int, by: User, seen_revision_id: int | None
) -> ReviewEvent:
    """Bring back an earlier revision's text, reader versions included, as one new edit."""
    if not Version.objects.get_for_object(article).filter(revision_id=revision_id).exists():
        raise InvalidTransition(gettext("That revision is not a version of this article."))
    old = revision_source(article, revision_id)
    old_variants = variant_texts(article, revision_id)
    comment = f"Restored the text of revision {revision_id}"

    def write(locked: Article) -> None:
        locked.title, locked.summary, locked.body = old.title, old.summary, old.body
        locked.literature_current_through = old.literature_current_through
        roles = ReaderRole.objects.in_bulk(old_variants)
        with reversion.create_revision():  # the nested saves below make one revision
            for variant in locked.variants.exclude(role_id__in=old_variants):
                remove_variant(article=locked, role=variant.role, by=by, comment=comment)
            for role_id, version in old_variants.items():
                save_variant(
                    article=locked, role=roles[role_id], by=by, comment=comment,
                    summary=version.summary, body=version.body,
                )  # fmt: skip
            save_article(article=locked, by=by, comment=comment)

    return make_move(
        "edit", article=article, by=by, seen_revision_id=seen_revision_id, comment=comment,
        write=write,
    )  # fmt: skip


def set_co_authors_and_review_interval(
    *, article: Article, by: User, co_authors: Iterable[User], review_interval_months: int
) -> ReviewEvent | None:
    """Who writes the article besides its author (they may edit it, and may not approve it), and
    how often the board reviews it: editors and admins set them, and the timeline records it
    (neither is text, so no revision does). None when nothing changed."""
    require_group(
        by,
        {EDITORS, ADMINS},
        gettext_lazy("Only admins or editors may change co-authors or the review interval."),
    )
    wanted = {user.pk: user for user in co_authors}
    if not 1 <= review_interval_months <= 60:
        raise InvalidTransition(gettext("The review interval is 1 to 60 months."))
    # Not a revision of the text, even inside one (the admin's): the timeline records it, and a
    # reviewer's open page does not go stale for it.
    with transaction.atomic(), reversion.create_revision(manage_manually=True):
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.author_id in wanted:
            raise InvalidTransition(
                f"{wanted[locked.author_id].public_name} is the article's author, not a co-author."
            )
        changes = []
        if {user.pk for user in locked.co_authors.all()} != set(wanted):
            locked.co_authors.set(wanted.values())
            names = ", ".join(sorted(u.public_name for u in wanted.values())) or "none"
            changes.append(f"Co-authors: {names}.")
        if review_interval_months != locked.review_interval_months:
            changes.append(
                f"Reviewed every {review_interval_months} months (was "
                f"{locked.review_interval_months}), from the next edition."
            )
            locked.review_interval_months = review_interval_months
            locked.save(update_fields=["review_interval_months"])
        if not changes:
            return None
        event = _timeline_note(locked, by=by, comment=" ".join(changes))
    article.refresh_from_db()
    return event


def assign_reviewer(*, article: Article, reviewer: User, by: User) -> ReviewEvent:
    """Ask a reviewer to review an article; they are told by e-mail."""
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        refused = gettext_lazy("Only admins or reviewers may assign reviewers.")
        require_group(by, {REVIEWERS, ADMINS}, refused)
        if not reviewer.is_active or not reviewer.groups.filter(name=REVIEWERS).exists():
            raise InvalidTransition(
                gettext("%(reviewer)s is not an active member of the advisory board.")
                % {"reviewer": reviewer}
            )
        if locked.state in (ReviewState.WITHDRAWN,):
            raise InvalidTransition(gettext("A withdrawn article cannot be assigned."))
        _refuse_a_conflicted_reviewer(locked, reviewer)
        _, created = ReviewAssignment.objects.get_or_create(
            article=locked, reviewer=reviewer,
            defaults={"assigned_by": by, "due_on": due_date_for(locked)},
        )  # fmt: skip
        if not created:
            raise InvalidTransition(
                gettext("%(reviewer)s is already assigned to this article.")
                % {"reviewer": reviewer}
            )
        queue_assignments([locked.pk])
        event = ReviewEvent.objects.create(
            article=locked,
            actor=by,
            action=ReviewEvent.Action.ASSIGN,
            from_state=locked.state,
            to_state=locked.state,
            revision_id=latest_revision_id(locked),
            comment=f"Assigned {reviewer.public_name}",
        )
        _notify(event, [reviewer], lambda: gettext("Please review"))
    return event


# An article a reviewer's "Assigned to me" queue lists: open for review, and one the board may
# open.
_IN_A_REVIEWERS_QUEUE = ~Q(state__in=[ReviewState.APPROVED, ReviewState.WITHDRAWN]) & BOARD_MAY_OPEN


def queue_assignments(article_ids: Iterable[int]) -> int:
    """Bring the assignments of these articles into line with their state (one UPDATE): each
    open one queued since its article entered its state, each other one out of the queue."""
    entered = Article.objects.filter(_IN_A_REVIEWERS_QUEUE, pk=OuterRef("article_id"))
    return ReviewAssignment.objects.filter(article_id__in=list(article_ids)).update(
        queued_since=Subquery(entered.values("state_changed_at")[:1])
    )


def add_comment(*, article: Article, by: User, body: str) -> ReviewEvent:
    """A note on the review timeline, from an author, reviewer or admin."""
    require_group(
        by,
        {AUTHORS, EDITORS, REVIEWERS, ADMINS},
        gettext_lazy("Only admins or authors or editors or reviewers may comment on reviews."),
    )
    if refused := refusal(MOVES["comment"], article=article, user=by):  # recusal
        raise refused.exception()
    if not body.strip():
        raise InvalidTransition(gettext("Write a comment first."))
    return ReviewEvent.objects.create(
        article=article,
        actor=by,
        action=ReviewEvent.Action.COMMENT,
        from_state=article.state,
        to_state=article.state,
        revision_id=latest_revision_id(article),
        comment=body.strip(),
    )


def notify(
    *, event: ReviewEvent, recipient: User, subject: str, body: str,
    kind: str = Notification.Kind.EVENT,
) -> Notification | None:  # fmt: skip
    """Owe `recipient` one e-mail about `event`, sent after the commit; written once per kind."""
    with transaction.atomic():
        email = queue_email(
            to=recipient.email, recipient=recipient, subject=subject, body=body,
            dedupe_key=f"review-event:{event.pk}:{recipient.pk}:{kind}",
        )  # fmt: skip
        if email is None:
            return None
        return Notification.objects.create(event=event, recipient=recipient, kind=kind, email=email)


def _notify(event: ReviewEvent, recipients: list[User], notice: Callable[[], str]) -> None:
    """Write the outbox rows now, each in its recipient's language (`notice` says the subject's
    first words in the active one); they are sent only once this transaction has committed."""
    for recipient in recipients:
        if recipient.pk == event.actor_id or not recipient.email:
            continue
        with translation.override(recipient.mail_language):
            subject = f"{notice()}: {event.article.title}"
            said = gettext("%(actor)s %(action)s “%(title)s”.") % {
                "actor": event.actor.public_name,
                "action": str(ACTION_NAMES.get(event.action, event.get_action_display())).lower(),
                "title": event.article.title,
            }
        body = f"{said}\n\n{event.comment}".rstrip()
        notify(event=event, recipient=recipient, subject=subject, body=body)


def _require_current(article: Article, seen_revision_id: int | None) -> None:
    current = latest_revision_id(article)
    if seen_revision_id != current:
        raise StaleRevision(
            gettext(
                "This article changed since you opened it: it is now %(state)s. Reload to see "
                "the newest version; what you wrote has not been lost."
            )
            % {"state": STATE_NAMES[article.state].lower()}
        )


def _refuse_a_conflicted_reviewer(article: Article, reviewer: User) -> None:
    """Nobody is asked to review what they would have to recuse themselves from."""
    conflict = declared_conflict(user=reviewer, article=article)
    if conflict:
        raise InvalidTransition(
            gettext(
                "%(name)s declared a conflict of interest on %(topic)s (disclosure of %(day)s), "
                "so takes no part in this article's review: assign another reviewer."
            )
            % {
                "name": reviewer.public_name,
                "topic": conflict.topic,
                "day": long_date(conflict.declared_on),
            }
        )


def flag_reference(*, reference: Reference, by: User) -> int:
    """An admin raised a flag on a reference (saved on it): every article citing it, or whose
    public edition lists it, goes to the "Review due" queue with the reason, its timeline says
    so, and its readers see the flag beside the reference from the commit on. Returns how
    many."""
    require_group(by, {ADMINS}, gettext_lazy("Only admins may flag references."))
    reason = flag_reason(reference)
    count = 0
    with transaction.atomic():
        for article in _articles_citing(reference):
            article.review_due_since = article.review_due_since or timezone.now()
            article.review_due_reason = reason
            article.save(update_fields=["review_due_since", "review_due_reason"])
            _timeline_note(article, by=by, comment=reason)
            publishing.notices_changed(article=article, by=by, note=reason)
            count += 1
    return count


def clear_reference_flag(*, reference: Reference, by: User) -> int:
    """An admin removed a reference's flag (saved on it): readers stop seeing it, and each
    article that was due for review because of it leaves the "Review due" queue, unless another
    reason remains (another flagged reference, or its scheduled review). Returns how many left
    the queue."""
    require_group(by, {ADMINS}, gettext_lazy("Only admins may remove flags from references."))
    because_of_it = flag_reason_prefix(reference)
    left = 0
    with transaction.atomic():
        for article in _articles_citing(reference):
            outcome = ""
            if article.review_due_reason.startswith(because_of_it):
                still = _remaining_due_reason(article)
                article.review_due_reason = still or ""
                article.review_due_since = article.review_due_since if still else None
                article.save(update_fields=["review_due_since", "review_due_reason"])
                outcome = f" Still due: {still}" if still else " No longer due for review."
                left += still is None
            note = f"Reference [@{reference.key}]: flag removed."
            _timeline_note(article, by=by, comment=note + outcome)
            publishing.notices_changed(article=article, by=by, note=note)
    return left


def flag_reason(reference: Reference) -> str:
    """Why a flag sends an article back to the board, as the queue and the timeline say it."""
    label = reference.get_flag_display().lower()
    when = f" on {reference.flagged_on:%B %-d, %Y}" if reference.flagged_on else ""
    reason = f"{flag_reason_prefix(reference)} {label}{when}. {reference.flag_note}"
    return reason.strip()[:300]


def flag_reason_prefix(reference: Reference) -> str:
    return f"Reference [@{reference.key}] flagged:"


def scheduled_review_reason(article: Article, today: date) -> str | None:
    """Why an approved article is due for its scheduled review, or None while it is not."""
    edition = article.public_edition
    if article.live_revision_id is None or edition is None or edition.next_review_due is None:
        return None
    if edition.next_review_due > today:
        return None
    return (
        f"Scheduled review (every {article.review_interval_months} months) was due on "
        f"{edition.next_review_due:%B %-d, %Y}."
    )


def _remaining_due_reason(article: Article) -> str | None:
    """What still makes the article due once one flag is gone: another flagged reference it
    cites, else its scheduled review."""
    flagged = flagged_references(article)
    if flagged:
        return flag_reason(flagged[0])
    return scheduled_review_reason(article, timezone.localdate())


def _articles_citing(reference: Reference) -> QuerySet[Article]:
    """Locked, in id order: those whose text cites the reference, and those whose public
    edition lists it (readers see it there, whatever a newer draft cites)."""
    cited_in = Citation.objects.filter(reference=reference).values("article_id")
    shown_in = articles_showing_reference(reference.key)
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("public_edition")
        .filter(Q(pk__in=cited_in) | Q(pk__in=shown_in))
        .order_by("pk")
    )


def _timeline_note(article: Article, *, by: User, comment: str) -> ReviewEvent:
    return ReviewEvent.objects.create(
        article=article, actor=by, action=ReviewEvent.Action.COMMENT,
        from_state=article.state, to_state=article.state,
        revision_id=latest_revision_id(article), comment=comment,
    )  # fmt: skip
