"""Evidence grades on recommendations, and finding the recommendations that carry none. Pure.

An author grades a recommendation by writing `{grade 1A}` in it: GRADE's strength of the
recommendation (1 strong, 2 weak) and the quality of the evidence behind it (A high,
B moderate, C low or very low). The grade is the advisory board's judgement; rendering.py turns
the marker into a badge that links to the editorial policy.

A recommendation, for the review page's list of ungraded ones, is a paragraph or list item (its
own words, not its nested lists) that either says what to do (it has "recommend…", "should",
"preferred", "advise…", "can be given/used/offered/considered", or a sentence or clause that
starts with an instruction such as "Use", "Confirm", "Do not", "Avoid", "Leave out", "Watch
for"), or is an item of a list introduced by a label ending in "options:" or "choices:".
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Anything written `{grade ...}` is a marker, so a mistyped one is reported rather than shown.
GRADE_MARKER_PATTERN = r"\{grade(?![\w-])([^{}\n]{0,20})\}"
GRADE_MARKER = re.compile(GRADE_MARKER_PATTERN, re.IGNORECASE)
POLICY_URL = "/editorial-policy/#evidence-grades"  # the public contract fixes this address

STRENGTHS = {"1": "strong recommendation", "2": "weak recommendation"}
QUALITIES = {
    "A": "high-quality evidence",
    "B": "moderate-quality evidence",
    "C": "low-quality evidence",
}


@dataclass(frozen=True)
class GradeWording:
    """How a badge reads in one language, and the editorial policy it links to (in that
    language: the table there says what each grade means in the same words)."""

    word: str  # "Grade"
    policy_url: str
    strengths: dict[str, str]
    qualities: dict[str, str]


WORDINGS = {
    "en": GradeWording("Grade", POLICY_URL, STRENGTHS, QUALITIES),
    # templates/public/editorial_policy_es.html: Fuerte / Débil; Alta / Moderada / Baja.
    "es": GradeWording(
        "Grado",
        f"/es{POLICY_URL}",
        {"1": "recomendación fuerte", "2": "recomendación débil"},
        {
            "A": "evidencia de calidad alta",
            "B": "evidencia de calidad moderada",
            "C": "evidencia de calidad baja",
        },
    ),
}


def wording(language: str) -> GradeWording:
    """The badge's words in `language` ("es", "es-mx"); English for a language without them."""
    return WORDINGS.get(language.lower().split("-")[0], WORDINGS["en"])


SYNTAX_HELP = (
    "A grade is written {grade 1A}: 1 (strong) or 2 (weak) for the recommendation, then A (high), "
    "B (moderate) or C (low) for the quality of the evidence."
)


@dataclass(frozen=True)
class EvidenceGrade:
    strength: str  # "1" or "2"
    quality: str  # "A", "B" or "C"

    @property
    def code(self) -> str:
        return f"{self.strength}{self.quality}"

    @property
    def meaning(self) -> str:
        """What the grade says, in words: "strong recommendation, high-quality evidence"."""
        return self.meaning_in("en")

    def meaning_in(self, language: str) -> str:
        """The meaning in `language`: "recomendación fuerte, evidencia de calidad alta"."""
        words = wording(language)
        return f"{words.strengths[self.strength]}, {words.qualities[self.quality]}"

    @property
    def css_class(self) -> str:
        return f"grade-{self.code.lower()}"


GRADES = tuple(EvidenceGrade(s, q) for s in STRENGTHS for q in QUALITIES)
GRADE_CLASSES = frozenset({"grade", *(grade.css_class for grade in GRADES)})
_BY_CODE = {grade.code: grade for grade in GRADES}
_BY_CLASS = {grade.css_class: grade for grade in GRADES}


def parse_grade(code: str) -> EvidenceGrade | None:
    """The grade a marker names ("1a" and "1A" alike), or None if it is not a grade."""
    return _BY_CODE.get(code.strip().upper())


# Recommendations -------------------------------------------------------------------------------

RECOMMENDING = re.compile(
    r"\b(?:recommend\w*|should|preferred|advis\w*|(?:can|may) be (?:given|used|offered|"
    r"considered|added))\b",
    re.IGNORECASE,
)
INSTRUCTION = re.compile(
    r"(?:^|[.!?;]\s+|,\s+)(?:use|give|offer|start|confirm|avoid|consider|do not|don't|never|"
    r"leave out|test|switch|prefer|choose|add|stop|watch for|monitor|check)\b",
    re.IGNORECASE,
)
OPTIONS_LABEL = re.compile(r"\b(?:options?|choices?)\s*:\s*$", re.IGNORECASE)


def is_recommendation(text: str, introduced_by: str = "") -> bool:
    """Whether a block's own words recommend something (see the module's docstring)."""
    if OPTIONS_LABEL.search(introduced_by):
        return not OPTIONS_LABEL.search(text)
    return bool(RECOMMENDING.search(text) or INSTRUCTION.search(text))


@dataclass(frozen=True)
class Recommendation:
    text: str  # its own words, without citation numbers or its grade badge
    grade: EvidenceGrade | None


def recommendations(html: str) -> list[Recommendation]:
    """The recommendations of a rendered body (sanitized HTML), graded or not, in reading order."""
    finder = _RecommendationFinder()
    finder.feed(html)
    finder.close()
    return [found for _, found in sorted(finder.found, key=lambda pair: pair[0])]


def ungraded_recommendations(html: str) -> list[Recommendation]:
    return [found for found in recommendations(html) if found.grade is None]


@dataclass
class _Block:
    order: int
    introduced_by: str
    words: list[str]
    grade: EvidenceGrade | None = None

    @property
    def text(self) -> str:
        return " ".join("".join(self.words).split())


class _RecommendationFinder(HTMLParser):
    BLOCKS = {"p", "li"}
    LISTS = {"ul", "ol"}
    SKIPPED = {"sup", "script", "style"}  # citation numbers

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self.intros: list[str] = []  # the label each open list was introduced by
        self.last_closed = ""  # the text just before a list opens, when not inside an item
        self.tags: list[str] = []
        self.skipping = 0
        self.in_badge = 0
        self.count = 0
        self.found: list[tuple[int, Recommendation]] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "hr"}:
            return
        self.tags.append(tag)
        classes = set((dict(attrs).get("class") or "").split())
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag == "a" and "grade" in classes:
            self.in_badge += 1
            if self.blocks:
                grades = [_BY_CLASS[c] for c in classes if c in _BY_CLASS]
                self.blocks[-1].grade = self.blocks[-1].grade or (grades[0] if grades else None)
        elif tag in self.LISTS:
            own = self.blocks[-1].text if self.blocks and self.blocks[-1].words else ""
            self.intros.append(own or self.last_closed)
        elif tag in self.BLOCKS:
            if tag == "li":
                intro = self.intros[-1] if self.intros else ""
            else:  # a paragraph of a loose list item speaks for the item
                parent = self.blocks[-1] if self.blocks else None
                intro = parent.introduced_by if parent and not parent.words else ""
            self.blocks.append(_Block(self.count, intro, []))
            self.count += 1
        elif tag.startswith("h") and tag[1:].isdigit():
            self.last_closed = ""

    def handle_endtag(self, tag):
        if tag not in self.tags:
            return
        while self.tags and self.tags.pop() != tag:
            pass
        if tag in self.SKIPPED:
            self.skipping -= 1
        elif tag == "a" and self.in_badge:
            self.in_badge -= 1
        elif tag in self.LISTS:
            self.intros.pop()
            self.last_closed = ""
        elif tag in self.BLOCKS and self.blocks:
            block = self.blocks.pop()
            text = block.text
            self.last_closed = text
            if text and is_recommendation(text, block.introduced_by):
                self.found.append((block.order, Recommendation(text, block.grade)))

    def handle_data(self, data):
        if self.skipping or self.in_badge or not self.blocks:
            return
        self.blocks[-1].words.append(data)
