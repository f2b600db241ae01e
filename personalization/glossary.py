"""Explaining technical terms inline for lay readers: a pure pass over sanitized HTML.

The first occurrence of each term (or alias) in ordinary text gets its explanation right after
it, in brackets, as text a screen reader reads and a printer prints; never a hover-only
tooltip. Links, headings, code, citations and earlier explanations are left untouched.

Two things a reader would otherwise trip over:
- A term the writer put in quotation marks gets its explanation after the closing mark, not
  inside the quotation (`"exon 20 insertion" (a gene change …).`).
- A term the writer explains in their own words, in the same paragraph or list item, gets no
  second explanation: "This is called anemia", "mouth sores, called stomatitis", "ESMO is a
  group of …", "… means …", "… stands for …", "… is short for …". The writer's words, which
  the board reviewed in context, win.
"""

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from articles.rendering import sanitize

SKIP_INSIDE = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "sup", "abbr", "dfn"}
VOID = {"br", "hr", "img", "input", "meta", "link"}
# What "the same paragraph or list item" is: a list item's own words, not its nested list's.
BLOCKS = {"p", "li", "td", "th", "dt", "dd", "blockquote", "figcaption", "caption"}
BLOCKS |= {"h1", "h2", "h3", "h4", "h5", "h6"}
# After a term: the punctuation that ends a quotation, and the closing mark itself.
_CLOSING_QUOTE = r"""(?P<stop>[.,;:!?]?)(?P<quote>["\u201d\u2019'\u00bb])(?!\w)"""


@dataclass(frozen=True)
class Term:
    term: str
    surface_forms: tuple[str, ...]
    explanation: str


# What a screen reader hears before an explanation, in the text's language.
MEANING = {"en": "meaning: ", "es": "significado: "}


def annotate(html: str, terms: list[Term], language: str = "en") -> str:
    """`html` with the first use of each term explained; the result is sanitized again."""
    if not terms:
        return html
    texts = _BlockTexts()
    texts.feed(html)
    texts.close()
    annotator = _Annotator(terms, texts.texts, MEANING.get(language, MEANING["en"]))
    annotator.feed(html)
    annotator.close()
    return sanitize("".join(annotator.out))


def writer_explains(text: str, form: str) -> bool:
    """Whether `text` (one paragraph or list item) explains `form` in the writer's own words."""
    term = rf"""["\u201c\u2018']?{re.escape(form)}["\u201d\u2019']?(?![\w-])"""
    named_after = r"(?:\b(?:this|that|these|those) (?:is|are) (?:called|known as)|, called) "
    defined = r" (?:is|are) (?:an?|short for)\b| means\b| stands for\b"
    found = re.search(
        rf"{named_after}(?:an? |the )?{term}|(?<![\w-]){term}(?:{defined})", text, re.IGNORECASE
    )
    return found is not None


def _pattern(terms: list[Term]) -> tuple[re.Pattern, dict[str, Term]]:
    by_form = {}
    for term in terms:
        for form in term.surface_forms:
            by_form.setdefault(form.lower(), term)
    # Longest first, so "non-small cell lung cancer" wins over "lung cancer".
    forms = sorted(by_form, key=len, reverse=True)
    alternation = "|".join(re.escape(form) for form in forms)
    return (
        re.compile(rf"(?<![\w-])({alternation})(?![\w-])(?:{_CLOSING_QUOTE})?", re.IGNORECASE),
        by_form,
    )


class _Blocks(HTMLParser):
    """Numbers the blocks (paragraphs, list items, cells) in the order it reads them:
    `self.block` is the one whose words are being read, 0 outside any."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.opened = 0
        self.open_blocks: list[tuple[str, int]] = []

    @property
    def block(self) -> int:
        return self.open_blocks[-1][1] if self.open_blocks else 0

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.opened += 1
            self.open_blocks.append((tag, self.opened))

    def handle_endtag(self, tag):
        if any(open_tag == tag for open_tag, _ in self.open_blocks):
            while self.open_blocks and self.open_blocks.pop()[0] != tag:
                pass


class _BlockTexts(_Blocks):
    """The words of each block, read before annotating: a writer may explain a term after it."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[int, str] = {}

    def handle_data(self, data):
        self.texts[self.block] = self.texts.get(self.block, "") + data


class _Annotator(_Blocks):
    def __init__(self, terms: list[Term], block_texts: dict[int, str], meaning: str) -> None:
        self.meaning = meaning
        super().__init__()
        self.pattern, self.by_form = _pattern(terms)
        self.block_texts = block_texts
        self.explained: set[str] = set()
        self.stack: list[str] = []
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
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
        super().handle_endtag(tag)
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
        form = match.group(1)
        term = self.by_form[form.lower()]
        if term.term in self.explained:
            return match.group(0)
        self.explained.add(term.term)
        if writer_explains(self.block_texts.get(self.block, ""), form):
            return match.group(0)
        gloss = (
            ' <span class="gloss">(<span class="visually-hidden">'
            f"{self.meaning}</span>{escape(term.explanation.rstrip('.'), quote=False)})</span>"
        )
        if match.group("quote"):  # after the quotation, before the punctuation that ended it
            return f"{form}{match.group('quote')}{gloss}{match.group('stop')}"
        return f"{form}{gloss}"
