"""Passages of a text a comment is anchored to, found again after edits. Pure: no I/O.

An anchor is a quote with a little of the text before and after it (the W3C Web Annotation
TextQuoteSelector: exact, prefix, suffix), taken from the text as a reader sees it (the rendered
HTML's words, whitespace collapsed), so what a reviewer selects with the mouse or pastes from
the page is what is stored. A comment follows its passage into newer text while the quote is
still there; where it occurs more than once, the context says which; when it is gone, the
passage changed.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from articles.text_memo import of_the_text

CONTEXT_CHARS = 32
WHITESPACE = re.compile(r"\s+")
# Elements that end a run of words: the text on either side is not one word.
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})  # fmt: skip


class PassageNotFound(ValueError):
    """The quote is not in the text (or not in one place of it); the message says which."""


def normalize(text: str) -> str:
    """Whitespace collapsed to single spaces, trimmed: how a selection and a paste compare."""
    return WHITESPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Anchor:
    quote: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Span:
    start: int
    end: int


class _Walker(HTMLParser):
    """Walks sanitized HTML, numbering each character as plain_text() counts it, and writes the
    HTML back with <mark> around the characters of the spans asked for."""

    def __init__(self, marks: Iterable[tuple[Span, str]] = ()) -> None:
        super().__init__(convert_charrefs=True)
        self.marks = sorted(marks, key=lambda mark: mark[0].start)
        self.text: list[str] = []
        self.out: list[str] = []
        self.pending_space = False
        self.marked: set[str] = set()  # ids whose first <mark> is written (it carries the id)

    def handle_starttag(self, tag, attrs):
        self._block(tag)
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self._block(tag)
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self._block(tag)
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        run: list[str] = []
        run_id: str | None = None
        spaces = ""  # whitespace joins a mark only between two of its words
        for char in data:
            index = self._count(char)
            if index is None:
                spaces += char
                continue
            mark_id = self._mark_at(index)
            if mark_id != run_id:
                self._flush(run, run_id)
                run, run_id = [], mark_id
                self._flush(list(spaces), None)
            else:
                run.extend(spaces)
            spaces = ""
            run.append(char)
        self._flush(run, run_id)
        self._flush(list(spaces), None)

    def _block(self, tag: str) -> None:
        if tag in BLOCKS:
            self.pending_space = True

    def _count(self, char: str) -> int | None:
        """The index `char` has in the plain text, or None when it is collapsed away."""
        if char.isspace():
            self.pending_space = True
            return None
        if self.pending_space and self.text:
            self.text.append(" ")
        self.pending_space = False
        self.text.append(char)
        return len(self.text) - 1

    def _mark_at(self, index: int) -> str | None:
        for span, mark_id in self.marks:
            if span.start <= index < span.end:
                return mark_id
        return None

    def _flush(self, run: list[str], mark_id: str | None) -> None:
        if not run:
            return
        text = escape("".join(run), quote=False)
        if mark_id is None:
            self.out.append(text)
            return
        first = mark_id not in self.marked
        self.marked.add(mark_id)
        target = f' id="passage-{mark_id}"' if first else ""
        self.out.append(f'<mark class="passage"{target} data-comment="{mark_id}">{text}</mark>')


@of_the_text
def plain_text(html: str) -> str:
    """The words of sanitized HTML as a reader sees them, whitespace collapsed."""
    walker = _Walker()
    walker.feed(html)
    walker.close()
    return "".join(walker.text)


def mark_passages(html: str, marks: Iterable[tuple[Span, str]]) -> SafeString:
    """The same (sanitized) HTML with each span of its plain text wrapped in <mark>, the first
    piece of each carrying id="passage-<id>"."""
    return _marked(html, tuple(marks))


@of_the_text
def _marked(html: str, marks: tuple[tuple[Span, str], ...]) -> SafeString:
    walker = _Walker(marks)
    walker.feed(html)
    walker.close()
    return mark_safe("".join(walker.out))  # tags as sanitized, text re-escaped


def anchor_in(text: str, quote: str) -> Anchor:
    """The anchor of `quote` in `text` (plain text): refused when it is not there, or when it is
    there more than once (select a longer passage)."""
    quote = normalize(quote)
    if not quote:
        raise PassageNotFound(gettext("Select or paste the passage you are commenting on."))
    starts = _occurrences(text, quote)
    if not starts:
        raise PassageNotFound(
            gettext(
                "That passage is not in the text as it reads now. Select it in the text, or "
                "paste it exactly as it appears there."
            )
        )
    if len(starts) > 1:
        raise PassageNotFound(
            gettext(
                "That passage appears %(times)d times in the text. Select or paste a longer "
                "passage, so the comment points at one place."
            )
            % {"times": len(starts)}
        )
    return _anchor_at(text, starts[0], quote)


def locate(text: str, anchor: Anchor) -> Span | None:
    """Where the anchored passage is in `text` now, or None when it changed (its quote is gone,
    or is there more than once and the context cannot tell which)."""
    starts = _occurrences(text, anchor.quote)
    if len(starts) <= 1:
        return Span(starts[0], starts[0] + len(anchor.quote)) if starts else None
    best = _best(starts, lambda start: _context_score(text, start, anchor))
    return Span(best, best + len(anchor.quote)) if best is not None else None


def find_in_source(source: str, anchor: Anchor) -> tuple[int, int]:
    """Where the anchored passage is in `source` (Markdown, or a plain summary): (start, end).

    The quote is matched word for word, whitespace aside; a passage that runs across formatting
    or a citation is not in the source as it reads, and is refused (edit the text instead).
    """
    words = anchor.quote.split(" ")
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    matches = {m.start(): m for m in pattern.finditer(source)}
    if not matches:
        raise PassageNotFound(
            gettext(
                "The passage runs across formatting, a link or a citation in the Markdown, so "
                "it cannot be replaced with one click. Edit the text instead."
            )
        )
    best = _best(list(matches), lambda start: _source_context_score(source, matches[start], anchor))
    if best is None:
        raise PassageNotFound(
            gettext(
                "The passage appears more than once in the Markdown and its context does not "
                "say which. Edit the text instead."
            )
        )
    return matches[best].start(), matches[best].end()


def _occurrences(text: str, quote: str) -> list[int]:
    starts, start = [], text.find(quote)
    while start != -1:
        starts.append(start)
        start = text.find(quote, start + 1)
    return starts


def _anchor_at(text: str, start: int, quote: str) -> Anchor:
    end = start + len(quote)
    return Anchor(
        quote=quote,
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
    )


def _best(candidates: list[int], score: Callable[[int], int]) -> int | None:
    """The candidate with the highest score, or None on a tie for first place."""
    scored = sorted(((score(c), c) for c in candidates), reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


def _context_score(text: str, start: int, anchor: Anchor) -> int:
    before = text[max(0, start - len(anchor.prefix)) : start]
    end = start + len(anchor.quote)
    after = text[end : end + len(anchor.suffix)]
    return _common_tail(before, anchor.prefix) + _common_head(after, anchor.suffix)


def _source_context_score(source: str, match: re.Match, anchor: Anchor) -> int:
    # Markdown marks around the passage make the context approximate; the longest agreement wins.
    before = normalize(source[max(0, match.start() - 2 * CONTEXT_CHARS) : match.start()])
    after = normalize(source[match.end() : match.end() + 2 * CONTEXT_CHARS])
    return _common_tail(before, anchor.prefix.strip()) + _common_head(after, anchor.suffix.strip())


def _common_head(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _common_tail(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n
