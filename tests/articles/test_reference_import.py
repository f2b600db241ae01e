"""Reference files in: the four parsers, the plan (new, duplicate, refused), the all-or-nothing
service with its revision, the command, and the DOI/PMID rules on the model."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from reversion.models import Revision, Version

from articles.models import Reference
from articles.reference_import import (
    FileFormat,
    ImportChanged,
    Outcome,
    ParsedFile,
    ReferenceRecord,
    UnreadableFile,
    format_authors,
    kind_for,
    page_range,
    parse_file,
    plan_import,
)
from articles.services import import_references, save_reference

FIXTURES = Path(__file__).parent.parent / "fixtures" / "references"
FILES = ["nsclc_her2.ris", "nsclc_her2.bib", "nsclc_her2.nbib", "nsclc_her2.xml"]
DESTINY_LUNG01 = {"doi": "10.1056/nejmoa2112431", "pmid": "34534430"}


def parsed(name: str) -> ParsedFile:
    return parse_file((FIXTURES / name).read_bytes(), name)


def by_number(plan, number):
    return next(row for row in plan.rows if row.record.number == number)


# Parsing


@pytest.mark.parametrize(
    ("name", "file_format"),
    [
        ("nsclc_her2.ris", FileFormat.RIS),
        ("nsclc_her2.bib", FileFormat.BIBTEX),
        ("nsclc_her2.nbib", FileFormat.MEDLINE),
        ("nsclc_her2.xml", FileFormat.PUBMED_XML),
    ],
)
def test_each_format_reads_destiny_lung01_into_reference_fields(name, file_format):
    result = parsed(name)
    first = result.records[0]
    assert result.format is file_format
    assert len(result.records) == 5
    assert first.title.startswith("Trastuzumab Deruxtecan in HER2-Mutant Non")
    assert first.doi == DESTINY_LUNG01["doi"]
    assert first.year == 2022
    assert first.authors.startswith("Li BT, Smit EF, Goto Y, Nakagawa K, Udagawa H, Maz")
    assert first.authors.endswith(", et al.")
    assert "medicine" in first.source.lower()
    if file_format is not FileFormat.BIBTEX:  # Zotero knows no publication type
        assert first.kind == Reference.Kind.TRIAL


@pytest.mark.parametrize("name", FILES)
def test_each_format_reads_volume_issue_and_pages(name):
    first = parsed(name).records[0]
    assert (first.volume, first.issue, first.pages) == ("386", "3", "241-251")


@pytest.mark.parametrize(
    ("first", "last", "pages"),
    [("241--251", "", "241-251"), ("241 \u2013 51", "", "241-51"), ("241", "251", "241-251"),
     ("e123", "", "e123"), ("", "", ""), ("710", "710", "710")],
)  # fmt: skip
def test_pages_are_written_as_journals_print_them(first, last, pages):
    assert page_range(first, last) == pages


def test_zotero_bibtex_reads_latex_accents_and_the_pmid_in_the_note():
    first = parsed("nsclc_her2.bib").records[0]
    assert "Mazières J" in first.authors
    assert first.pmid == "34534430"
    assert first.url == "https://www.nejm.org/doi/10.1056/NEJMoa2112431"


def test_medline_joins_wrapped_lines_and_ignores_other_tags():
    records = parsed("nsclc_her2.nbib").records
    zenith = records[1]
    assert zenith.title == (
        "Poziotinib in Non-Small-Cell Lung Cancer Harboring HER2 Exon 20 Insertion Mutations "
        "After Prior Therapies: ZENITH20-2 Trial"
    )
    assert zenith.source.endswith("American Society of Clinical Oncology")
    assert zenith.pmid == "34843401"
    assert records[2].kind == Reference.Kind.GUIDELINE  # PT - Practice Guideline


def test_pubmed_xml_reads_inline_markup_and_collective_authors_are_left_out():
    records = parsed("nsclc_her2.xml").records
    assert records[0].title == "Trastuzumab Deruxtecan in HER2-Mutant Non-Small-Cell Lung Cancer"
    assert "Investigators" not in records[0].authors
    assert records[1].doi == "10.1200/jco.23.01361"  # from PubmedData's ArticleIdList
    assert records[2].kind == Reference.Kind.GUIDELINE


@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml"])
def test_xml_with_entities_is_refused_with_a_clear_message(name):
    with pytest.raises(UnreadableFile, match="declares entities or refers to outside files"):
        parsed(name)


def test_a_file_that_parses_as_nothing_is_refused():
    with pytest.raises(UnreadableFile, match="not a reference file we can read"):
        parse_file(b"Dear editor,\nplease add these references.\n", "letter.docx")
    with pytest.raises(UnreadableFile, match="no record in it"):
        parse_file(b"", "empty.ris")


def test_the_format_is_sniffed_from_the_content_whatever_the_extension():
    content = (FIXTURES / "nsclc_her2.nbib").read_bytes()
    assert parse_file(content, "pubmed-export.txt").format is FileFormat.MEDLINE
    assert parse_file(b"TY  - JOUR\nTI  - A title\nER  - \n", "x.txt").format is FileFormat.RIS


def test_an_ris_entry_without_its_end_line_is_reported_not_dropped():
    records = parse_file(b"TY  - JOUR\nTI  - One\nER  - \nTY  - JOUR\nTI  - Two\n", "a.ris").records
    assert [r.title for r in records] == ["One", ""]
    assert "no end (ER) line" in records[1].unreadable


def test_a_bibtex_syntax_error_is_a_refused_record():
    content = b"@article{ok, title={Fine}, year={2020}}\n@article{broken, title={Never closed\n"
    records = parse_file(content, "a.bib").records
    assert records[0].title == "Fine"
    assert "BibTeX syntax error" in records[1].unreadable


@pytest.mark.parametrize(
    ("types", "kind"),
    [
        (["Journal Article", "Practice Guideline"], Reference.Kind.GUIDELINE),
        (["Journal Article", "Systematic Review"], Reference.Kind.SYSTEMATIC_REVIEW),
        (["Meta-Analysis", "Journal Article"], Reference.Kind.SYSTEMATIC_REVIEW),
        (["Randomized Controlled Trial"], Reference.Kind.TRIAL),
        (["Clinical Trial, Phase II", "Journal Article"], Reference.Kind.TRIAL),
        (["Journal Article"], Reference.Kind.RESEARCH),
        (["Editorial"], Reference.Kind.OTHER),
        ([], Reference.Kind.OTHER),
    ],
)
def test_publication_types_choose_the_kind(types, kind):
    assert kind_for(types) == kind


def test_authors_are_listed_vancouver_style_and_fit_the_field():
    assert format_authors([("Li", "Bob T."), ("Smit", "EF")]) == "Li BT, Smit EF"
    many = [(f"Author{n}", "Jean-Claude") for n in range(8)]
    assert format_authors(many) == (
        "Author0 JC, Author1 JC, Author2 JC, Author3 JC, Author4 JC, Author5 JC, et al."
    )
    long = format_authors([("X" * 300, "A"), ("Y" * 300, "B")])
    assert len(long) <= 500
    assert long.endswith("et al.")


# Planning


@pytest.mark.django_db
@pytest.mark.parametrize("name", FILES)
def test_the_plan_marks_new_in_file_duplicates_and_malformed_records(name):
    plan = plan_import(parsed(name))
    assert [row.outcome for row in plan.rows] == [
        Outcome.NEW, Outcome.NEW, Outcome.NEW, Outcome.REFUSED, Outcome.REFUSED,
    ]  # fmt: skip
    assert plan.rows[0].key == "li-2022-trastuzumab"
    assert "record" in plan.rows[3].reason and "in this file has the same" in plan.rows[3].reason
    assert plan.rows[4].reason
    assert plan.summary.startswith(f"Parsed 5 records from {name}")
    assert "3 new, 0 duplicates, 2 refused" in plan.summary
    assert Reference.objects.count() == 0  # planning writes nothing


@pytest.mark.django_db
def test_refusals_say_why():
    reasons = {name: [row.reason for row in plan_import(parsed(name)).refused] for name in FILES}
    assert reasons["nsclc_her2.ris"][1].startswith("DOI: Enter a DOI")
    assert reasons["nsclc_her2.bib"][1] == "it has no title."
    assert reasons["nsclc_her2.nbib"][1].startswith("PMID: Enter a PubMed ID")
    assert reasons["nsclc_her2.xml"][1] == "it has no title."


@pytest.mark.django_db
def test_records_already_here_are_duplicates_by_doi_any_case_or_by_pmid(make_reference):
    make_reference("destiny-lung01", doi="10.1056/NEJMoa2112431")
    make_reference("zenith20-2", pmid="34843401")
    plan = plan_import(parsed("nsclc_her2.nbib"))
    assert by_number(plan, 1).description == "duplicate of destiny-lung01 (same DOI)"
    assert by_number(plan, 2).description == "duplicate of zenith20-2 (same PMID)"
    # The in-file copy of record 1 is still a duplicate of what is here, not a refusal.
    assert by_number(plan, 4).outcome is Outcome.DUPLICATE
    assert [row.record.number for row in plan.new] == [3]


@pytest.mark.django_db
def test_keys_avoid_existing_ones_and_each_other(make_reference):
    make_reference("li-2022-trastuzumab")
    records = (
        ReferenceRecord(number=1, title="Trastuzumab wins", year=2022, first_author="Li"),
        ReferenceRecord(number=2, title="Trastuzumab again", year=2022, first_author="Li"),
        ReferenceRecord(number=3, title="The Untitled", first_author=""),
    )
    plan = plan_import(ParsedFile(name="x.ris", format=FileFormat.RIS, records=records))
    assert [row.key for row in plan.rows] == [
        "li-2022-trastuzumab-2", "li-2022-trastuzumab-3", "anon-nd-untitled",
    ]  # fmt: skip


ZENITH20_2 = {  # as the demo article has it: no DOI, no PMID
    "title": "Poziotinib in Non-Small-Cell Lung Cancer Harboring HER2 Exon 20 Insertion "
    "Mutations After Prior Therapies: ZENITH20-2 Trial",
    "source": "Journal of Clinical Oncology",
    "year": 2022,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", FILES[:3])  # the XML file has no ZENITH20-2
def test_a_record_with_the_title_year_and_journal_of_a_reference_here_is_a_likely_duplicate(
    name, make_reference
):
    make_reference("zenith20-2-poziotinib", **ZENITH20_2)
    plan = plan_import(parsed(name))
    zenith = by_number(plan, 2)
    assert zenith.outcome is Outcome.LIKELY_DUPLICATE
    assert zenith.description == (
        "likely duplicate of [@zenith20-2-poziotinib] (same title, year and journal): skipped"
    )
    assert zenith.key == "le-2022-poziotinib"  # the key it would get if imported anyway
    assert [row.record.number for row in plan.saved] == [1, 3]
    assert "2 new, 1 likely duplicate, 0 duplicates, 2 refused." in plan.summary


@pytest.mark.django_db
def test_a_different_doi_or_pmid_tells_two_works_apart(make_reference):
    make_reference("zenith-erratum", doi="10.1200/jco.22.00001", **ZENITH20_2)
    plan = plan_import(parsed("nsclc_her2.ris"))
    assert by_number(plan, 2).outcome is Outcome.NEW


@pytest.mark.django_db
def test_likely_duplicates_within_a_file_name_the_earlier_record():
    same = {"title": "The Same Study", "source": "J Examples", "year": 2020, "first_author": "Wu"}
    records = (ReferenceRecord(number=1, **same), ReferenceRecord(number=2, **same))
    plan = plan_import(ParsedFile(name="x.bib", format=FileFormat.BIBTEX, records=records))
    second = by_number(plan, 2)
    assert second.outcome is Outcome.LIKELY_DUPLICATE
    assert second.description.startswith("likely duplicate of record 1 in this file")


@pytest.mark.django_db
def test_the_import_saves_a_likely_duplicate_only_when_the_person_chose_to(author, make_reference):
    make_reference("zenith20-2-poziotinib", **ZENITH20_2)
    skipped = import_references(parsed=parsed("nsclc_her2.ris"), by=author)
    assert not Reference.objects.filter(key="le-2022-poziotinib").exists()
    assert len(skipped.saved) == 2
    Reference.objects.exclude(key="zenith20-2-poziotinib").delete()
    chosen = import_references(parsed=parsed("nsclc_her2.ris"), by=author, import_anyway=[2])
    assert Reference.objects.get(key="le-2022-poziotinib").pmid == "34843401"
    assert by_number(chosen, 2).description.endswith("imported anyway as [@le-2022-poziotinib]")


# Saving


@pytest.mark.django_db
@pytest.mark.parametrize("name", FILES)
def test_import_saves_the_new_references_in_one_revision_with_the_user(name, author):
    plan = import_references(parsed=parsed(name), by=author)
    keys = sorted(row.key for row in plan.new)
    assert sorted(Reference.objects.values_list("key", flat=True)) == keys
    revision = Revision.objects.get()
    assert revision.user == author
    assert revision.comment == f"Imported 3 references from {name}"
    assert Version.objects.filter(revision=revision).count() == 3
    li = Reference.objects.get(key="li-2022-trastuzumab")
    assert li.doi == DESTINY_LUNG01["doi"]
    assert (li.volume, li.issue, li.pages) == ("386", "3", "241-251")


@pytest.mark.django_db
def test_an_error_on_one_save_undoes_them_all(author, monkeypatch):
    saves = []
    original_save = Reference.save

    def failing_save(self, *args, **kwargs):
        saves.append(self.key)
        if len(saves) == 3:
            raise IntegrityError("duplicate key value violates unique constraint")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Reference, "save", failing_save)
    with pytest.raises(ImportChanged, match="nothing was saved"):
        import_references(parsed=parsed("nsclc_her2.xml"), by=author)
    assert len(saves) == 3
    assert Reference.objects.count() == 0
    assert Revision.objects.count() == 0


@pytest.mark.django_db
def test_import_refuses_when_what_it_would_save_changed_since_the_preview(author):
    file = parsed("nsclc_her2.ris")
    shown = [row.key for row in plan_import(file).new]
    save_reference(
        reference=Reference(key="nccn-nsclc", title="NCCN", doi="10.6004/JNCCN.2022.0025"),
        by=author,
        comment="Added meanwhile",
    )
    with pytest.raises(ImportChanged, match="changed since the preview"):
        import_references(parsed=file, by=author, expected_keys=shown)
    assert Reference.objects.count() == 1


@pytest.mark.django_db
def test_records_survive_the_round_trip_through_the_session():
    file = parsed("nsclc_her2.bib")
    assert ParsedFile.from_json(file.to_json()) == file


# The command


@pytest.mark.django_db
def test_command_dry_run_prints_the_plan_and_writes_nothing(capsys):
    call_command("import_references", str(FIXTURES / "nsclc_her2.nbib"), "--dry-run")
    out = capsys.readouterr().out
    assert "Parsed 5 records from nsclc_her2.nbib" in out
    assert "new [@li-2022-trastuzumab]" in out
    assert "refused: PMID: Enter a PubMed ID" in out
    assert "Dry run: nothing was written." in out
    assert Reference.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("name", FILES)
def test_command_imports_each_format_recording_the_user(name, author, capsys):
    call_command("import_references", str(FIXTURES / name), "--by", "author")
    assert "Imported 3 references." in capsys.readouterr().out
    assert Reference.objects.count() == 3
    assert Revision.objects.get().user == author


@pytest.mark.django_db
def test_command_skips_duplicates_of_existing_references(make_reference, capsys):
    make_reference("destiny-lung01", pmid="34534430")
    call_command("import_references", str(FIXTURES / "nsclc_her2.xml"))
    out = capsys.readouterr().out
    assert "1: duplicate of destiny-lung01 (same PMID)" in out
    assert Reference.objects.count() == 3  # the one here, and two new
    assert Revision.objects.latest("pk").user is None


@pytest.mark.django_db
def test_command_asks_what_to_do_with_likely_duplicates_and_writes_nothing_until_told(
    make_reference, capsys
):
    make_reference("zenith20-2-poziotinib", **ZENITH20_2)
    path = str(FIXTURES / "nsclc_her2.ris")
    with pytest.raises(CommandError, match="--likely-duplicates=skip or --likely-duplicates="):
        call_command("import_references", path)
    assert "2: likely duplicate of [@zenith20-2-poziotinib]" in capsys.readouterr().out
    assert Reference.objects.count() == 1
    call_command("import_references", path, "--likely-duplicates=skip")
    assert "Imported 2 references." in capsys.readouterr().out
    Reference.objects.exclude(key="zenith20-2-poziotinib").delete()
    call_command("import_references", path, "--likely-duplicates=import")
    assert "Imported 3 references." in capsys.readouterr().out


@pytest.mark.django_db
def test_command_refuses_unsafe_or_unknown_files_and_users(tmp_path):
    with pytest.raises(CommandError, match="refuse for safety"):
        call_command("import_references", str(FIXTURES / "billion_laughs.xml"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_references", str(tmp_path / "missing.ris"))
    with pytest.raises(CommandError, match="No active user 'nobody'"):
        call_command("import_references", str(FIXTURES / "nsclc_her2.ris"), "--by", "nobody")
    assert Reference.objects.count() == 0


# The rules on the model: form, admin and import all go through them


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"doi": "10.1056"}, "doi", "Enter a DOI"),
        ({"doi": "doi.org/10.1056/x"}, "doi", "Enter a DOI"),
        ({"pmid": "PMC8888888"}, "pmid", "Enter a PubMed ID"),
        ({"pmid": "123456789"}, "pmid", "Enter a PubMed ID"),
    ],
)
def test_malformed_identifiers_are_refused(fields, field, message):
    with pytest.raises(ValidationError) as refused:
        Reference(key="x", title="X", **fields).full_clean()
    assert message in refused.value.message_dict[field][0]


@pytest.mark.django_db
def test_a_doi_link_is_stored_as_the_bare_doi(author):
    reference = save_reference(
        reference=Reference(key="x", title="X", doi=" https://doi.org/10.1056/NEJMoa2112431 "),
        by=author,
        comment="Added",
    )
    assert reference.doi == "10.1056/nejmoa2112431"


@pytest.mark.django_db
def test_a_second_reference_with_the_same_doi_or_pmid_is_refused(make_reference):
    make_reference("destiny-lung01", doi="10.1056/nejmoa2112431", pmid="34534430")
    with pytest.raises(ValidationError) as refused:
        Reference(
            key="again", title="Again", doi="10.1056/NEJMOA2112431", pmid="34534430"
        ).full_clean()
    assert refused.value.message_dict == {
        "doi": ["[@destiny-lung01] already has this DOI."],
        "pmid": ["[@destiny-lung01] already has this PMID."],
    }


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_doi_whatever_its_case(make_reference):
    make_reference("destiny-lung01", doi="10.1056/nejmoa2112431")
    with pytest.raises(IntegrityError):
        Reference.objects.create(key="again", title="Again", doi="10.1056/NEJMoa2112431")


@pytest.mark.django_db
def test_many_references_may_have_no_doi_or_pmid(make_reference):
    make_reference("one")
    make_reference("two")
    Reference(key="three", title="Three").full_clean()
