"""Markdown to safe HTML: pure functions, no database, no cache, no I/O.

Citation markers are written `[@key]`, where `key` is a Reference's key. They become superscript
links to the reference list, numbered by first appearance in the rendered text, so the numbers a
reader sees always follow reading order. Evidence grades are written `{grade 1A}` (see
evidence.py) and become a badge, in the language of the text, linking to the editorial policy in
that language; a marker naming no grade stays as it was written and is reported, so the services
can refuse it. Every fragment goes through nh3 before it leaves here.
"""

import re
import xml.etree.ElementTree as etree
from collections.abc import Container, Sequence
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from .evidence import GRADE_CLASSES, GRADE_MARKER_PATTERN, parse_grade, wording

CITATION_PATTERN = r"\[@([A-Za-z0-9][A-Za-z0-9_-]{0,79})\]"
CITATION_MARKER = re.compile(CITATION_PATTERN)
MARKDOWN_EXTENSIONS = ["sane_lists", "tables"]

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "aria-label"},  # the title of a grade badge says what it means
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"scope"},
}
ALLOWED_CLASSES = {
    "a": GRADE_CLASSES,
    "sup": {"citation"},
    "span": {"citation-missing", "gloss", "visually-hidden"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


class UnrenderableMarkdown(ValueError):
    """The text nests too deeply for the parser; refused where content is saved."""


@dataclass(frozen=True)
class RenderedBody:
    html: str
    cited_keys: tuple[str, ...]  # in numbering order: cited_keys[0] is [1]
    dangling_keys: tuple[str, ...]  # markers naming no known reference
    invalid_grades: tuple[str, ...] = ()  # `{grade ...}` markers naming no grade, as written


def sanitize(html: str) -> str:
    """The one gate every rendered fragment passes: only our tags, only safe URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Plain Markdown (no citations) to sanitized HTML: disclaimers, notes, comments."""
    return render_body(text, known_keys=frozenset()).html


# List or quote markers opening one line: Python-Markdown recurses once per level, so a hostile
# text could exhaust the stack wherever it happens to be rendered; refuse it before rendering.
_NESTING = re.compile(r"^(?:\s*(?:[-*+>]|\d+[.)])(?=\s|$))+", re.MULTILINE)
MAX_NESTING = 40


def render_body(text: str, known_keys: Container[str], language: str = "en") -> RenderedBody:
    """An article body to sanitized HTML with numbered citations; `language` is the text's, which
    its grade badges are written in."""
    for opening in _NESTING.finditer(text):
        if len(re.findall(r"[-*+>]|\d+[.)]", opening.group())) > MAX_NESTING:
            raise UnrenderableMarkdown("The text nests lists or quotes too deeply.")
    numbering = _CitationNumbering(known_keys)
    invalid_grades: list[str] = []
    md = markdown.Markdown(
        extensions=[
            *MARKDOWN_EXTENSIONS,
            _CitationExtension(numbering),
            _GradeExtension(invalid_grades, language),
        ]
    )
    try:
        html = sanitize(md.convert(text))
    except RecursionError as exc:
        raise UnrenderableMarkdown("The text nests lists or quotes too deeply.") from exc
    return RenderedBody(
        html=html,
        cited_keys=tuple(numbering.numbers),
        dangling_keys=tuple(dict.fromkeys(numbering.dangling)),
        invalid_grades=tuple(dict.fromkeys(invalid_grades)),
    )


def cited_keys(text: str) -> tuple[str, ...]:
    """The reference keys a body cites, in the order the reader meets them."""
    return render_body(text, known_keys=ANY_KEY).cited_keys


@dataclass(frozen=True)
class MarkerLines:
    """Where a text's citation and grade markers are, by line (from 1): what a writer is
    pointed at when the render finds a marker wrong."""

    keys: tuple[tuple[str, int], ...]  # (key, line) of each `[@key]`
    grades: tuple[tuple[str, int], ...]  # (marker as written, line) of each `{grade ...}`

    def lines_of_key(self, key: str) -> list[int]:
        return [line for found, line in self.keys if found == key] or [0]  # 0: no line known

    def lines_of_grade(self, marker: str) -> list[int]:
        return [line for found, line in self.grades if found == marker] or [0]


_CODE_SPAN = re.compile(r"(`+).+?\1")
_UNESCAPED_CITATION = re.compile(r"(?<!\\)" + CITATION_PATTERN)
_UNESCAPED_GRADE = re.compile(r"(?<!\\)" + GRADE_MARKER_PATTERN, re.IGNORECASE)


def marker_lines(lines: Sequence[str]) -> MarkerLines:
    """Each marker outside inline code and not escaped, with its line. A scan, not a render: the
    render says which markers are wrong; this says where they are."""
    keys, grades = [], []
    for number, line in enumerate(lines, start=1):
        text = _CODE_SPAN.sub("", line)
        keys += [(m[1], number) for m in _UNESCAPED_CITATION.finditer(text)]
        grades += [(m[0], number) for m in _UNESCAPED_GRADE.finditer(text)]
    return MarkerLines(tuple(keys), tuple(grades))


class _AnyKey:
    """Treats every key as known, so a render reports every cited key in order."""

    def __contains__(self, key: object) -> bool:
        return True


ANY_KEY = _AnyKey()


class _CitationNumbering:
    def __init__(self, known_keys: Container[str]) -> None:
        self.known_keys = known_keys
        self.numbers: dict[str, int] = {}
        self.dangling: list[str] = []


class _CitationInline(InlineProcessor):
    def handleMatch(self, m, data):
        el = etree.Element("sup")
        el.set("data-citation-key", m.group(1))
        return el, m.start(0), m.end(0)


class _NumberCitations(Treeprocessor):
    """Runs after inline parsing, walking the tree in document order, so numbers follow reading."""

    def __init__(self, md, numbering: _CitationNumbering) -> None:
        super().__init__(md)
        self.numbering = numbering

    def run(self, root):
        for el in root.iter("sup"):
            key = el.attrib.pop("data-citation-key", None)
            if key is None:
                continue
            if key not in self.numbering.known_keys:
                self.numbering.dangling.append(key)
                el.tag = "span"
                el.set("class", "citation-missing")
                el.text = "[citation missing]"
                continue
            number = self.numbering.numbers.setdefault(key, len(self.numbering.numbers) + 1)
            el.set("class", "citation")
            link = etree.SubElement(el, "a", href=f"#ref-{number}")
            link.set("aria-label", f"Reference {number}")
            link.text = str(number)


class _CitationExtension(Extension):
    def __init__(self, numbering: _CitationNumbering) -> None:
        super().__init__()
        self.numbering = numbering

    def extendMarkdown(self, md):
        # Above links (160) and reference links (170) so `[@a][@b]` is two citations, below
        # backticks (190) and escapes (180) so `\[@a]` and code spans stay literal.
        md.inlinePatterns.register(_CitationInline(CITATION_PATTERN, md), "citation", 175)
        # After inline parsing (priority 20), before prettifying (10).
        md.treeprocessors.register(_NumberCitations(md, self.numbering), "number_citations", 15)


class _GradeInline(InlineProcessor):
    """`{grade 1A}` → a badge whose text a screen reader reads whole: "Grade 1A: strong
    recommendation, high-quality evidence" ("Grado 1A: recomendación fuerte, …" in a Spanish
    text); the title says the same to a pointer."""

    def __init__(self, pattern: str, md, invalid: list[str], language: str) -> None:
        super().__init__(f"(?i){pattern}", md)
        self.invalid = invalid
        self.language = language

    def handleMatch(self, m, data):
        grade = parse_grade(m.group(1))
        if grade is None:
            self.invalid.append(m.group(0))
            return None, None, None  # left as written: never a broken page
        words, meant = wording(self.language), grade.meaning_in(self.language)
        badge = etree.Element("a", href=words.policy_url, title=meant.capitalize())
        badge.set("class", f"grade {grade.css_class}")
        badge.text = f"{words.word} {grade.code}"
        meaning = etree.SubElement(badge, "span")
        meaning.set("class", "visually-hidden")
        meaning.text = f": {meant}"
        return badge, m.start(0), m.end(0)


class _GradeExtension(Extension):
    def __init__(self, invalid: list[str], language: str) -> None:
        super().__init__()
        self.invalid = invalid
        self.language = language

    def extendMarkdown(self, md):
        # Below backticks (190) and escapes (180): `{grade 1A}` in code and \{grade 1A} stay text.
        grades = _GradeInline(GRADE_MARKER_PATTERN, md, self.invalid, self.language)
        md.inlinePatterns.register(grades, "grade", 174)
