"""Does each reader version say what the default text says? Figures, drugs and trials compared.

Every figure (a number with its unit), drug and trial a reader version names must be in the
default text, up to equivalent forms: "55%", "55 percent", "55 out of 100", "55 in 100" and
"55 per 100" are one figure; "about 28 out of 100" matches 27.8% (it rounds to it); "about
half", "a third", "two thirds", "a quarter", "one in four" match within 5 points; T-DXd is
trastuzumab deruxtecan; IMpower-150 is IMpower150. Leaving a figure out is not a mismatch (a
lay version says less); a figure, drug or trial the default text lacks is. Pure functions over
Markdown, and one selector, `version_mismatches`, over an article's working text.
"""

import functools
import html
import re
from dataclasses import dataclass

from articles.evidence import GRADE_MARKER
from articles.models import Article
from articles.rendering import CITATION_MARKER, render_body

from .models import ReaderRole
from .selectors import reader_roles, variant_texts

# Text --------------------------------------------------------------------------------------------

BLOCK = re.compile(r"</?(?:p|li|h[1-6]|ul|ol|td|th|tr|blockquote)[^>]*>")
TAG = re.compile(r"<[^>]+>")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(“])")


def sentences(markdown_text: str) -> list[str]:
    """The text's sentences as a reader reads them: no citation markers, no grade badges."""
    text = GRADE_MARKER.sub("", CITATION_MARKER.sub("", markdown_text))
    rendered = render_body(text, known_keys=frozenset()).html
    found = []
    for block in BLOCK.split(rendered):
        block = " ".join(html.unescape(TAG.sub("", block)).split())
        found += [s for s in SENTENCE_END.split(block) if s]
    return found


# Figures ----------------------------------------------------------------------------------------

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100,
}  # fmt: skip
FRACTIONS = {
    "half": 50.0, "a half": 50.0, "one half": 50.0, "a third": 100 / 3, "one third": 100 / 3,
    "two thirds": 200 / 3, "two-thirds": 200 / 3, "a quarter": 25.0, "one quarter": 25.0,
    "three quarters": 75.0, "a fifth": 20.0, "one fifth": 20.0,
}  # fmt: skip
UNITS = {
    "%": "%", "percent": "%", "per cent": "%",
    "months": "months", "month": "months", "mo": "months",
    "years": "years", "year": "years", "yrs": "years", "yr": "years",
    "weeks": "weeks", "week": "weeks", "wks": "weeks", "wk": "weeks",
    "days": "days", "day": "days",
    "mg/kg": "mg/kg", "mg/m2": "mg/m²", "mg/m²": "mg/m²", "mg": "mg", "mcg": "µg", "µg": "µg",
    "g": "g", "ml": "mL",
}  # fmt: skip
COUNT_NOUNS = (
    "patients", "patient", "people", "person", "persons", "participants", "cases", "case",
    "deaths", "cycles", "doses", "subjects", "adults", "children", "women", "men",
)  # fmt: skip
FRACTION_TOLERANCE = 5.0  # points: "about half" is 45 to 55%
RATIO_TOLERANCE = 1.0  # points: "1 in 3" is 33%

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
_APPROX = (
    r"(?:about|around|approximately|approx\.|nearly|almost|roughly|some|just over|just under|"
    r"over|under|more than|less than|fewer than|up to|~|≈)"
)
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_FRACTION = "|".join(re.escape(f) for f in sorted(FRACTIONS, key=len, reverse=True))
_START = r"(?<![\w.\-\u2013])"  # not the 01 of DESTINY-Lung01 nor the 150 of IMpower-150
_PER_100 = r"(?:out of|in|per|of every)\s+100(?![\d.])"
_AFTER_UNIT = r"(?![\w/²])"

# In order: each pattern claims its words, so "2 to 5 out of 100 people" is two figures, not a
# count of 100 people as well.
RANGE = re.compile(
    rf"{_START}(?P<approx>{_APPROX}\s+)?(?P<low>{_NUM})\s*(?:%|percent)?\s*(?:to|-|\u2013|\u2014)\s*"
    rf"(?P<high>{_NUM})\s*(?:(?P<per100>{_PER_100})|(?P<unit>{_UNIT}){_AFTER_UNIT})",
    re.IGNORECASE,
)
RATIO = re.compile(
    rf"{_START}(?P<approx>{_APPROX}\s+)?(?P<part>{_NUM}|{_WORD})\s+(?:out of|in|per|of every)\s+"
    rf"(?P<whole>{_NUM}|{_WORD})(?![\w.])",
    re.IGNORECASE,
)
WITH_UNIT = re.compile(
    rf"{_START}(?P<approx>{_APPROX}\s+)?(?P<value>{_NUM}|{_WORD})[\s-]?(?P<unit>{_UNIT}){_AFTER_UNIT}",
    re.IGNORECASE,
)
FRACTION = re.compile(
    rf"(?<![\w-])(?:(?P<approx>{_APPROX})\s+)?(?P<fraction>{_FRACTION})(?P<of>\s+of\b)?",
    re.IGNORECASE,
)
COUNT = re.compile(
    rf"{_START}(?P<value>{_NUM}|{_WORD})\s+(?:[a-z-]+\s+)?(?:{'|'.join(COUNT_NOUNS)})\b",
    re.IGNORECASE,
)
# "Half of the people lived longer" explains a median; it is not a result.
DEFINES_MEDIAN = re.compile(r"\b(?:median|middle value)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    value: float
    unit: str  # "%", "months", "mg/kg", …; "count" for "2 patients", which matches "2 deaths"
    written: str  # as the text has it
    tolerance: float
    context: str  # the sentence
    # Which way an approximation leans: +1 "more than half", -1 "nearly 6 in 10", 0 "about".
    # The check between reader versions ignores it; the check of a translation reads it.
    bias: int = 0

    @property
    def normalized(self) -> str:
        value = f"{round(self.value, 1):g}"
        if self.unit == "%":
            return f"{value}%"
        return value if self.unit == "count" else f"{value} {self.unit}"

    def agrees_with(self, other: "Figure") -> bool:
        if self.unit != other.unit:
            return False
        return abs(self.value - other.value) <= max(self.tolerance, other.tolerance) + 1e-9


MORE_THAN = re.compile(r"^(?:just over|over|more than)$", re.IGNORECASE)
LESS_THAN = re.compile(
    r"^(?:nearly|almost|just under|under|less than|fewer than|up to)$", re.IGNORECASE
)


def approximation_bias(approx: str) -> int:
    """+1 for "more than", -1 for "nearly" or "under", 0 for "about" or an exact figure."""
    approx = " ".join(approx.split())
    return 1 if MORE_THAN.match(approx) else -1 if LESS_THAN.match(approx) else 0


def _number(text: str) -> float:
    lowered = text.lower()
    if lowered in WORD_NUMBERS:
        return float(WORD_NUMBERS[lowered])
    return float(text.replace(",", ""))


def _rounding(text: str, approximate: bool) -> float:
    """How far "about 28" may be from the default's figure: half its last digit."""
    if not approximate:
        return 0.0
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10**-decimals


def _free(spans: list[tuple[int, int]], match: re.Match) -> bool:
    start, end = match.span()
    if any(start < e and s < end for s, e in spans):
        return False
    spans.append((start, end))
    return True


def figures_in(sentence: str) -> list[Figure]:
    """The figures a sentence states, each once, normalized (see the module's docstring)."""
    spans: list[tuple[int, int]] = []
    found: list[Figure] = []

    def add(value: float, unit: str, match: re.Match, tolerance: float, end: int = 0) -> None:
        written = sentence[match.start() : end or match.end()].strip()
        bias = approximation_bias(match.groupdict().get("approx") or "")
        found.append(Figure(value, unit, written, tolerance, sentence, bias))

    for m in RANGE.finditer(sentence):
        if _free(spans, m):
            unit = "%" if m["per100"] else UNITS[m["unit"].lower()]
            for part in (m["low"], m["high"]):
                add(_number(part), unit, m, _rounding(part, bool(m["approx"])))
    for m in RATIO.finditer(sentence):
        whole = _number(m["whole"])
        if not 1 < whole <= 1000 or _number(m["part"]) > whole or not _free(spans, m):
            continue
        part = m["part"]
        if whole == 100:
            add(_number(part), "%", m, _rounding(part, bool(m["approx"])))
        else:
            add(100 * _number(part) / whole, "%", m, RATIO_TOLERANCE)
    for m in WITH_UNIT.finditer(sentence):
        if _free(spans, m):
            unit = UNITS[m["unit"].lower()]
            add(_number(m["value"]), unit, m, _rounding(m["value"], bool(m["approx"])))
    if not DEFINES_MEDIAN.search(sentence):
        for m in FRACTION.finditer(sentence):
            # "a third" alone may be an ordinal ("a third drug"): a fraction says "of" or "about".
            if (m["of"] or m["approx"]) and _free(spans, m):
                value = FRACTIONS[m["fraction"].lower()]
                add(value, "%", m, FRACTION_TOLERANCE, end=m.end("fraction"))
    for m in COUNT.finditer(sentence):
        if _free(spans, m):
            add(_number(m["value"]), "count", m, 0.0)
    return found


# Drugs and trials -----------------------------------------------------------------------------

# Canonical name → the names and brands it goes by. Longest names are matched first, so
# "fam-trastuzumab deruxtecan-nxki" is one drug, not trastuzumab as well.
DRUGS: dict[str, tuple[str, ...]] = {
    "trastuzumab deruxtecan": (
        "fam-trastuzumab deruxtecan-nxki", "fam-trastuzumab deruxtecan", "trastuzumab deruxtecan",
        "T-DXd", "Enhertu", "DS-8201a", "DS-8201",
    ),
    "trastuzumab emtansine": (
        "ado-trastuzumab emtansine", "trastuzumab emtansine", "T-DM1", "Kadcyla",
    ),
    "trastuzumab": ("trastuzumab", "Herceptin"),
    "poziotinib": ("poziotinib",),
    "amivantamab": ("amivantamab-vmjw", "amivantamab", "Rybrevant"),
    "mobocertinib": ("mobocertinib", "Exkivity", "TAK-788"),
    "zongertinib": ("zongertinib", "Hernexeos", "BI 1810631"),
    "sevabertinib": ("sevabertinib", "BAY 2927088"),
    "pembrolizumab": ("pembrolizumab", "Keytruda"),
    "nivolumab": ("nivolumab", "Opdivo"),
    "atezolizumab": ("atezolizumab", "Tecentriq"),
    "durvalumab": ("durvalumab", "Imfinzi"),
    "ipilimumab": ("ipilimumab", "Yervoy"),
    "cemiplimab": ("cemiplimab", "Libtayo"),
    "bevacizumab": ("bevacizumab", "Avastin"),
    "osimertinib": ("osimertinib", "Tagrisso"),
    "afatinib": ("afatinib", "Gilotrif"),
    "dacomitinib": ("dacomitinib", "Vizimpro"),
    "pyrotinib": ("pyrotinib",),
    "neratinib": ("neratinib", "Nerlynx"),
    "tucatinib": ("tucatinib", "Tukysa"),
    "platinum": ("platinum",),
    "carboplatin": ("carboplatin", "Paraplatin"),
    "cisplatin": ("cisplatin",),
    "pemetrexed": ("pemetrexed", "Alimta"),
    "nab-paclitaxel": ("nab-paclitaxel", "Abraxane"),
    "paclitaxel": ("paclitaxel", "Taxol"),
    "docetaxel": ("docetaxel", "Taxotere"),
    "gemcitabine": ("gemcitabine", "Gemzar"),
    "vinorelbine": ("vinorelbine", "Navelbine"),
    "etoposide": ("etoposide",),
}  # fmt: skip
_DRUG_OF = {name.lower(): drug for drug, names in DRUGS.items() for name in names}
KNOWN_DRUG = re.compile(
    rf"(?<!\w)({'|'.join(re.escape(n) for n in sorted(_DRUG_OF, key=len, reverse=True))})(?!\w)",
    re.IGNORECASE,
)
# International nonproprietary name stems: antibodies (-mab), kinase inhibitors (-tinib),
# platinums, taxanes, antifolates. Seven letters at least, so no English word is taken for one.
DRUG_STEM = re.compile(
    r"(?<![\w-])([a-z]{4,}(?:mab|tinib|platin|taxel|trexed|ciclib|parib|lisib|rafenib))(?![\w-])",
    re.IGNORECASE,
)

KNOWN_TRIALS = (
    "DESTINY-Lung01", "DESTINY-Lung02", "DESTINY-Lung04", "ZENITH20", "KEYNOTE-189",
    "KEYNOTE-407", "IMpower150", "IMpower130", "CheckMate 227", "CheckMate 9LA", "PAPILLON",
    "CHRYSALIS", "EXCLAIM", "Beamion LUNG-1", "SOHO-01", "FLAURA", "MARIPOSA",
)  # fmt: skip
_KNOWN_TRIAL = "|".join(re.escape(t) for t in sorted(KNOWN_TRIALS, key=len, reverse=True))
TRIAL = re.compile(
    r"(?<![\w-])(?:"
    rf"(?:{_KNOWN_TRIAL})(?:-?\d+)*"  # ZENITH20-2, EXCLAIM-2
    # KEYNOTE-189, DESTINY-Lung01: a name with two capitals, a hyphen, then digits
    r"|(?=[A-Za-z]*[A-Z][A-Za-z]*[A-Z])[A-Za-z]{4,}-[A-Za-z]*\d+[A-Za-z0-9]*(?:-\d+)?"
    r"|(?=[A-Za-z]*[A-Z][A-Za-z]*[A-Z])[A-Za-z]{5,}\d+(?:-\d+)?"  # IMpower150, ZENITH20-2
    r"|[A-Z][a-z]+[A-Z][a-z]+[ -]\d{2,}"  # CheckMate 227
    r"|[A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*(?=\s+(?:trials?|stud(?:y|ies))\b)"  # the X trial
    r")(?![\w-])"
)
NOT_TRIALS = frozenset(
    {"NCCN", "ESMO", "ASCO", "FDA", "EMA", "NSCLC", "HER2", "EGFR", "PD-L1", "COVID-19"}
)


@dataclass(frozen=True)
class Name:
    key: str  # what is compared: the canonical drug, or the trial's letters and digits
    written: str
    context: str


def trial_key(name: str) -> str:
    """IMpower-150, IMpower150 and IMPOWER 150 are one trial."""
    return re.sub(r"[^A-Z0-9]", "", name.upper())


def drugs_in(sentence: str) -> list[Name]:
    spans: list[tuple[int, int]] = []
    found = []
    for m in KNOWN_DRUG.finditer(sentence):
        _free(spans, m)
        found.append(Name(_DRUG_OF[m.group(1).lower()], m.group(1), sentence))
    for m in DRUG_STEM.finditer(sentence):
        if _free(spans, m):
            found.append(Name(m.group(1).lower(), m.group(1), sentence))
    return found


def trials_in(sentence: str) -> list[Name]:
    return [
        Name(trial_key(m.group(0)), m.group(0), sentence)
        for m in TRIAL.finditer(sentence)
        if m.group(0).upper() not in NOT_TRIALS
    ]


# Comparing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    figures: tuple[Figure, ...]
    drugs: tuple[Name, ...]
    trials: tuple[Name, ...]


@functools.lru_cache(maxsize=32)
def facts_of(markdown_text: str) -> Facts:
    said = sentences(markdown_text)
    return Facts(
        figures=tuple(f for s in said for f in figures_in(s)),
        drugs=tuple(d for s in said for d in drugs_in(s)),
        trials=tuple(t for s in said for t in trials_in(s)),
    )


@dataclass(frozen=True)
class Mismatch:
    kind: str  # "figure", "drug" or "trial"
    written: str  # as the reader version has it
    context: str  # the reader version's sentence
    normalized: str = ""  # a figure as compared: "45%"
    nearest: tuple[str, ...] = ()  # the default text's figures of the same unit, as written

    @property
    def message(self) -> str:
        if self.kind == "figure":
            said = f"“{self.written}”"
            if self.normalized and self.normalized not in self.written:
                said += f" ({self.normalized})"
            if self.nearest:
                nearest = " or ".join(f"“{figure}”" for figure in self.nearest)
                return f"{said}: the default text has {nearest} instead"
            return f"{said}: the default text has no such figure"
        return f"the {self.kind} “{self.written}”: the default text does not name it"


def mismatches(default_text: str, version_text: str) -> tuple[Mismatch, ...]:
    """What a reader version states that the default text does not, in reading order."""
    default, version = facts_of(default_text), facts_of(version_text)
    found: list[Mismatch] = []
    for figure in version.figures:
        if any(figure.agrees_with(d) for d in default.figures):
            continue
        same_unit = sorted(
            {d.written: abs(d.value - figure.value) for d in default.figures
             if d.unit == figure.unit}.items(),
            key=lambda pair: pair[1],
        )  # fmt: skip
        nearest = tuple(name for name, _ in same_unit[:2])
        found.append(Mismatch("figure", figure.written, figure.context, figure.normalized, nearest))
    for kind, named, known in (
        ("drug", version.drugs, {d.key for d in default.drugs}),
        ("trial", version.trials, {t.key for t in default.trials}),
    ):
        reported = set()
        for name in named:
            if name.key not in known and name.key not in reported:
                reported.add(name.key)
                found.append(Mismatch(kind, name.written, name.context))
    return tuple(found)


@dataclass(frozen=True)
class VersionMismatches:
    role: ReaderRole
    mismatches: tuple[Mismatch, ...]


def version_mismatches(article: Article) -> list[VersionMismatches]:
    """Each reader version of the working text with what it states that the default text lacks
    (in the article's language: a Spanish translation's versions against its Spanish text)."""
    compare = mismatches
    if getattr(article, "language", "en") == "es":
        # Spanish texts are read with the Spanish forms, which build on this module's.
        from .translation_consistency import spanish_mismatches as compare
    texts = variant_texts(article)
    roles = [role for role in reader_roles() if role.pk in texts]
    return [VersionMismatches(role, compare(article.body, texts[role.pk].body)) for role in roles]
