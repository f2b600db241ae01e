"""Reference files in, typed records out, and the plan of what an import would do with each.

Four formats, each read by a well-kept library: RIS (rispy), BibTeX (bibtexparser 2), PubMed's
MEDLINE export `.nbib` (rispy's record machinery with MEDLINE's line layout: no maintained
MEDLINE-only parser is light enough, see MedlineParser) and PubMed XML (defusedxml, which refuses
entity expansion and external entities). Parsing is pure: bytes in, `ParsedFile` out. Planning
reads the references that exist and says, per record, "new", "duplicate of [@key]" (same DOI or
PMID), "likely duplicate of [@key]" (no identifier says so, but the same title, year and journal:
the person importing chooses) or "refused" with the reason. Writing is
`articles.services.import_references`, which plans again inside its transaction, so nothing the
browser sends back is trusted.
"""

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from functools import cached_property
from pathlib import PurePath
from xml.etree.ElementTree import Element, ParseError

import bibtexparser
import rispy
from bibtexparser import middlewares as bibtex_middlewares
from bibtexparser.model import DuplicateBlockKeyBlock
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml_safely
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.text import slugify

from .models import Reference, normalize_doi, normalize_pmid

MAX_FILE_BYTES = 5 * 1024 * 1024
# Vancouver style: up to six authors, then "et al.".
AUTHORS_LISTED = 6
STOP_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to"]
)


class FileFormat(StrEnum):
    RIS = "ris", "RIS"
    BIBTEX = "bibtex", "BibTeX"
    MEDLINE = "medline", "PubMed MEDLINE (.nbib)"
    PUBMED_XML = "pubmed_xml", "PubMed XML"

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class UnreadableFile(ValueError):
    """The file is not one of the formats we read, or is refused as unsafe."""


class ImportChanged(Exception):
    """What the import would save is no longer what the preview showed."""


@dataclass(frozen=True)
class ReferenceRecord:
    """One entry of a file, read into Reference's fields but not yet checked."""

    number: int  # its place in the file, from 1
    title: str = ""
    kind: str = Reference.Kind.OTHER
    source: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    authors: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    first_author: str = ""  # the family name the key starts with
    unreadable: str = ""  # why the parser could not read this entry, when it could not


@dataclass(frozen=True)
class ParsedFile:
    name: str
    format: FileFormat
    records: tuple[ReferenceRecord, ...]

    def to_json(self) -> dict:
        """A plain dict to keep between the preview and the save (in the user's session)."""
        return {
            "name": self.name,
            "format": str(self.format),
            "records": [asdict(record) for record in self.records],
        }

    @classmethod
    def from_json(cls, data: dict) -> "ParsedFile":
        known = {f.name for f in fields(ReferenceRecord)}
        return cls(
            name=data["name"],
            format=FileFormat(data["format"]),
            records=tuple(
                ReferenceRecord(**{k: v for k, v in record.items() if k in known})
                for record in data["records"]
            ),
        )


# Reading files


def parse_file(content: bytes, filename: str) -> ParsedFile:
    """Read a reference file, choosing the format by its content, else by its extension."""
    name = PurePath(filename).name[:200] or "upload"
    file_format = detect_format(content, name)
    if file_format is None:
        raise UnreadableFile(
            f"{name} is not a reference file we can read: upload RIS (.ris), BibTeX (.bib), "
            "PubMed MEDLINE (.nbib) or PubMed XML (.xml)."
        )
    if file_format is FileFormat.PUBMED_XML:
        records = read_pubmed_xml(content)
    else:
        text = _decode(content)
        reader = {
            FileFormat.RIS: read_ris,
            FileFormat.BIBTEX: read_bibtex,
            FileFormat.MEDLINE: read_medline,
        }[file_format]
        records = reader(text)
    if not records:
        raise UnreadableFile(f"{name} looks like {file_format.label} but has no record in it.")
    return ParsedFile(name=name, format=file_format, records=tuple(records))


_EXTENSIONS = {
    ".ris": FileFormat.RIS,
    ".bib": FileFormat.BIBTEX,
    ".bibtex": FileFormat.BIBTEX,
    ".nbib": FileFormat.MEDLINE,
    ".medline": FileFormat.MEDLINE,
    ".xml": FileFormat.PUBMED_XML,
}
_SIGNATURES = (
    (FileFormat.PUBMED_XML, re.compile(rb"^\s*(<\?xml|<!DOCTYPE|<PubmedArticleSet)")),
    (FileFormat.MEDLINE, re.compile(rb"^PMID- *\d", re.MULTILINE)),
    (FileFormat.RIS, re.compile(rb"^TY  - ", re.MULTILINE)),
    (FileFormat.BIBTEX, re.compile(rb"^\s*@[A-Za-z]+\s*[{(]", re.MULTILINE)),
)


def detect_format(content: bytes, filename: str) -> FileFormat | None:
    # Content first: PubMed saves MEDLINE as .txt too, and a renamed file keeps its layout.
    head = content[:65536].removeprefix(b"\xef\xbb\xbf")
    for file_format, signature in _SIGNATURES:
        if signature.search(head):
            return file_format
    return _EXTENSIONS.get(PurePath(filename).suffix.lower())


def _decode(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older EndNote and Reference Manager exports are Windows-1252.
        text = content.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise UnreadableFile("The file contains NUL characters: it is not a text export.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# RIS


def read_ris(text: str) -> list[ReferenceRecord]:
    entries = rispy.loads(text, skip_unknown_tags=True)
    records = [_ris_record(number, entry) for number, entry in enumerate(entries, start=1)]
    # rispy drops a last entry that never reaches its ER line; say so instead.
    tail = re.split(r"^ER  -.*$", text, flags=re.MULTILINE)[-1]
    if re.search(r"^TY  - ", tail, flags=re.MULTILINE):
        records.append(
            ReferenceRecord(number=len(records) + 1, unreadable="The entry has no end (ER) line.")
        )
    return records


def _ris_record(number: int, entry: dict) -> ReferenceRecord:
    def first(*names: str) -> str:
        for name in names:
            value = entry.get(name)
            if isinstance(value, list):
                value = value[0] if value else ""
            if value and str(value).strip():
                return _clean_text(str(value))
        return ""

    names = [_split_inverted(author) for author in entry.get("authors") or []]
    names = names or [_split_inverted(author) for author in entry.get("first_authors") or []]
    from_pubmed = re.search(r"pubmed|nlm", first("name_of_database", "database_provider"), re.I)
    accession = first("accession_number")
    # EndNote puts the PMID in AN for records from PubMed; elsewhere AN is another database's.
    pmid = accession if from_pubmed or accession.isdigit() else ""
    types = [_RIS_TYPES.get(first("type_of_reference"), ""), first("type_of_work")]
    return ReferenceRecord(
        number=number,
        title=first("title", "primary_title"),
        kind=kind_for(types),
        source=first("secondary_title", "alternate_title3", "journal_name", "alternate_title2"),
        year=_year(first("year", "publication_year", "date")),
        volume=first("volume"),
        issue=first("number"),
        pages=page_range(first("start_page"), first("end_page")),
        authors=format_authors(names),
        first_author=names[0][0] if names else "",
        doi=normalize_doi(first("doi")),
        pmid=normalize_pmid(pmid),
        url=first("urls"),
    )


_RIS_TYPES = {"JOUR": "journal article", "JFULL": "journal article", "EJOUR": "journal article"}


# BibTeX


def read_bibtex(text: str) -> list[ReferenceRecord]:
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            bibtex_middlewares.LatexDecodingMiddleware(),
            bibtex_middlewares.SeparateCoAuthors(),
            bibtex_middlewares.SplitNameParts(),
        ],
    )
    blocks = sorted(
        [*library.entries, *library.failed_blocks], key=lambda block: block.start_line or 0
    )
    records = []
    for number, block in enumerate(blocks, start=1):
        if block in library.entries:
            records.append(_bibtex_record(number, block))
        elif isinstance(block, DuplicateBlockKeyBlock):
            why = f"Its citation key {block.key} is used by an earlier entry too."
            records.append(ReferenceRecord(number=number, unreadable=why))
        else:
            line = (block.start_line or 0) + 1
            records.append(
                ReferenceRecord(number=number, unreadable=f"BibTeX syntax error at line {line}.")
            )
    return records


def _bibtex_record(number: int, entry) -> ReferenceRecord:
    def value(name: str) -> str:
        field = entry.fields_dict.get(name)
        return _clean_text(str(field.value)) if field is not None else ""

    author_field = entry.fields_dict.get("author")
    people = author_field.value if author_field is not None else []
    names = [
        (" ".join([*person.von, *person.last]), " ".join(person.first))
        for person in people
        if hasattr(person, "last")
    ]
    entry_type = "journal article" if entry.entry_type.lower() == "article" else entry.entry_type
    return ReferenceRecord(
        number=number,
        title=value("title"),
        kind=kind_for([entry_type]),
        source=value("journal") or value("journaltitle") or value("booktitle"),
        year=_year(value("year") or value("date")),
        volume=value("volume"),
        issue=value("number") or value("issue"),
        pages=page_range(value("pages")),
        authors=format_authors(names),
        first_author=names[0][0] if names else "",
        doi=normalize_doi(value("doi")),
        # Zotero writes a PubMed ID it knows into the note ("PMID: 34534430").
        pmid=normalize_pmid(value("pmid") or _pmid_in_note(value("note"))),
        url=value("url"),
    )


def _pmid_in_note(note: str) -> str:
    match = re.search(r"\bPMID:\s*(\S+)", note)
    return match[1] if match else ""


# MEDLINE (.nbib)


class MedlineParser(rispy.RisParser):
    """PubMed's MEDLINE layout on rispy's documented custom-parser interface.

    Tags are up to four characters, padded with spaces and followed by "- "; a long value goes on
    in lines indented six spaces; a blank line ends a record (there is no end tag). Biopython's
    Bio.Medline reads this too, but brings NumPy and a compiled package for a page of logic, and
    the one MEDLINE-only package (nbib) has been unmaintained since 2021.
    """

    START_TAG = "PMID"
    END_TAG = "<blank line>"
    DEFAULT_MAPPING = {
        tag: tag
        for tag in ("PMID", "TI", "JT", "TA", "DP", "VI", "IP", "PG", "AU", "LID", "AID", "PT")
    }
    DEFAULT_LIST_TAGS = ["AU", "LID", "AID", "PT"]
    DEFAULT_DELIMITER_MAPPING = {}
    _TAGGED = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *- ?(.*)$")

    def parse_line(self, line: str) -> tuple[str, str] | tuple[None, str]:
        if not line.strip():
            return (self.END_TAG, "")
        if line[:1] != " " and (match := self._TAGGED.match(line)):
            return (match[1], match[2].strip())
        return (None, line.strip())

    def _add_tag(self, record: dict, tag: str, content: str, extend_multiline: bool = False):
        name = self.mapping.get(tag)
        if extend_multiline and name in self.list_tags and record.get(name):
            record[name][-1] = f"{record[name][-1]} {content}"  # a wrapped list item goes on
            return
        super()._add_tag(record, tag, content, extend_multiline)


def read_medline(text: str) -> list[ReferenceRecord]:
    # The blank line makes the last record end like the others.
    entries = MedlineParser(skip_unknown_tags=True).parse(text + "\n\n")
    return [_medline_record(number, entry) for number, entry in enumerate(entries, start=1)]


def _medline_record(number: int, entry: dict) -> ReferenceRecord:
    ids = [*entry.get("LID", []), *entry.get("AID", [])]
    doi = next((i.removesuffix("[doi]").strip() for i in ids if i.endswith("[doi]")), "")
    names = [_split_medline_author(author) for author in entry.get("AU", [])]
    return ReferenceRecord(
        number=number,
        title=_clean_text(entry.get("TI", "")),
        kind=kind_for(entry.get("PT", [])),
        source=_clean_text(entry.get("JT", "") or entry.get("TA", "")),
        year=_year(entry.get("DP", "")),
        volume=_clean_text(entry.get("VI", "")),
        issue=_clean_text(entry.get("IP", "")),
        pages=page_range(_clean_text(entry.get("PG", ""))),
        authors=format_authors(names),
        first_author=names[0][0] if names else "",
        doi=normalize_doi(doi),
        pmid=normalize_pmid(entry.get("PMID", "")),
    )


def _split_medline_author(author: str) -> tuple[str, str]:
    # "Li BT": the family name, then the initials.
    family, _, initials = author.strip().rpartition(" ")
    return (family, initials) if family else (initials, "")


# PubMed XML


def read_pubmed_xml(content: bytes) -> list[ReferenceRecord]:
    try:
        # defusedxml refuses entity declarations (billion laughs) and external entities; the
        # DOCTYPE PubMed writes is allowed, and its DTD is never fetched.
        root = parse_xml_safely(content, forbid_dtd=False)
    except DefusedXmlException as exc:
        raise UnreadableFile(
            "The XML file declares entities or refers to outside files, which we refuse for "
            f"safety ({type(exc).__name__}). PubMed's own XML export has neither."
        ) from exc
    except ParseError as exc:
        raise UnreadableFile(f"The XML file is not well-formed: {exc}.") from exc
    if root.tag != "PubmedArticleSet":
        raise UnreadableFile(
            f"The XML file's root is <{root.tag}>; PubMed XML starts with <PubmedArticleSet>."
        )
    records = []
    for number, article in enumerate(root, start=1):
        if article.tag == "PubmedArticle":
            records.append(_pubmed_xml_record(number, article))
        else:
            why = f"<{article.tag}> entries (books, deletions) are not imported."
            records.append(ReferenceRecord(number=number, unreadable=why))
    return records


def _pubmed_xml_record(number: int, article: Element) -> ReferenceRecord:
    citation = article.find("MedlineCitation")
    if citation is None or citation.find("Article") is None:
        return ReferenceRecord(number=number, unreadable="The entry has no <Article>.")
    body = citation.find("Article")
    doi = _text(body.find("ELocationID[@EIdType='doi']")) or _text(
        article.find("PubmedData/ArticleIdList/ArticleId[@IdType='doi']")
    )
    # <Year>, or for an issue spanning months only <MedlineDate>, e.g. "2021 Dec-2022 Jan".
    year = _text(body.find("Journal/JournalIssue/PubDate/Year")) or _text(
        body.find("Journal/JournalIssue/PubDate/MedlineDate")
    )
    names = [
        (_text(author.find("LastName")), _text(author.find("Initials")))
        for author in body.iterfind("AuthorList/Author")
        if author.find("LastName") is not None
    ]
    types = [_text(t) for t in body.iterfind("PublicationTypeList/PublicationType")]
    pages = _text(body.find("Pagination/MedlinePgn")) or page_range(
        _text(body.find("Pagination/StartPage")), _text(body.find("Pagination/EndPage"))
    )
    return ReferenceRecord(
        number=number,
        title=_text(body.find("ArticleTitle")),
        kind=kind_for(types),
        source=_text(body.find("Journal/Title")),
        year=_year(year),
        volume=_text(body.find("Journal/JournalIssue/Volume")),
        issue=_text(body.find("Journal/JournalIssue/Issue")),
        pages=page_range(pages),
        authors=format_authors(names),
        first_author=names[0][0] if names else "",
        doi=normalize_doi(doi),
        pmid=normalize_pmid(_text(citation.find("PMID"))),
    )


def _text(element: Element | None) -> str:
    # itertext: PubMed titles carry inline markup such as <i>HER2</i>.
    return _clean_text("".join(element.itertext())) if element is not None else ""


# Mapping to Reference's fields


def kind_for(publication_types: Iterable[str]) -> str:
    """The kind a record's publication types make it: the most specific one wins."""
    types = " | ".join(t.lower() for t in publication_types if t)
    if "guideline" in types:
        return Reference.Kind.GUIDELINE
    if "systematic review" in types or "meta-analysis" in types:
        return Reference.Kind.SYSTEMATIC_REVIEW
    if "clinical trial" in types or "randomized controlled trial" in types:
        return Reference.Kind.TRIAL
    if "journal article" in types:
        return Reference.Kind.RESEARCH
    return Reference.Kind.OTHER


def format_authors(names: Sequence[tuple[str, str]]) -> str:
    """'Li BT, Smit EF, Goto Y, et al.' from (family name, given names or initials) pairs."""
    listed = [f"{family} {_initials(given)}".strip() for family, given in names if family]
    text = ", ".join(listed[:AUTHORS_LISTED])
    if len(listed) > AUTHORS_LISTED:
        text += ", et al."
    limit = Reference._meta.get_field("authors").max_length
    while len(text) > limit and ", " in text:
        text = text.rsplit(", ", 2)[0] + ", et al."
    return text[:limit]


def page_range(first: str, last: str = "") -> str:
    """Pages as journals print them, "241-251", from BibTeX's "241--251", an en dash, or a start
    and an end page (RIS's SP and EP, PubMed XML's StartPage and EndPage)."""
    first, last = first.strip(), last.strip()
    if last and last != first:
        first = f"{first}-{last}" if first else last
    return re.sub(r"\s*(?:--|\u2013|\u2014|-)\s*", "-", first)


def _initials(given: str) -> str:
    given = given.strip()
    if re.fullmatch(r"[A-Z]{1,4}", given):  # already initials, as PubMed writes them
        return given
    parts = re.split(r"[\s.\-]+", given)
    return "".join(part[0].upper() for part in parts if part and part[0].isalpha())


def _split_inverted(name: str) -> tuple[str, str]:
    # RIS writes "Li, Bob T." (or "Li, B. T."); a name without a comma is kept whole.
    family, _, given = name.partition(",")
    return (_clean_text(family), _clean_text(given))


def _year(text: str) -> int | None:
    match = re.search(r"\b(1[6-9]\d\d|20\d\d)\b", text or "")
    return int(match[1]) if match else None


def _clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text).strip().removesuffix(".") if text else ""


# Planning


class Outcome(StrEnum):
    NEW = "new"
    # No identifier says so, but the title, year and journal match a reference already here (or
    # an earlier record of the file): the person importing decides whether it is the same work.
    LIKELY_DUPLICATE = "likely_duplicate"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


LIKELY_REASON = "same title, year and journal"


@dataclass(frozen=True)
class PlannedReference:
    """What an import does with one record, and the reference it would save."""

    record: ReferenceRecord
    outcome: Outcome
    key: str = ""
    reason: str = ""  # refused: why; duplicate: which identifier matched
    duplicate_of: str = ""  # the key of the reference it duplicates
    same_as_record: int | None = None  # a likely duplicate of an earlier record of the file
    import_anyway: bool = False  # a likely duplicate the person chose to import all the same

    @property
    def kind_label(self) -> str:
        return Reference.Kind(self.record.kind).label

    @property
    def is_saved(self) -> bool:
        return self.outcome is Outcome.NEW or (
            self.outcome is Outcome.LIKELY_DUPLICATE and self.import_anyway
        )

    @property
    def likely_of(self) -> str:
        """What a likely duplicate looks like: "[@key]", or "record 2 in this file"."""
        if self.same_as_record is not None:
            return f"record {self.same_as_record} in this file"
        return f"[@{self.duplicate_of}]"

    @property
    def description(self) -> str:
        if self.outcome is Outcome.DUPLICATE:
            return f"duplicate of {self.duplicate_of} ({self.reason})"
        if self.outcome is Outcome.LIKELY_DUPLICATE:
            choice = f"imported anyway as [@{self.key}]" if self.import_anyway else "skipped"
            return f"likely duplicate of {self.likely_of} ({self.reason}): {choice}"
        if self.outcome is Outcome.REFUSED:
            return f"refused: {self.reason}"
        return "new"

    def reference(self) -> Reference:
        record = self.record
        return Reference(
            key=self.key,
            kind=record.kind,
            title=record.title,
            source=record.source[: Reference._meta.get_field("source").max_length],
            year=record.year,
            volume=record.volume,
            issue=record.issue,
            pages=record.pages,
            authors=record.authors,
            doi=record.doi,
            pmid=record.pmid,
            url=record.url,
        )


@dataclass(frozen=True)
class ImportPlan:
    file: ParsedFile
    rows: tuple[PlannedReference, ...]

    @cached_property
    def new(self) -> list[PlannedReference]:
        return [row for row in self.rows if row.outcome is Outcome.NEW]

    @cached_property
    def likely_duplicates(self) -> list[PlannedReference]:
        return [row for row in self.rows if row.outcome is Outcome.LIKELY_DUPLICATE]

    @cached_property
    def duplicates(self) -> list[PlannedReference]:
        return [row for row in self.rows if row.outcome is Outcome.DUPLICATE]

    @cached_property
    def refused(self) -> list[PlannedReference]:
        return [row for row in self.rows if row.outcome is Outcome.REFUSED]

    @cached_property
    def saved(self) -> list[PlannedReference]:
        """What the import writes: every new record, and each likely duplicate chosen."""
        return [row for row in self.rows if row.is_saved]

    @property
    def candidate_keys(self) -> list[str]:
        """The keys of every record the import may write (new, or a likely duplicate): what a
        preview showed, whatever the person then chose."""
        return [row.key for row in self.rows if row.key]

    @property
    def summary(self) -> str:
        total, likely = len(self.rows), len(self.likely_duplicates)
        maybe = f"{likely} likely duplicate{'s' if likely != 1 else ''}, " if likely else ""
        return (
            f"Parsed {total} record{'s' if total != 1 else ''} from {self.file.name} "
            f"({self.file.format.label}): {len(self.new)} new, {maybe}"
            f"{len(self.duplicates)} duplicate{'s' if len(self.duplicates) != 1 else ''}, "
            f"{len(self.refused)} refused."
        )


WorkIdentity = tuple[str, int | None, str]


def work_identity(title: str, year: int | None, journal: str) -> WorkIdentity:
    """What names a work when no identifier does: its title and journal in lower case without
    accents, punctuation, a leading "the" or a journal's subtitle ("Journal of clinical
    oncology : official journal of ..."), and its year."""

    def words(text: str) -> str:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        text = re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()
        return text.removeprefix("the ")

    return (words(title), year, words(journal.split(" : ")[0]))


@dataclass(frozen=True)
class _KnownWork:
    key: str
    doi: str
    pmid: str
    record: int | None = None  # an earlier record of the file rather than a saved reference

    def may_be(self, record: ReferenceRecord) -> bool:
        """Nothing tells them apart: no two different DOIs, no two different PMIDs."""
        differ = (record.doi and self.doi and record.doi != self.doi.lower()) or (
            record.pmid and self.pmid and record.pmid != self.pmid
        )
        return not differ


def plan_import(parsed: ParsedFile, *, import_anyway: Collection[int] = ()) -> ImportPlan:
    """Decide, for each record, whether an import adds it, skips it or refuses it, and why.

    `import_anyway`: the numbers of the likely duplicates the person chose to import all the
    same; the others are skipped, and the preview and the report say so."""
    records = parsed.records
    dois = {r.doi for r in records if r.doi}
    pmids = {r.pmid for r in records if r.pmid}
    by_doi, by_pmid = {}, {}
    if dois or pmids:
        existing = Reference.objects.annotate(doi_lower=Lower("doi")).filter(
            doi_lower__in=dois
        ) | Reference.objects.filter(pmid__in=pmids)
        for key, doi, pmid in existing.order_by("key").values_list("key", "doi", "pmid"):
            if doi:
                by_doi.setdefault(doi.lower(), key)
            if pmid:
                by_pmid.setdefault(pmid, key)
    works = _known_works(records)
    taken_keys = set(Reference.objects.values_list("key", flat=True))
    seen_doi: dict[str, int] = {}
    seen_pmid: dict[str, int] = {}
    rows = []
    for record in records:
        row = _plan_one(record, by_doi, by_pmid, seen_doi, seen_pmid, taken_keys)
        if row.outcome is Outcome.NEW:
            row = _unless_likely_duplicate(row, works, import_anyway)
        if row.key:
            # A later copy in the same file is refused, or is a likely duplicate of this one.
            if record.doi:
                seen_doi.setdefault(record.doi, record.number)
            if record.pmid:
                seen_pmid.setdefault(record.pmid, record.number)
            identity = work_identity(record.title, record.year, record.source)
            works.setdefault(identity, []).append(
                _KnownWork(row.key, record.doi, record.pmid, record=record.number)
            )
        rows.append(row)
    return ImportPlan(file=parsed, rows=tuple(rows))


def _known_works(records: Sequence[ReferenceRecord]) -> dict[WorkIdentity, list[_KnownWork]]:
    """The references already here that a record of the file may name, by work_identity: those
    of the years the file's records give (one query)."""
    years = {r.year for r in records if r.title}
    if not years:
        return {}
    same_year = models.Q(year__in=[y for y in years if y is not None])
    if None in years:
        same_year |= models.Q(year__isnull=True)
    works: dict[WorkIdentity, list[_KnownWork]] = {}
    rows = Reference.objects.filter(same_year).order_by("key")
    for key, title, year, source, doi, pmid in rows.values_list(
        "key", "title", "year", "source", "doi", "pmid"
    ):
        works.setdefault(work_identity(title, year, source), []).append(_KnownWork(key, doi, pmid))
    return works


def _unless_likely_duplicate(
    row: PlannedReference, works: dict[WorkIdentity, list[_KnownWork]], chosen: Collection[int]
) -> PlannedReference:
    record = row.record
    identity = work_identity(record.title, record.year, record.source)
    match = next((w for w in works.get(identity, ()) if w.may_be(record)), None)
    if match is None:
        return row
    return replace(
        row, outcome=Outcome.LIKELY_DUPLICATE, reason=LIKELY_REASON,
        duplicate_of=match.key if match.record is None else "", same_as_record=match.record,
        import_anyway=record.number in chosen,
    )  # fmt: skip


def _plan_one(record, by_doi, by_pmid, seen_doi, seen_pmid, taken_keys) -> PlannedReference:
    def refused(reason: str) -> PlannedReference:
        return PlannedReference(record=record, outcome=Outcome.REFUSED, reason=reason)

    if record.unreadable:
        return refused(record.unreadable)
    if not record.title:
        return refused("it has no title.")
    if problems := _field_problems(record):
        return refused(problems)
    if record.doi and record.doi in by_doi:
        return PlannedReference(
            record=record, outcome=Outcome.DUPLICATE, duplicate_of=by_doi[record.doi],
            reason="same DOI",
        )  # fmt: skip
    if record.pmid and record.pmid in by_pmid:
        return PlannedReference(
            record=record, outcome=Outcome.DUPLICATE, duplicate_of=by_pmid[record.pmid],
            reason="same PMID",
        )  # fmt: skip
    if record.doi in seen_doi:
        return refused(f"record {seen_doi[record.doi]} in this file has the same DOI.")
    if record.pmid in seen_pmid:
        return refused(f"record {seen_pmid[record.pmid]} in this file has the same PMID.")
    key = unique_key(record, taken_keys)
    taken_keys.add(key)
    return PlannedReference(record=record, outcome=Outcome.NEW, key=key)


def _field_problems(record: ReferenceRecord) -> str:
    """The model's own field rules (DOI and PMID format, lengths, URL), as one sentence."""
    candidate = PlannedReference(record=record, outcome=Outcome.NEW, key="k").reference()
    try:
        candidate.clean_fields()
    except ValidationError as exc:
        return " ".join(
            f"{Reference._meta.get_field(name).verbose_name}: {' '.join(messages)}"
            for name, messages in exc.message_dict.items()
        )
    return ""


def unique_key(record: ReferenceRecord, taken: set[str]) -> str:
    """'li-2022-trastuzumab': first author, year, first word of the title; -2, -3… if taken."""
    words = [w for w in slugify(record.title).split("-") if w and w not in STOP_WORDS]
    parts = [slugify(record.first_author) or "anon", str(record.year or "nd"), *words[:1]]
    base = "-".join(p for p in parts if p)[:72].strip("-")
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key
