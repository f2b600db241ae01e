"""Reading grade of a text, by the formulas of the `readability` package (no downloads); of a
Spanish text, by the Spanish formulas on the INFLESZ scale (see "Spanish" below)."""

import html
import re
from dataclasses import dataclass

import readability

from articles.evidence import GRADE_MARKER
from articles.models import Article
from articles.rendering import CITATION_MARKER, render_body
from articles.text_memo import of_the_text

from .models import ArticleVariant, ReaderRole

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


@of_the_text
def reading_grade(markdown_text: str) -> ReadingGrade | None:
    """The reading grade of a Markdown text, or None if it has no words."""
    sentences = _sentences(markdown_text)
    if not sentences:
        return None
    tokenized = "\n".join(" ".join(TOKEN.findall(sentence)) for sentence in sentences)
    measures = readability.getmeasures(tokenized, lang="en")
    grades = {name: round(measures["readability grades"][key], 1) for name, key in FORMULAS.items()}
    return ReadingGrade(grades=grades, words=int(measures["sentence info"]["words"]))


def _sentences(markdown_text: str, sentence_end: re.Pattern = SENTENCE_END) -> list[str]:
    text = CITATION_MARKER.sub("", markdown_text)
    rendered = render_body(text, known_keys=frozenset()).html
    sentences = []
    for block in BLOCK.split(rendered):
        block = html.unescape(TAG.sub("", block)).strip()
        if not block:
            continue
        if not block.endswith((".", "!", "?", ":")):
            block += "."
        sentences += [s.strip() for s in sentence_end.split(block) if s.strip()]
    return sentences


# Spanish ------------------------------------------------------------------------------------
#
# A Spanish text is scored on the INFLESZ scale (Barrio-Cantalejo et al., 2008): the
# Szigriszt-Pazos perspicuity index, 206.835 - 62.3 * syllables per word - words per sentence,
# from 0 (hardest) to 100 (easiest); Fernández-Huerta's index (206.84 - 60 * syllables per word
# - 1.02 * words per sentence, Law's correction) is shown beside it. Higher reads easier, the
# opposite of a US grade, so a role's target grade becomes the lowest INFLESZ score its
# Spanish version may have: up to grade 6 "muy fácil" (80), up to 8 "bastante fácil" (65, the
# patient and caregiver roles), up to 12 "normal" (55, students), up to 14 "algo difícil"
# (40, nurses), above that no floor (physicians read "muy difícil" texts).
#
# Syllables are counted by the rule of Spanish spelling, one per vowel nucleus: a diphthong
# (a weak vowel i, u, ü or final y beside another vowel, "ciu-dad", "a-gua") is one nucleus,
# two strong vowels (a, e, o) or an accented í or ú beside a vowel are two ("le-er", "dí-a").
# A hyphenation dictionary (pyphen's) never splits off a lone vowel ("agua", "día", "aéreo"
# come out one or two short), which is right for line breaks and wrong for these formulas.

INFLESZ_BANDS = (
    (80.0, "muy fácil"),
    (65.0, "bastante fácil"),
    (55.0, "normal"),
    (40.0, "algo difícil"),
    (0.0, "muy difícil"),
)
SPANISH_FLOORS = ((6, 80.0), (8, 65.0), (12, 55.0), (14, 40.0))  # target grade → INFLESZ floor
SPANISH_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑÜ0-9\"'(“«¿¡])")
SPANISH_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
STRONG_VOWELS = frozenset("aeoáéóíú")  # an accented í or ú stands apart, like a strong vowel
WEAK_VOWELS = frozenset("iuüy")


@dataclass(frozen=True)
class SpanishReadability:
    inflesz: float  # Szigriszt-Pazos on the INFLESZ scale: higher reads easier
    fernandez_huerta: float
    words: int

    @property
    def band(self) -> str:
        """The INFLESZ band: "bastante fácil", "normal", …"""
        return next((name for floor, name in INFLESZ_BANDS if self.inflesz >= floor), "muy difícil")

    def meets(self, floor: float | None) -> bool:
        return floor is None or self.inflesz >= floor


def spanish_floor(target_grade: float) -> float | None:
    """The lowest INFLESZ score for a role whose English target is this US grade (see above)."""
    return next((floor for grade, floor in SPANISH_FLOORS if target_grade <= grade), None)


def spanish_syllables(word: str) -> int:
    """Vowel nuclei of a Spanish word (at least one: "y", "NCCN" are read as one)."""
    word = word.lower()
    count, previous = 0, ""  # previous: "strong", "weak" or "" after a consonant
    for i, letter in enumerate(word):
        if letter == "y" and not (i == len(word) - 1 and (previous or len(word) == 1)):
            previous = ""  # a consonant: "yo", "mayo"
            continue
        if letter in STRONG_VOWELS:
            count += previous != "weak"  # "ia" is one nucleus, "ea" two
            previous = "strong"
        elif letter in WEAK_VOWELS:
            count += previous == ""  # "ai", "iu" and "ui" join the nucleus before them
            previous = "weak"
        else:
            previous = ""
    return max(count, 1)


@of_the_text
def spanish_readability(markdown_text: str) -> SpanishReadability | None:
    """A Spanish text's INFLESZ and Fernández-Huerta scores, or None if it has no words."""
    sentences = _sentences(GRADE_MARKER.sub("", markdown_text), SPANISH_SENTENCE_END)
    words = [word for sentence in sentences for word in SPANISH_WORD.findall(sentence)]
    if not words:
        return None
    syllables_per_word = sum(spanish_syllables(word) for word in words) / len(words)
    words_per_sentence = len(words) / len(sentences)
    return SpanishReadability(
        inflesz=round(206.835 - 62.3 * syllables_per_word - words_per_sentence, 1),
        fernandez_huerta=round(206.84 - 60 * syllables_per_word - 1.02 * words_per_sentence, 1),
        words=len(words),
    )


@dataclass(frozen=True)
class SpanishScore:
    role: ReaderRole | None  # None: the default text (health professionals), no floor
    score: SpanishReadability | None
    floor: float | None  # the lowest INFLESZ score the role's target allows

    @property
    def floor_band(self) -> str:
        return SpanishReadability(self.floor, 0, 0).band if self.floor is not None else ""

    @property
    def below_floor(self) -> bool:
        return self.score is not None and not self.score.meets(self.floor)


def spanish_scores(article: Article) -> list[SpanishScore]:
    """Each Spanish text of the working version scored against its role's floor, for reviewers
    (the default text first, then the reader versions in the roles' order)."""
    rows = [SpanishScore(None, spanish_readability(article.body), None)]
    variants = ArticleVariant.objects.filter(article=article).select_related("role")
    for variant in sorted(variants, key=lambda v: (v.role.order, v.role.pk)):
        floor = spanish_floor(float(variant.role.target_grade))
        rows.append(SpanishScore(variant.role, spanish_readability(variant.body), floor))
    return rows
