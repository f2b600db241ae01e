"""Does a Spanish text state the facts of the English edition it translates? Pure comparisons.

A translation must say what the English says, no more and no less: every figure with its unit,
every drug, trial, gene and guideline body, every grade, on both sides. So, unlike the check of
a reader version against the default text (consistency.py), leaving a fact out is a mismatch
too: each one is listed as only in English or only in Spanish, with the sentence it is in.

Equivalent forms agree. Figures: "5,6 meses" is "5.6 months" (decimal comma; a point before
exactly three digits, "1.000", is a thousands separator), "55 %", "55 por ciento" and "55 de
cada 100" are 55%, "uno de cada cuatro" is 25%, "la mitad" is 50% (within 5 points, as "half"
is), and an approximation leans the way it says: "más de la mitad" is above 50% and up to 55%,
"casi 6 de cada 10" is 55% to just under 60%. Drugs by their names in either language
("trastuzumab deruxtecán", "carboplatino", "T-DXd"); trials, genes and guideline bodies as
written ("DESTINY-Lung01", "Beamion LUNG-1", "HER2", "exón 20", "NCCN"). Grades: the board's
`{grade 1A}` badge, "Grade 3 or higher"/"grado 3 o superior", "nivel 1"/"level I", "categoría
2A"/"category 2A", compared in reading order, so a grade moved to another recommendation is
seen. Sentences defining a median ("la mitad vivió más") are not read for fractions.

The English side is the edition's page for the same reader role (what an English reader of that
role is shown, glossary explanations left out); the Spanish side is the working Markdown.
"""

import difflib
import functools
import html
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext

from articles.models import Article
from articles.rendering import CITATION_MARKER, render_body
from articles.text_memo import of_the_text

from . import consistency
from .consistency import (
    FRACTION_TOLERANCE,
    RATIO_TOLERANCE,
    Figure,
    _free,
    _rounding,
    figures_in,
    trials_in,
)
from .models import ArticleVariant, ReaderRole
from .selectors import reader_roles

ENGLISH, SPANISH = "en", "es"

# Sentences out of rendered HTML -------------------------------------------------------------

GLOSS = re.compile(r'\s*<span class="gloss">.*?</span>[^<]*</span>', re.DOTALL)
CITATION = re.compile(r'<sup class="citation">.*?</sup>', re.DOTALL)
GRADE_BADGE = re.compile(r'<a [^>]*class="grade grade-(\w+)"[^>]*>.*?</a>', re.DOTALL)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑÜ0-9\"'(“«¿¡])")


def html_sentences(body_html: str) -> list[str]:
    """The sentences of a rendered page: no citation numbers, no glossary explanations, each
    evidence badge as "[grade 1A]" (what the page says, whatever language the badge is in)."""
    body_html = GLOSS.sub("", CITATION.sub("", body_html))
    body_html = GRADE_BADGE.sub(lambda m: f" [grade {m.group(1).upper()}]", body_html)
    found = []
    for block in consistency.BLOCK.split(body_html):
        block = " ".join(html.unescape(consistency.TAG.sub("", block)).split())
        found += [s for s in SENTENCE_END.split(block) if s]
    return found


# Spanish figures ---------------------------------------------------------------------------

WORD_NUMBERS_ES = {
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9, "diez": 10, "once": 11, "doce": 12, "veinte": 20, "cien": 100,
}  # fmt: skip
ONE_ES = {"uno": 1, "una": 1, "un": 1}  # only in "uno de cada cuatro": elsewhere an article
FRACTIONS_ES = {
    "mitad": 50.0, "tercio": 100 / 3, "dos tercios": 200 / 3, "cuarta parte": 25.0,
    "tres cuartas partes": 75.0, "quinta parte": 20.0,
}  # fmt: skip
UNITS_ES = {
    "%": "%", "por ciento": "%",
    "meses": "months", "mes": "months", "años": "years", "año": "years",
    "semanas": "weeks", "semana": "weeks", "días": "days", "día": "days", "dias": "days",
    "mg/kg": "mg/kg", "mg/m2": "mg/m²", "mg/m²": "mg/m²", "mg": "mg", "mcg": "µg", "µg": "µg",
    "g": "g", "ml": "mL",
}  # fmt: skip
COUNT_NOUNS_ES = (
    "pacientes", "paciente", "personas", "persona", "participantes", "casos", "caso", "muertes",
    "fallecimientos", "ciclos", "dosis", "sujetos", "adultos", "niños", "mujeres", "hombres",
)  # fmt: skip

# Thousands "1 000" or "1.000", else decimals with a comma (or a point, as in Mexico).
_NUM_ES = (
    r"[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?![\d.,]\d)"
    r"|[1-9]\d{0,2}(?:\.\d{3})+(?![\d,]|\.\d)"
    r"|\d+(?:[.,]\d+)?"
)
_WORD_ES = "|".join(sorted(WORD_NUMBERS_ES, key=len, reverse=True))
_ONE_ES = "|".join(ONE_ES)
_APPROX_ES = (
    r"(?:alrededor\s+del?|en\s+torno\s+al?|cerca\s+del?|aproximadamente|aprox\.|unos|unas|casi|"
    r"(?:algo\s+|poco\s+)?(?:más|menos)\s+del?|por\s+(?:encima|debajo)\s+del?|al\s+menos|"
    r"hasta|~|≈)"
)
_LEAD_ES = rf"(?:(?P<approx>{_APPROX_ES})\s+(?:(?:el|la|los|las)\s+)?)?"
_UNIT_ES = "|".join(re.escape(u) for u in sorted(UNITS_ES, key=len, reverse=True))
_START = consistency._START
_AFTER_UNIT = consistency._AFTER_UNIT
_PER_100_ES = r"(?:de\s+cada|por\s+cada|en\s+cada|de)\s+100(?![\d.,])"

RANGE_ES = re.compile(
    rf"{_START}{_LEAD_ES}(?:entre\s+(?:el\s+)?|del?\s+)?(?P<low>{_NUM_ES})\s*(?:%|por\s+ciento)?"
    rf"\s*(?:al?\s+|y\s+(?:el\s+)?|-|\u2013|\u2014)\s*(?P<high>{_NUM_ES})\s*"
    rf"(?:(?P<per100>{_PER_100_ES})|(?P<unit>{_UNIT_ES}){_AFTER_UNIT})",
    re.IGNORECASE,
)
RATIO_ES = re.compile(
    rf"{_START}{_LEAD_ES}(?P<part>{_NUM_ES}|{_WORD_ES}|{_ONE_ES})\s+"
    rf"(?:(?P<each>de\s+cada|por\s+cada|en\s+cada)|de)\s+(?P<whole>{_NUM_ES}|{_WORD_ES})"
    r"(?![\w.,]\d|\w)",
    re.IGNORECASE,
)
WITH_UNIT_ES = re.compile(
    rf"{_START}{_LEAD_ES}(?P<value>{_NUM_ES}|{_WORD_ES})[\s-]?(?P<unit>{_UNIT_ES}){_AFTER_UNIT}",
    re.IGNORECASE,
)
FRACTION_ES = re.compile(
    rf"(?<![\w-])(?:(?P<approx>{_APPROX_ES})\s+)?(?P<article>(?:la|un|una)\s+)?"
    rf"(?P<fraction>{'|'.join(sorted(FRACTIONS_ES, key=len, reverse=True))})(?!\w)",
    re.IGNORECASE,
)
COUNT_ES = re.compile(
    rf"{_START}(?P<value>{_NUM_ES}|{_WORD_ES})\s+(?:{'|'.join(COUNT_NOUNS_ES)})\b",
    re.IGNORECASE,
)
DEFINES_MEDIAN_ES = re.compile(r"\b(?:mediana?|valor\s+(?:central|del\s+medio))\b", re.IGNORECASE)
MORE_THAN_ES = re.compile(r"^(?:(?:algo|poco)\s+)?más|^por\s+encima|^al\s+menos", re.IGNORECASE)
LESS_THAN_ES = re.compile(r"^(?:(?:algo|poco)\s+)?menos|^casi|^por\s+debajo|^hasta", re.IGNORECASE)


def spanish_number(text: str) -> float:
    lowered = text.lower()
    if lowered in WORD_NUMBERS_ES or lowered in ONE_ES:
        return float(WORD_NUMBERS_ES.get(lowered) or ONE_ES[lowered])
    if re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", text):
        text = text.replace(".", "")
    return float(re.sub(r"[ \u00a0\u202f]", "", text).replace(",", "."))


def _bias_es(approx: str | None) -> int:
    approx = " ".join((approx or "").split())
    return 1 if MORE_THAN_ES.match(approx) else -1 if LESS_THAN_ES.match(approx) else 0


def _rounding_es(text: str, approximate: bool) -> float:
    return (
        _rounding(text.replace(",", "."), approximate)
        if not text.isalpha()
        else (0.5 if approximate else 0.0)
    )


def spanish_figures_in(sentence: str) -> list[Figure]:
    """The figures a Spanish sentence states, each once, in the units the English check uses."""
    spans: list[tuple[int, int]] = []
    found: list[Figure] = []

    def add(value: float, unit: str, match: re.Match, tolerance: float) -> None:
        bias = _bias_es(match.groupdict().get("approx"))
        found.append(Figure(value, unit, match.group(0).strip(), tolerance, sentence, bias))

    for m in RANGE_ES.finditer(sentence):
        if _free(spans, m):
            unit = "%" if m["per100"] else UNITS_ES[m["unit"].lower()]
            for part in (m["low"], m["high"]):
                add(spanish_number(part), unit, m, _rounding_es(part, bool(m["approx"])))
    for m in RATIO_ES.finditer(sentence):
        part, whole = spanish_number(m["part"]), spanish_number(m["whole"])
        if not 1 < whole <= 1000 or part > whole or (whole != 100 and not m["each"]):
            continue
        if not _free(spans, m):
            continue
        if whole == 100:
            add(part, "%", m, _rounding_es(m["part"], bool(m["approx"])))
        else:
            # "casi 6 de cada 10" is as coarse as its tenths: within 5 points, not 1.
            coarse = min(FRACTION_TOLERANCE, max(RATIO_TOLERANCE, 50 / whole))
            add(100 * part / whole, "%", m, coarse if m["approx"] else RATIO_TOLERANCE)
    for m in WITH_UNIT_ES.finditer(sentence):
        if _free(spans, m):
            value = m["value"]
            add(spanish_number(value), UNITS_ES[m["unit"].lower()], m,
                _rounding_es(value, bool(m["approx"])))  # fmt: skip
    if not DEFINES_MEDIAN_ES.search(sentence):
        for m in FRACTION_ES.finditer(sentence):
            fraction = " ".join(m["fraction"].lower().split())
            said = m["article"] or m["approx"] or fraction.startswith(("dos ", "tres "))
            if said and _free(spans, m):
                add(FRACTIONS_ES[fraction], "%", m, FRACTION_TOLERANCE)
    for m in COUNT_ES.finditer(sentence):
        if _free(spans, m):
            add(spanish_number(m["value"]), "count", m, 0.0)
    return found


def interval(figure: Figure) -> tuple[float, float]:
    """The values a figure allows: "more than half" is above 50 and up to 55."""
    low, high = figure.value - figure.tolerance, figure.value + figure.tolerance
    if figure.bias > 0 and figure.tolerance:
        low = figure.value + 1e-6
    elif figure.bias < 0 and figure.tolerance:
        high = figure.value - 1e-6
    return low, high


def figures_agree(one: Figure, other: Figure) -> bool:
    if one.unit != other.unit:
        return False
    (low, high), (other_low, other_high) = interval(one), interval(other)
    return low <= other_high + 1e-9 and other_low <= high + 1e-9


# Drugs, trials, genes, guideline bodies ---------------------------------------------------

# Spanish names (International Nonproprietary Names in Spanish) of the drugs consistency.DRUGS
# knows; brands and codes are the same in both languages. Matched without accents.
DRUGS_ES: dict[str, tuple[str, ...]] = {
    "trastuzumab deruxtecan": ("fam-trastuzumab deruxtecan-nxki", "fam-trastuzumab deruxtecan"),
    "trastuzumab emtansine": ("ado-trastuzumab emtansina", "trastuzumab emtansina"),
    "platinum": ("platino",),
    "carboplatin": ("carboplatino",),
    "cisplatin": ("cisplatino",),
    "gemcitabine": ("gemcitabina",),
    "vinorelbine": ("vinorelbina",),
    "etoposide": ("etoposido",),
}
_UNACCENTED = str.maketrans("áéíóúüñÁÉÍÓÚÜÑ", "aeiouunAEIOUUN")
_DRUG_OF_ES = {name.lower(): drug for drug, names in consistency.DRUGS.items() for name in names}
_DRUG_OF_ES |= {name.lower(): drug for drug, names in DRUGS_ES.items() for name in names}
KNOWN_DRUG_ES = re.compile(
    rf"(?<!\w)({'|'.join(re.escape(n) for n in sorted(_DRUG_OF_ES, key=len, reverse=True))})"
    r"(?!\w)",
    re.IGNORECASE,
)
DRUG_STEM_ES = re.compile(
    r"(?<![\w-])([a-z]{4,}(?:mab|tinib|platino?|taxel|trexed|ciclib|parib|lisib|rafenib))"
    r"(?![\w-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Named:
    kind: str  # "drug", "trial", "name" (a gene, exon or guideline body) or "grade"
    key: str  # what is compared
    written: str
    context: str


def drugs_in(sentence: str, language: str) -> list[Named]:
    if language == ENGLISH:
        return [Named("drug", d.key, d.written, sentence) for d in consistency.drugs_in(sentence)]
    plain = sentence.translate(_UNACCENTED)  # as long as the sentence: spans stay true
    spans: list[tuple[int, int]] = []
    found = []
    for m in KNOWN_DRUG_ES.finditer(plain):
        _free(spans, m)
        found.append(
            Named(
                "drug", _DRUG_OF_ES[m.group(1).lower()], sentence[m.start(1) : m.end(1)], sentence
            )
        )
    for m in DRUG_STEM_ES.finditer(plain):
        if _free(spans, m):
            key = (
                m.group(1).lower().removesuffix("o")
                if m.group(1).lower().endswith("platino")
                else m.group(1).lower()
            )
            found.append(Named("drug", key, sentence[m.start(1) : m.end(1)], sentence))
    return found


NAMES = (
    "HER2", "EGFR", "ALK", "ROS1", "KRAS", "BRAF", "MET", "RET", "NTRK", "ERBB2", "PD-L1",
    "NCCN", "ESMO", "ASCO", "FDA", "EMA",
)  # fmt: skip
NAME = re.compile(
    rf"(?<![\w-])(?:(?P<name>{'|'.join(re.escape(n) for n in NAMES)})|(?i:ex[oó]n)\s+(?P<exon>\d+))"
    r"(?!\w)"
)


def names_in(sentence: str) -> list[Named]:
    """Genes, exons and guideline bodies: "HER2" is HER2 and "exón 20" is exon 20 everywhere."""
    found = []
    for m in NAME.finditer(sentence):
        key = m["name"] or f"exon {m['exon']}"
        found.append(Named("name", key.upper(), m.group(0), sentence))
    return found


# Grades ----------------------------------------------------------------------------------

ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5"}
GRADE = re.compile(
    r"\[grade (?P<badge>[12][ABC])\]"
    r"|(?<!\w)(?:grade|grado)\s*(?P<at_least>≥|>=)\s*(?P<floor>[1-5])(?!\w)"
    r"|(?<!\w)(?:grade|grado)\s+(?:de\s+(?:recomendación|evidencia)\s+)?(?P<grade>[1-5][ABC]?|[ABCD])"
    r"(?P<plus>\+|\s+(?:or\s+(?:higher|above|more)|o\s+(?:superior|mayor|más)))?(?![\w+])"
    r"|(?<!\w)(?:level|nivel)\s+(?:of\s+evidence\s+|de\s+evidencia\s+)?"
    r"(?P<level>[1-5][ab]?|IV|V|I{1,3})(?!\w)"
    r"|(?<!\w)(?:category|categoría)\s+(?P<category>[1-3][AB]?)(?!\w)",
    re.IGNORECASE,
)


def grades_in(sentence: str) -> list[Named]:
    """Evidence grades and levels, and graded severities ("grade 3 or higher"), normalized."""
    found = []
    for m in GRADE.finditer(sentence):
        if m["badge"]:
            key = f"grade {m['badge'].upper()}"
        elif m["floor"]:
            key = f"grade {m['floor']}+"
        elif m["grade"]:
            key = f"grade {m['grade'].upper()}{'+' if m['plus'] else ''}"
        elif m["level"]:
            level = m["level"].upper()
            key = f"level {ROMAN.get(level, level)}"
        else:
            key = f"category {m['category'].upper()}"
        found.append(Named("grade", key, m.group(0).strip("[]"), sentence))
    return found


# Comparing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    figures: tuple[Figure, ...]
    names: tuple[Named, ...]  # drugs, trials, genes and guideline bodies
    grades: tuple[Named, ...]  # in reading order


@functools.lru_cache(maxsize=64)
def facts_of(body_html: str, language: str) -> Facts:
    said = html_sentences(body_html)
    figures = spanish_figures_in if language == SPANISH else figures_in
    names: list[Named] = []
    for sentence in said:
        names += drugs_in(sentence, language)
        names += [Named("trial", t.key, t.written, t.context) for t in trials_in(sentence)]
        names += names_in(sentence)
    return Facts(
        figures=tuple(f for s in said for f in figures(s)),
        names=tuple(names),
        grades=tuple(g for s in said for g in grades_in(s)),
    )


KINDS = {"figure": "the figure", "drug": "the drug", "trial": "the trial", "name": "",
         "grade": "the grade"}  # fmt: skip
LANGUAGE_NAMES = {ENGLISH: "English", SPANISH: "Spanish"}


@dataclass(frozen=True)
class TranslationMismatch:
    kind: str  # "figure", "drug", "trial", "name" or "grade"
    only_in: str  # "en" or "es": the text that has it
    written: str  # as that text has it
    context: str  # that text's sentence
    normalized: str = ""  # a figure as compared: "55%"

    @property
    def message(self) -> str:
        said = f"“{self.written}”"
        if self.normalized and not _says(self.written, self.normalized):
            said += f" ({self.normalized})"
        what = f"{KINDS[self.kind]} {said}".strip()
        return f"{what} is only in the {LANGUAGE_NAMES[self.only_in]} text"


def _says(written: str, normalized: str) -> bool:
    """Whether "55 %" already reads as "55%" (and "17,8" as "17.8"): no need to say it twice."""
    return normalized.replace(" ", "") in re.sub(r"\s", "", written).replace(",", ".")


def translation_mismatches(english_html: str, spanish_html: str) -> tuple[TranslationMismatch, ...]:
    """What one text states and the other does not: the English first, then the Spanish."""
    english, spanish = facts_of(english_html, ENGLISH), facts_of(spanish_html, SPANISH)
    found: list[TranslationMismatch] = []
    for side, figures, others in ((ENGLISH, english.figures, spanish.figures),
                                  (SPANISH, spanish.figures, english.figures)):  # fmt: skip
        reported = set()
        for figure in figures:
            if figure.normalized in reported or any(figures_agree(figure, o) for o in others):
                continue
            reported.add(figure.normalized)
            found.append(TranslationMismatch("figure", side, figure.written, figure.context,
                                             figure.normalized))  # fmt: skip
    for side, named, others in ((ENGLISH, english.names, spanish.names),
                                (SPANISH, spanish.names, english.names)):  # fmt: skip
        known = {(n.kind, n.key) for n in others}
        reported = set()
        for name in named:
            if (name.kind, name.key) not in known | reported:
                reported.add((name.kind, name.key))
                found.append(TranslationMismatch(name.kind, side, name.written, name.context))
    found += _grade_mismatches(english.grades, spanish.grades)
    order = {ENGLISH: 0, SPANISH: 1}
    return tuple(sorted(found, key=lambda m: order[m.only_in]))


def _grade_mismatches(english: tuple[Named, ...], spanish: tuple[Named, ...]):
    """Grades in reading order: a recommendation keeps its grade in the translation."""
    matcher = difflib.SequenceMatcher(
        a=[g.key for g in english], b=[g.key for g in spanish], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for grade in english[i1:i2]:
            yield TranslationMismatch("grade", ENGLISH, grade.written, grade.context)
        for grade in spanish[j1:j2]:
            yield TranslationMismatch("grade", SPANISH, grade.written, grade.context)


def spanish_mismatches(default_text: str, version_text: str) -> tuple[consistency.Mismatch, ...]:
    """What a Spanish reader version states that the Spanish default text does not: the check
    of consistency.mismatches, read with the Spanish forms (leaving a figure out is allowed)."""
    default, version = (
        facts_of(_html(default_text), SPANISH),
        facts_of(_html(version_text), SPANISH),
    )
    found: list[consistency.Mismatch] = []
    for figure in version.figures:
        if any(figures_agree(figure, d) for d in default.figures):
            continue
        same_unit = sorted(
            {d.written: abs(d.value - figure.value) for d in default.figures
             if d.unit == figure.unit}.items(),
            key=lambda pair: pair[1],
        )  # fmt: skip
        nearest = tuple(name for name, _ in same_unit[:2])
        found.append(
            consistency.Mismatch(
                "figure", figure.written, figure.context, figure.normalized, nearest
            )
        )
    known = {(n.kind, n.key) for n in default.names}
    reported = set()
    for name in version.names:
        if name.kind in {"drug", "trial"} and (name.kind, name.key) not in known | reported:
            reported.add((name.kind, name.key))
            found.append(consistency.Mismatch(name.kind, name.written, name.context))
    return tuple(found)


# The review page's check ----------------------------------------------------------------


@dataclass(frozen=True)
class TranslationCheck:
    role: ReaderRole | None  # None: the default text
    compared_with: str  # "the English patient version of edition 3"
    mismatches: tuple[TranslationMismatch, ...]


def is_translation(article: Article) -> bool:
    return getattr(article, "language", ENGLISH) != ENGLISH


def translation_checks(article: Article) -> list[TranslationCheck]:
    """Each Spanish text of a translation's working version against the English edition it
    translates: the default text against the English default text, each reader version against
    the English page for the same role (its own version, or what that role falls back to).
    Empty for an English article or a translation that names no English edition yet."""
    edition = article.translates_edition if is_translation(article) else None
    if edition is None:
        return []
    pages = edition.renditions
    roles = {r.slug: r for r in reader_roles()}
    number = {"number": edition.number}

    def english(slug: str) -> tuple[str, str]:
        """The English page of this role and what the check calls it, in the reviewer's
        language."""
        page = pages.get(slug) or pages[""]
        written_for = roles.get(page["written_for"])
        if written_for is None:
            if edition.number:
                return page["body_html"], gettext(
                    "the English default text of edition %(number)s"
                ) % number
            return page["body_html"], gettext("the English default text")
        role = {"role": written_for.label_for(translation.get_language()).lower()}
        if edition.number:
            return page["body_html"], gettext(
                "the English %(role)s version of edition %(number)s"
            ) % (role | number)
        return page["body_html"], gettext("the English %(role)s version") % role

    body_html, label = english("")
    checks = [TranslationCheck(None, label, translation_mismatches(body_html, _html(article.body)))]
    variants = ArticleVariant.objects.filter(article=article).select_related("role")
    for variant in sorted(variants, key=lambda v: (v.role.order, v.role.pk)):
        body_html, label = english(variant.role.slug)
        mismatches = translation_mismatches(body_html, _html(variant.body))
        checks.append(TranslationCheck(variant.role, label, mismatches))
    return checks


@of_the_text
def _html(markdown_text: str) -> str:
    """The working Markdown as the page will show it (citations are compared elsewhere)."""
    return render_body(CITATION_MARKER.sub("", markdown_text), known_keys=frozenset()).html
