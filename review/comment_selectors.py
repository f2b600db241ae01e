"""Reads of comments on passages: the texts they anchor in, and each thread where its passage
is now."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from accounts.models import User
from articles.models import Article
from articles.selectors import content_of, latest_revision_id, working_source
from personalization.models import ReaderRole
from personalization.selectors import reader_roles, variant_texts

from . import comment_rules
from .anchoring import (
    Anchor,
    PassageNotFound,
    Span,
    find_in_source,
    locate,
    mark_passages,
    plain_text,
)
from .models import PassageComment
from .workflow import MOVES, refusal

DEFAULT_TEXT = ""  # the form's value for the default text (a reader version: its role's slug)


@dataclass(frozen=True)
class PassageSource:
    """One text a reviewer may comment on, as the review page shows it now: the summary and the
    body, rendered."""

    role: ReaderRole | None
    html: str
    text: str  # its plain text, where anchors are found
    markdown: str  # the summary and the body as written, where proposed wording goes

    @property
    def key(self) -> str:
        return self.role.slug if self.role else DEFAULT_TEXT

    @property
    def label(self) -> str:
        """The text's name on the review page, in the reader's language."""
        if self.role is None:
            return gettext("Default text")
        return gettext("%(role)s version") % {"role": self.role.label_for(get_language())}


def joined_source(summary: str, body: str) -> str:
    return f"{summary}\n\n{body}"


def _source(role: ReaderRole | None, summary: str, body: str, body_html: str) -> PassageSource:
    # The summary is part of what readers read first, so it can be commented on too.
    html = (f'<p class="summary">{escape(summary)}</p>' if summary.strip() else "") + body_html
    return PassageSource(role=role, html=html, text=plain_text(html),
                         markdown=joined_source(summary, body))  # fmt: skip


def passage_sources(article: Article) -> list[PassageSource]:
    """The default text, then each reader version, in the roles' order."""
    source = working_source(article)
    sources = [_source(None, source.summary, source.body, content_of(source).body_html)]
    versions = variant_texts(article)
    for role in (role for role in reader_roles() if role.pk in versions):
        version = versions[role.pk]
        html = content_of(source, version).body_html
        sources.append(_source(role, version.summary, version.body, html))
    return sources


def passage_source(article: Article, role: ReaderRole | None) -> PassageSource | None:
    """The default text or one reader version now; None if the article has no such version."""
    return next((s for s in passage_sources(article) if s.role == role), None)


def anchor_of(comment: PassageComment) -> Anchor:
    return Anchor(quote=comment.quote, prefix=comment.prefix, suffix=comment.suffix)


@dataclass(frozen=True)
class Thread:
    comment: PassageComment
    span: Span | None  # where its passage is in the text now; None when the passage changed
    current_revision_id: int | None
    may_reply: bool
    may_resolve: bool
    may_reopen: bool
    # Why the text cannot be edited by this person now (the edit move's refusal), or None.
    edit_refusal: str | None = None
    # Why the passage cannot be found in the Markdown to replace (it runs across formatting).
    source_refusal: str | None = None

    @property
    def passage_changed(self) -> bool:
        return self.span is None

    @property
    def text_edited_since(self) -> bool:
        return self.comment.revision_id != self.current_revision_id

    @property
    def offers_wording(self) -> bool:
        """Whether this person sees the "Accept the proposed wording" button (maybe disabled)."""
        return self.may_resolve and self.comment.is_open and bool(self.comment.proposed_wording)

    @property
    def wording_refusal(self) -> str | None:
        """Why the proposed wording cannot be accepted now, or None if it can."""
        if self.passage_changed:
            return gettext("The passage changed since this comment; edit the text instead.")
        return self.edit_refusal or self.source_refusal


@dataclass(frozen=True)
class CommentedText:
    source: PassageSource
    html: SafeString  # the text with each open comment's passage marked
    threads: list[Thread] = field(default_factory=list)


@dataclass(frozen=True)
class Comments:
    texts: list[CommentedText]
    # Threads on a reader version the article no longer has: their passage changed for good.
    orphans: list[Thread]

    @property
    def count(self) -> int:
        return sum(len(text.threads) for text in self.texts) + len(self.orphans)

    @property
    def open_count(self) -> int:
        threads = [t for text in self.texts for t in text.threads] + self.orphans
        return sum(1 for t in threads if t.comment.is_open)


def comments_on(article: Article, user: User, sources: list[PassageSource] | None = None
                ) -> Comments:  # fmt: skip
    """Each text with its threads in reading order (the passages' order, changed ones last)."""
    sources = passage_sources(article) if sources is None else sources
    by_key = {source.key: source for source in sources}
    current = latest_revision_id(article)
    threads: dict[str, list[Thread]] = {source.key: [] for source in sources}
    comments = (
        article.passage_comments.select_related("written_by", "resolved_by", "role")
        .prefetch_related("replies__written_by")
    )  # fmt: skip
    # The rules about this person and this article, asked once for every thread.
    may_reply = comment_rules.may_reply(article, user) is None
    may_resolve = comment_rules.may_resolve(article, user) is None
    edit = refusal(MOVES["edit"], article=article, user=user) if may_resolve else None
    for comment in comments:
        key = comment.role.slug if comment.role else DEFAULT_TEXT
        source = by_key.get(key)
        span = locate(source.text, anchor_of(comment)) if source else None
        threads.setdefault(key, []).append(
            Thread(
                comment=comment, span=span, current_revision_id=current,
                may_reply=may_reply, may_resolve=may_resolve,
                may_reopen=comment_rules.may_reopen(comment, user) is None,
                edit_refusal=edit.message if edit else None,
                source_refusal=_source_refusal(source, comment) if span else None,
            )
        )  # fmt: skip
    texts = []
    for source in sources:
        listed = sorted(
            threads[source.key],
            key=lambda t: (t.span is None, t.span.start if t.span else 0, t.comment.pk),
        )
        marks = [(t.span, str(t.comment.pk)) for t in listed if t.span and t.comment.is_open]
        texts.append(CommentedText(source, mark_passages(source.html, marks), listed))
    orphans = [t for key, listed in threads.items() if key not in by_key for t in listed]
    return Comments(texts=texts, orphans=orphans)


def _source_refusal(source: PassageSource, comment: PassageComment) -> str | None:
    if not comment.proposed_wording or not comment.is_open:
        return None
    try:
        find_in_source(source.markdown, anchor_of(comment))
    except PassageNotFound as exc:
        return str(exc)
    return None


def open_blocking_comments(article: Article) -> QuerySet[PassageComment]:
    """Blocking comments nobody has resolved: while there is one, approval is refused."""
    return article.passage_comments.filter(blocking=True, resolved_at__isnull=True).select_related(
        "written_by"
    )
