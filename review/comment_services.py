"""Comments on passages of an article's text: written by the board, answered and resolved by
its authors, and their proposed wording applied through the article's normal save.

Each write checks the rule (review.comment_rules), locks the rows it changes, and records a
ReviewEvent on the article's timeline; e-mails go through the outbox after the commit.
"""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from articles.models import Article
from articles.selectors import latest_revision_id
from personalization.models import ReaderRole
from personalization.selectors import variant_texts

from . import comment_rules, services
from .anchoring import Anchor, PassageNotFound, anchor_in, find_in_source, locate, normalize
from .comment_selectors import anchor_of, joined_source, passage_source
from .errors import InvalidTransition, NotAllowed
from .models import PassageComment, PassageReply, ReviewEvent
from .workflow import its_authors, long_date

MAX_CHARS = services.MAX_COMMENT_CHARS
QUOTE_IN_TIMELINE = 80
# What a refusal calls the text it is about.
TEXT_NAMES = {**services.TEXT_NAMES, "reply": gettext_lazy("reply")}


class PassageRefused(InvalidTransition):
    """The passage given is not one place of the text (its form shows this beside the field)."""


def comment_on_passage(
    *,
    article: Article,
    by: User,
    role: ReaderRole | None,
    quote: str,
    body: str,
    proposed_wording: str = "",
    blocking: bool = False,
) -> PassageComment:
    """A board member's comment on one passage of the default text (role None) or of one reader
    version, anchored where the passage is in the text now."""
    _require(comment_rules.may_comment(article, by))
    body, proposed_wording = _text(body, "comment"), proposed_wording.strip()
    if len(proposed_wording) > MAX_CHARS:
        raise InvalidTransition(
            gettext("The proposed wording is longer than %(limit)s characters.")
            % {"limit": number_format(MAX_CHARS, force_grouping=True)}
        )
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        source = passage_source(locked, role)
        if source is None:
            raise InvalidTransition(
                gettext("This article has no %(role)s version.")
                % {"role": role.label_for(translation.get_language()).lower()}
            )
        try:
            anchor = anchor_in(source.text, quote)
        except PassageNotFound as exc:
            raise PassageRefused(str(exc)) from exc
        if proposed_wording and normalize(proposed_wording) == anchor.quote:
            raise InvalidTransition(gettext("The proposed wording is the passage as it stands."))
        comment = PassageComment.objects.create(
            article=locked, role=role, revision_id=latest_revision_id(locked),
            quote=anchor.quote, prefix=anchor.prefix, suffix=anchor.suffix, written_by=by,
            body=body, proposed_wording=proposed_wording, blocking=blocking,
        )  # fmt: skip
        where = f" ({role.label.lower()} version)" if role else ""
        summary = f"On \u201c{_short(anchor.quote)}\u201d{where}: {body}"
        if proposed_wording:
            summary += f"\nProposed wording: \u201c{proposed_wording}\u201d"
        if blocking:
            summary += "\nBlocks approval until resolved."
        event = _timeline(locked, by=by, comment=summary)
        _tell(event, its_authors(locked), gettext_lazy("Comment on “%(title)s”"))
    return comment


def reply(*, comment: PassageComment, by: User, body: str) -> PassageReply:
    """One more message in a comment's thread."""
    article = comment.article
    _require(comment_rules.may_reply(article, by))
    body = _text(body, "reply")
    with transaction.atomic():
        locked = PassageComment.objects.select_for_update().get(pk=comment.pk)
        answer = PassageReply.objects.create(comment=locked, written_by=by, body=body)
        event = _timeline(
            article, by=by, comment=f"Replied on \u201c{_short(locked.quote)}\u201d: {body}"
        )
        others = [locked.written_by, *its_authors(article)]
        _tell(event, others, gettext_lazy("Reply on “%(title)s”"))
    return answer


def resolve(*, comment: PassageComment, by: User) -> PassageComment:
    """The article's author (or an editor) says the comment is dealt with."""
    _require(comment_rules.may_resolve(comment.article, by))
    with transaction.atomic():
        # The article first, as approve locks it: a comment resolved while someone approves
        # is seen by the approval's guard either resolved or open, never in between.
        article = Article.objects.select_for_update().get(pk=comment.article_id)
        locked = _lock_open(comment)
        _close(locked, by=by, accepted=False)
        what = f"Resolved the comment on \u201c{_short(locked.quote)}\u201d."
        event = _timeline(article, by=by, comment=what)
        _tell(event, [locked.written_by], gettext_lazy("Comment resolved on “%(title)s”"))
    comment.refresh_from_db()
    return comment


def reopen(*, comment: PassageComment, by: User) -> PassageComment:
    """Its writer (or an editor) finds a resolved comment not dealt with after all."""
    _require(comment_rules.may_reopen(comment, by))
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=comment.article_id)
        locked = PassageComment.objects.select_for_update().get(pk=comment.pk)
        if locked.is_open:
            raise InvalidTransition(gettext("This comment is open already."))
        locked.resolved_at, locked.resolved_by, locked.wording_accepted = None, None, False
        locked.save(update_fields=["resolved_at", "resolved_by", "wording_accepted"])
        what = f"Reopened the comment on \u201c{_short(locked.quote)}\u201d."
        event = _timeline(article, by=by, comment=what)
        _tell(event, its_authors(article), gettext_lazy("Comment reopened on “%(title)s”"))
    comment.refresh_from_db()
    return comment


def accept_wording(
    *, comment: PassageComment, by: User, seen_revision_id: int | None
) -> PassageComment:
    """Apply the comment's proposed wording to the text as it is now, as one edit (a new revision,
    through the edit move and the article's save), and resolve the comment. Refused when the
    passage changed since the comment was made."""
    _require(comment_rules.may_resolve(comment.article, by))
    if not comment.proposed_wording:
        raise InvalidTransition(gettext("This comment proposes no wording."))
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=comment.article_id)
        locked = _lock_open(comment)
        source = passage_source(article, locked.role)
        anchor = anchor_of(locked)
        if source is None or locate(source.text, anchor) is None:
            raise InvalidTransition(
                gettext(
                    "The passage changed since the comment was made, so its wording cannot be "
                    "applied (it was “%(quote)s”). Edit the text instead."
                )
                % {"quote": _short(locked.quote)}
            )
        note = (
            f"Accepted {locked.written_by.public_name}'s wording for "
            f"\u201c{_short(locked.quote)}\u201d"
        )
        edit = _apply(article, locked, anchor, by=by, seen_revision_id=seen_revision_id, note=note)
        _close(locked, by=by, accepted=True)
        _tell(edit, [locked.written_by], gettext_lazy("Wording accepted on “%(title)s”"))
    comment.refresh_from_db()
    return comment


def _apply(article: Article, comment: PassageComment, anchor: Anchor, *, by: User,
           seen_revision_id: int | None, note: str) -> ReviewEvent:  # fmt: skip
    """The proposed wording in place of the passage, saved as an edit of the text it is in."""
    if comment.role is None:
        summary, body = _replaced(article.summary, article.body, anchor, comment.proposed_wording)
        return services.edit_article(
            article=article, by=by, seen_revision_id=seen_revision_id, title=article.title,
            summary=summary, body=body,
            literature_current_through=article.literature_current_through, comment=note,
        )  # fmt: skip
    version = variant_texts(article)[comment.role_id]
    summary, body = _replaced(version.summary, version.body, anchor, comment.proposed_wording)
    return services.edit_variant(
        article=article, role=comment.role, by=by, seen_revision_id=seen_revision_id,
        summary=summary, body=body, comment=note,
    )  # fmt: skip


def _replaced(summary: str, body: str, anchor: Anchor, wording: str) -> tuple[str, str]:
    """(summary, body) with the passage replaced in whichever of the two it is in."""
    joined = joined_source(summary, body)
    try:
        start, end = find_in_source(joined, anchor)
    except PassageNotFound as exc:
        raise InvalidTransition(str(exc)) from exc
    wording = wording.strip()
    if end <= len(summary):
        return summary[:start] + wording + summary[end:], body
    if start >= len(summary) + 2:
        start, end = start - len(summary) - 2, end - len(summary) - 2
        return summary, body[:start] + wording + body[end:]
    raise InvalidTransition(
        gettext(
            "The passage runs from the summary into the body, so it cannot be replaced with one "
            "click. Edit the text instead."
        )
    )


def _lock_open(comment: PassageComment) -> PassageComment:
    locked = (
        PassageComment.objects.select_for_update().select_related("written_by").get(pk=comment.pk)
    )
    if not locked.is_open:
        raise InvalidTransition(
            gettext("%(name)s resolved this comment on %(day)s already.")
            % {
                "name": locked.resolved_by.public_name,
                "day": long_date(timezone.localtime(locked.resolved_at)),
            }
        )
    return locked


def _close(comment: PassageComment, *, by: User, accepted: bool) -> None:
    comment.resolved_at, comment.resolved_by = timezone.now(), by
    comment.wording_accepted = accepted
    comment.save(update_fields=["resolved_at", "resolved_by", "wording_accepted"])


def _timeline(article: Article, *, by: User, comment: str) -> ReviewEvent:
    return ReviewEvent.objects.create(
        article=article, actor=by, action=ReviewEvent.Action.COMMENT,
        from_state=article.state, to_state=article.state,
        revision_id=latest_revision_id(article), comment=comment,
    )  # fmt: skip


def _tell(event: ReviewEvent, recipients: list[User], subject: str) -> None:
    """E-mail the comment to each recipient, in their language (`subject` names the article as
    `%(title)s`); the comment itself as written."""
    said = {"title": event.article.title, "name": event.actor.public_name}
    told = set()
    for recipient in recipients:
        if recipient.pk in told or recipient.pk == event.actor_id or not recipient.email:
            continue
        told.add(recipient.pk)
        with translation.override(recipient.mail_language):
            heading = gettext("%(name)s wrote on “%(title)s”:") % said
            services.notify(event=event, recipient=recipient, subject=str(subject) % said,
                            body=f"{heading}\n\n{event.comment}")  # fmt: skip


def _require(refusal: str | None) -> None:
    if refusal:
        raise NotAllowed(refusal)


def _text(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidTransition(gettext("Write the %(what)s first.") % {"what": TEXT_NAMES[what]})
    if len(text) > MAX_CHARS:
        raise InvalidTransition(
            gettext("The %(what)s is %(length)s characters long; the limit is %(limit)s.")
            % {
                "what": TEXT_NAMES[what],
                "length": number_format(len(text), force_grouping=True),
                "limit": number_format(MAX_CHARS, force_grouping=True),
            }
        )
    return text


def _short(quote: str) -> str:
    if len(quote) <= QUOTE_IN_TIMELINE:
        return quote
    return quote[: QUOTE_IN_TIMELINE - 1].rstrip() + "\u2026"
