"""Replace likely personal identifiers in a reader's question with placeholders.

Pure functions, no I/O: the view scrubs before anything is stored, so the original text is never
saved or logged. The rules lean towards keeping clinical numbers (doses, percentages, trial names,
registry ids, years, durations) and removing the shapes identifiers take (e-mail addresses, phone
numbers, full dates, record and ID numbers, long digit runs). Questions in Spanish get the same:
"3 de marzo de 2025" and "el 3 de marzo" are dates, "mi número es 612 345 678" and "llámeme al
…" are phone numbers; "marzo de 2025" alone, like "April 2024", is kept (when treatment started
is part of the question), unless it says when someone was born.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

EMAIL = "email"
PHONE = "phone"
DATE = "date"
RECORD = "record number"
ID = "ID"
ADDRESS = "address"

PLACEHOLDER = {kind: f"[{kind} removed]" for kind in (EMAIL, PHONE, DATE, RECORD, ID, ADDRESS)}


@dataclass(frozen=True)
class ScrubResult:
    text: str
    found: tuple[str, ...]  # the kinds removed, in the order first met


# A number followed by one of these is a measurement, not an identifier: "10000000 copies/mL".
_UNITS = (
    r"\s*(?:%|‰|x\b|\u00d7|mg|mcg|µg|ug|g\b|kg|ml|l\b|mmol|iu|units?\b|cells?\b|copies|"
    r"months?\b|weeks?\b|days?\b|years?\b|hours?\b|hrs?\b|minutes?\b|patients?\b|people\b|"
    r"cycles?\b|doses?\b|participants?\b|cases?\b|"
    # The same in Spanish: "cada 21 días", "1 de cada 100 000 personas".
    r"mes(?:es)?\b|semanas?\b|d[ií]as?\b|años?\b|horas?\b|minutos?\b|pacientes?\b|"
    r"personas?\b|ciclos?\b|dosis\b|participantes?\b|casos?\b|c[eé]lulas?\b|copias\b)"
)
_UNIT_AFTER = re.compile(_UNITS, re.IGNORECASE)
# Public registry and literature ids are not personal: "NCT 04644237", "PMID: 35665780".
_REGISTRY_BEFORE = re.compile(
    r"(?:NCT|PMID|PMCID|PMC|PubMed(?:\s+ID)?|EudraCT(?:\s+number)?|ISRCTN|ChiCTR|DOI|ISBN)"
    r"\s*(?:no\.?|number|id)?\s*[:#=-]?\s*$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d{2}")

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_FULL_YEAR = r"(?:19|20)\d{2}"
_NUMERIC_DATE = r"(?<![\w./-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/]|[.-]\d)"
_ISO_DATE = (
    rf"(?<![\w./-]){_FULL_YEAR}([/.-])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?![\w/]|[.-]\d)"
)
_NAMED_DATE = (
    rf"\b(?:{_MONTH}\s+\d{{1,2}}{_ORDINAL},?\s+{_FULL_YEAR}"
    rf"|\d{{1,2}}{_ORDINAL}\s+(?:of\s+)?{_MONTH},?\s+{_FULL_YEAR})\b"
)
_MES = (
    r"(?:enero|ene|febrero|feb|marzo|mar|abril|abr|mayo|may|junio|jun|julio|jul|agosto|ago|"
    r"septiembre|setiembre|sept?|octubre|oct|noviembre|nov|diciembre|dic)\.?"
)
# "3 de marzo de 2025", "el 3 de marzo", "1.º de mayo", "3 marzo 2025": a day is enough.
_FECHA = (
    rf"\b\d{{1,2}}(?:\.?\s?[ºo°])?\s+(?:de\s+)?{_MES}(?:\s+(?:de[l]?\s+)?{_FULL_YEAR})?(?![\w])"
)
_MES_Y_AÑO = rf"\b{_MES}\s+(?:de[l]?\s+)?{_FULL_YEAR}\b"  # kept unless it is a birth date
_ANY_DATE = (
    rf"(?:{_FECHA}|{_MES_Y_AÑO}|{_NAMED_DATE}|\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|"
    rf"{_FULL_YEAR}\b)"
)

# The value after a label such as "MRN" or "NHS number": letters then at least three digits.
_LABELLED_VALUE = rf"(?:[A-Z]{{1,3}}[-\s]?)?\d[\d-]{{2,}}(?:\s\d{{2,}}(?!\d)(?!{_UNITS}))*\b"
_LABEL_GLUE = r"\s*(?:is|was|:|#|=|-)?\s*(?:#\s*)?"


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern
    keep: Callable[[re.Match], bool] = lambda match: False


def _is_measurement_or_registry(match: re.Match) -> bool:
    text = match.string
    return bool(
        _UNIT_AFTER.match(text, match.end())
        or _REGISTRY_BEFORE.search(text[max(0, match.start() - 24) : match.start()])
    )


def _not_a_calendar_date(match: re.Match) -> bool:
    if _is_measurement_or_registry(match):
        return True
    low, high = sorted((int(match.group(1)), int(match.group(3))))
    # Day and month in either order (US or European): one must be a month, the other a day.
    return not (1 <= low <= 12 and high <= 31)


def _not_a_phone(match: re.Match) -> bool:
    number = match.group(0)
    digits = re.sub(r"\D", "", number)
    if not 7 <= len(digits) <= 15 or _is_measurement_or_registry(match):
        return True
    groups = re.findall(r"\d+", number)
    # "2019-2024" or "2022 2023": a run of years, not a number to dial.
    return all(_YEAR.fullmatch(group) for group in groups)


_RULES = (
    _Rule(EMAIL, re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")),
    _Rule(
        EMAIL,
        re.compile(
            r"\b[\w.+-]+\s*(?:\(at\)|\[at\]|\sat\s)\s*[\w-]+\s*(?:\(dot\)|\[dot\]|\sdot\s)\s*"
            r"(?:com|org|net|edu|gov|co|uk|de|fr|es|it|nl|ca|au|in|io)\b",
            re.IGNORECASE,
        ),
    ),
    _Rule(
        RECORD,
        re.compile(
            r"\b(?:MRN|medical\s+record(?:\s+(?:number|no\.?|num|#))?|"
            r"(?:record|chart|hospital|case|file)\s+(?:number|no\.?|num|#|id))"
            + _LABEL_GLUE
            + _LABELLED_VALUE,
            re.IGNORECASE,
        ),
    ),
    _Rule(
        ID,
        re.compile(
            r"(?:\b(?:NHS|CHI|medicare|medicaid|patient|member|insurance|policy|passport|"
            r"licen[cs]e|account|subscriber)\s+(?:number|no\.?|num|id|#)"
            r"|\b(?:SSN|social\s+security(?:\s+(?:number|no\.?))?)|(?-i:\bID\b))"
            + _LABEL_GLUE
            + _LABELLED_VALUE,
            re.IGNORECASE,
        ),
    ),
    _Rule(
        DATE,
        re.compile(
            r"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s?date|birthday|born(?:\s+on)?)"
            + _LABEL_GLUE
            + _ANY_DATE,
            re.IGNORECASE,
        ),
    ),
    _Rule(
        DATE,
        re.compile(
            r"\b(?:fecha\s+de\s+nacimiento|f\.\s?nac\.?|cumpleaños(?:\s+es)?(?:\s+el)?|"
            r"(?:nacid[oa]|nac(?:í|i[oó]))(?:\s+el)?)" + _LABEL_GLUE + _ANY_DATE,
            re.IGNORECASE,
        ),
    ),
    # "Nací en marzo de 1961" says when; "nací en 1961", like "born in 1961", is an age.
    _Rule(
        DATE,
        re.compile(rf"\b(?:nacid[oa]|nac(?:í|i[oó]))\s+en\s+{_MES_Y_AÑO}", re.IGNORECASE),
    ),
    _Rule(DATE, re.compile(_NAMED_DATE, re.IGNORECASE)),
    _Rule(DATE, re.compile(_FECHA, re.IGNORECASE)),
    _Rule(DATE, re.compile(_ISO_DATE), keep=_is_measurement_or_registry),
    _Rule(DATE, re.compile(_NUMERIC_DATE), keep=_not_a_calendar_date),
    _Rule(
        ADDRESS,
        re.compile(
            r"\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][a-z]+\s+){1,3}"
            r"(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Ln\.?|Drive|Boulevard|Blvd\.?|"
            r"Court|Close|Crescent|Place|Terrace|Way|Square|Gardens)(?!\w)"
        ),
    ),
    _Rule(ID, re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")),  # SSN-shaped
    # A number the writer says is theirs to call, in any shape: "llámeme al 612345678". The
    # words before it stay (group "keep"), so the editor still reads that a number was given.
    _Rule(
        PHONE,
        re.compile(
            r"(?P<keep>\b(?:ll[aá]me(?:me|nos)?|llamar|ll[aá]mame)\s+al?\s+(?:n[uú]mero\s+)?"
            r"|\b(?:tel[eé]fono|tel\.|m[oó]vil|celular|whatsapp)\s*(?:es\s*|:\s*)?"
            r"|\bmi\s+n[uú]mero(?:\s+de\s+(?:tel[eé]fono|m[oó]vil|celular))?\s*(?:es\s*|:\s*))"
            r"(?:\+|00)?\(?\d[\d\s().-]{5,}\d(?!\w)",
            re.IGNORECASE,
        ),
    ),
    _Rule(
        PHONE,
        re.compile(
            r"(?<![\w+.])"
            r"(?:(?:\+|00)\d{1,3}[\s.-]?)?"  # country code
            r"(?:\(\d{1,5}\)[\s.-]?)?"  # area code in parentheses, "(555)" or "(0)"
            r"\d{1,6}(?:[\s.-]\d{2,6}){1,5}"  # groups of digits with one separator between
            r"(?![\w]|[.-]\d)"
        ),
        keep=_not_a_phone,
    ),
    _Rule(
        PHONE,
        re.compile(r"(?<![\w+])(?:\+|00)\d{7,15}(?!\w)"),
    ),
    _Rule(ID, re.compile(r"(?<![\w.])\d{7,}(?![\w]|[.,]\d)"), keep=_is_measurement_or_registry),
)


def scrub(text: str) -> ScrubResult:
    """Return `text` with likely identifiers replaced by placeholders, and the kinds removed."""
    found: dict[str, None] = {}

    for rule in _RULES:

        def replace(match: re.Match, rule: _Rule = rule) -> str:
            if rule.keep(match):
                return match.group(0)
            found[rule.kind] = None
            return (match.groupdict().get("keep") or "") + PLACEHOLDER[rule.kind]

        text = rule.pattern.sub(replace, text)
    return ScrubResult(text=text, found=tuple(found))
