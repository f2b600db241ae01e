"""Explaining technical terms inline for lay readers: a pure pass over sanitized HTML.

The first occurrence of each term (or alias) in ordinary text gets its explanation right after
it, in brackets, as text a screen reader reads and a printer prints; never a hover-only
tooltip. Links, headings, code, citations and earlier explanations are left untouched.
"""

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from articles.rendering import sanitize

SKIP_INSIDE = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "sup", "abbr", "dfn"}
VOID = {"br", "hr", "img", "input", "meta", "link"}


@dataclass(frozen=True)
class Term:
    term: str
    surface_forms: tuple[str, ...]
    explanation: str


def annotate(html: str, terms: list[Term]) -> str:
    """`html` with the first use of each term explained; the result is sanitized again."""
    if not terms:
        return html
    annotator = _Annotator(terms)
    annotator.feed(html)
    annotator.close()
    return sanitize("".join(annotator.out))


def _pattern(terms: list[Term]) -> tuple[re.Pattern, dict[str, Term]]:
    by_form = {}
    for term in terms:
        for form in term.surface_forms:
            by_form.setdefault(form.lower(), term)
    # Longest first, so "non-small cell lung cancer" wins over "lung cancer".
    forms = sorted(by_form, key=len, reverse=True)
    alternation = "|".join(re.escape(form) for form in forms)
    return re.compile(rf"(?<![\w-])({alternation})(?![\w-])", re.IGNORECASE), by_form


class _Annotator(HTMLParser):
    def __init__(self, terms: list[Term]) -> None:
        super().__init__(convert_charrefs=True)
        self.pattern, self.by_form = _pattern(terms)
        self.explained: set[str] = set()
        self.stack: list[str] = []
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        rendered = "".join(
            f' {name}="{escape(value, quote=True)}"' if value is not None else f" {name}"
            for name, value in attrs
        )
        self.out.append(f"<{tag}{rendered}>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if SKIP_INSIDE & set(self.stack):
            self.out.append(escape(data, quote=False))
            return
        self.out.append(self.pattern.sub(self._explain, escape(data, quote=False)))

    def _explain(self, match: re.Match) -> str:
        term = self.by_form[match.group(1).lower()]
        if term.term in self.explained:
            return match.group(0)
        self.explained.add(term.term)
        return (
            f'{match.group(0)} <span class="gloss">(<span class="visually-hidden">'
            f"meaning: </span>{escape(term.explanation.rstrip('.'), quote=False)})</span>"
        )
