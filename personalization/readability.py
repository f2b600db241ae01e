"""Reading grade of a text, by the formulas of the `readability` package (no downloads)."""

import html
import re
from dataclasses import dataclass

import readability

from articles.rendering import CITATION_MARKER, render_body

# Each heading, list item, paragraph and table cell is a sentence of its own: a bullet without
# a full stop is not half of the next one.
BLOCK = re.compile(r"</?(?:p|li|h[1-6]|ul|ol|td|th|tr|blockquote)[^>]*>")
TAG = re.compile(r"<[^>]+>")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
TOKEN = re.compile(r"\w+(?:[-'\u2019.]\w+)*|[^\w\s]")
FORMULAS = {"Flesch-Kincaid": "Kincaid", "Coleman-Liau": "Coleman-Liau"}


@dataclass(frozen=True)
class ReadingGrade:
    grades: dict[str, float]  # formula name → US school grade
    words: int

    @property
    def flesch_kincaid(self) -> float:
        return self.grades["Flesch-Kincaid"]

    @property
    def coleman_liau(self) -> float:
        return self.grades["Coleman-Liau"]

    @property
    def grade(self) -> float:
        """The mean of the formulas: the figure compared with a role's target."""
        return round(sum(self.grades.values()) / len(self.grades), 1)


def reading_grade(markdown_text: str) -> ReadingGrade | None:
    """The reading grade of a Markdown text, or None if it has no words."""
    sentences = _sentences(markdown_text)
    if not sentences:
        return None
    tokenized = "\n".join(" ".join(TOKEN.findall(sentence)) for sentence in sentences)
    measures = readability.getmeasures(tokenized, lang="en")
    grades = {name: round(measures["readability grades"][key], 1) for name, key in FORMULAS.items()}
    return ReadingGrade(grades=grades, words=int(measures["sentence info"]["words"]))


def _sentences(markdown_text: str) -> list[str]:
    text = CITATION_MARKER.sub("", markdown_text)
    rendered = render_body(text, known_keys=frozenset()).html
    sentences = []
    for block in BLOCK.split(rendered):
        block = html.unescape(TAG.sub("", block)).strip()
        if not block:
            continue
        if not block.endswith((".", "!", "?", ":")):
            block += "."
        sentences += [s.strip() for s in SENTENCE_END.split(block) if s.strip()]
    return sentences
