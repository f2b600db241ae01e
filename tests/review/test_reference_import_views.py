"""/review/references/import/: who may use it, the preview, the save, and the DOI/PMID rules in
the review area's form and the admin."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Revision

from articles.models import Reference
from review.reference_import_views import SESSION_KEY

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent.parent / "fixtures" / "references"
FILES = ["nsclc_her2.ris", "nsclc_her2.bib", "nsclc_her2.nbib", "nsclc_her2.xml"]
UPLOAD = reverse("review:reference_import")


def upload(client, name: str, content: bytes | None = None):
    content = (FIXTURES / name).read_bytes() if content is None else content
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def preview_url(response) -> str:
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def save_url(preview: str) -> str:
    return preview + "save/"


# Who may import


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["author", "editor", "admin_user"])
def test_authors_editors_and_admins_see_the_upload_form(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(UPLOAD)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_file">Reference file' in html
    assert 'type="file"' in html
    assert "Upload and preview</button>" in html


def test_reviewers_may_not_import(client, reviewer, author):
    client.force_login(author)
    preview = preview_url(upload(client, "nsclc_her2.ris"))
    token = preview.rstrip("/").rsplit("/", 1)[-1]
    client.force_login(reviewer)
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, "nsclc_her2.ris").status_code == 403
    assert client.get(reverse("review:reference_import_preview", args=[token])).status_code == 403
    save = reverse("review:reference_import_save", args=[token])
    assert client.post(save).status_code == 403
    assert Reference.objects.count() == 0


def test_the_reference_list_links_to_the_import_for_writers_only(client, author, reviewer):
    client.force_login(author)
    assert UPLOAD in client.get(reverse("review:references")).content.decode()
    client.force_login(reviewer)
    assert UPLOAD not in client.get(reverse("review:references")).content.decode()


# Upload and preview


@pytest.mark.parametrize("name", FILES)
def test_each_format_uploads_to_a_preview_that_writes_nothing(client, author, name):
    client.force_login(author)
    response = client.get(preview_url(upload(client, name)))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Parsed 5 records from {name}" in html
    assert "3 new, 0 duplicates, 2 refused." in html
    assert "<code>[@li-2022-trastuzumab]</code>" in html
    assert "10.1056/nejmoa2112431" in html
    assert re.search(r"refused: record \d in this file has the same (DOI|PMID)", html)
    assert "Save 3 new references</button>" in html
    assert Reference.objects.count() == 0
    assert Revision.objects.count() == 0


def test_the_preview_marks_duplicates_of_existing_references(client, author, make_reference):
    make_reference("destiny-lung01", doi="10.1056/NEJMoa2112431")
    client.force_login(author)
    html = client.get(preview_url(upload(client, "nsclc_her2.xml"))).content.decode()
    assert "duplicate of <code>[@destiny-lung01]</code> (same DOI)" in html
    assert "2 new, 2 duplicates, 1 refused." in html
    assert "Save 2 new references</button>" in html


def test_the_preview_shows_refusals_with_their_reasons(client, author):
    client.force_login(author)
    preview = preview_url(upload(client, "nsclc_her2.nbib"))
    html = client.get(preview + "?show=refused").content.decode()
    assert "refused: PMID: Enter a PubMed ID: 1 to 8 digits" in html
    assert "<code>[@li-2022-trastuzumab]</code>" not in html  # the filter shows refusals only


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("billion_laughs.xml", None, "declares entities or refers to outside files"),
        ("external_entity.xml", None, "declares entities or refers to outside files"),
        ("notes.docx", b"PK\x03\x04 not a reference file", "not a reference file we can read"),
    ],
)
def test_unsafe_or_unknown_files_are_refused_on_the_form(client, author, name, content, message):
    client.force_login(author)
    response = upload(client, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SESSION_KEY not in client.session


def test_files_over_the_limit_are_refused(client, author):
    client.force_login(author)
    big = b"TY  - JOUR\nTI  - Padding\nER  - \n" + b" " * (5 * 1024 * 1024)
    response = upload(client, "big.ris", big)
    assert response.status_code == 400
    assert "the limit is 5.0" in response.content.decode()


def test_hundreds_of_records_show_counts_and_pages(client, author):
    entries = [
        f"TY  - JOUR\nAU  - Author{n}, A.\nTI  - Study number {n}\nT2  - Journal\nPY  - 2020\n"
        f"DO  - 10.1234/study.{n}\nER  - \n"
        for n in range(1, 501)
    ]
    entries.append("TY  - JOUR\nTI  - Study one again\nDO  - 10.1234/STUDY.1\nER  - \n")
    client.force_login(author)
    preview = preview_url(upload(client, "many.ris", "\n".join(entries).encode()))
    html = client.get(preview).content.decode()
    assert "Parsed 501 records from many.ris (RIS): 500 new, 0 duplicates, 1 refused." in html
    assert "Records 1\u201350 of 501" in html
    assert "Page 1 of 11" in html
    last = client.get(preview + "?page=11").content.decode()
    assert "refused: record 1 in this file has the same DOI." in last
    response = client.post(save_url(preview))
    assert response.status_code == 302
    assert Reference.objects.count() == 500
    assert Revision.objects.get().comment == "Imported 500 references from many.ris"


ZENITH20_2 = {  # as the demo article has it: no DOI, no PMID
    "title": "Poziotinib in Non-Small-Cell Lung Cancer Harboring HER2 Exon 20 Insertion "
    "Mutations After Prior Therapies: ZENITH20-2 Trial",
    "source": "Journal of Clinical Oncology",
    "year": 2022,
}


@pytest.fixture
def likely_duplicate_preview(client, author, make_reference):
    make_reference("zenith20-2-poziotinib", **ZENITH20_2)
    client.force_login(author)
    preview = preview_url(upload(client, "nsclc_her2.ris"))
    client.get(preview)
    return preview


def test_the_preview_asks_about_each_likely_duplicate(client, likely_duplicate_preview):
    html = client.get(likely_duplicate_preview).content.decode()
    assert "likely duplicate</strong> of <code>[@zenith20-2-poziotinib]</code>" in html
    assert "1 likely duplicate: import or skip?" in html
    assert 'name="likely-2" value="skip"> Skip it' in html
    assert (
        'name="likely-2" value="import"> Import anyway as <code>[@le-2022-poziotinib]</code>'
        in html
    )
    assert "No DOI or PMID." in html  # what the reference here has, to compare


def test_saving_without_a_choice_saves_nothing_and_keeps_the_choices_made(
    client, author, make_reference
):
    make_reference("zenith20-2-poziotinib", **ZENITH20_2)
    make_reference("li-dup", title="Trastuzumab Deruxtecan in HER2-Mutant Non-Small-Cell Lung "
                   "Cancer", source="The New England Journal of Medicine", year=2022)  # fmt: skip
    client.force_login(author)
    preview = preview_url(upload(client, "nsclc_her2.ris"))
    client.get(preview)
    response = client.post(save_url(preview), {"likely": "each", "likely-1": "import"},
                           follow=True)  # fmt: skip
    html = response.content.decode()
    assert "Nothing was saved. Choose" in html and "(record 2)" in html
    assert 'name="likely-1" value="import" checked' in html  # the choice made is kept
    assert Reference.objects.count() == 2


def test_saving_imports_the_likely_duplicates_chosen_and_skips_the_others(
    client, likely_duplicate_preview
):
    response = client.post(save_url(likely_duplicate_preview), {"likely-2": "skip"}, follow=True)
    assert "Imported 2 references from nsclc_her2.ris" in response.content.decode()
    assert "1 likely duplicate you chose to skip" in response.content.decode()
    assert not Reference.objects.filter(key="le-2022-poziotinib").exists()


def test_one_choice_may_answer_for_every_likely_duplicate(client, likely_duplicate_preview):
    client.post(save_url(likely_duplicate_preview), {"likely": "import"})
    assert Reference.objects.filter(key="le-2022-poziotinib").exists()
    assert Reference.objects.count() == 4


# Saving


@pytest.mark.parametrize("role", ["author", "editor", "admin_user"])
def test_saving_writes_every_new_reference_in_one_revision_by_the_user(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    preview = preview_url(upload(client, "nsclc_her2.ris"))
    client.get(preview)
    response = client.post(save_url(preview), follow=True)
    assert response.redirect_chain[-1][0] == reverse("review:references")
    assert "Imported 3 references from nsclc_her2.ris." in response.content.decode()
    assert set(Reference.objects.values_list("key", flat=True)) == {
        "li-2022-trastuzumab", "le-2022-poziotinib", "ettinger-2022-non",
    }  # fmt: skip
    revision = Revision.objects.get()
    assert revision.user == user
    assert revision.comment == "Imported 3 references from nsclc_her2.ris"
    assert SESSION_KEY not in client.session


def test_saving_needs_a_post(client, author):
    client.force_login(author)
    preview = preview_url(upload(client, "nsclc_her2.ris"))
    client.get(preview)
    assert client.get(save_url(preview)).status_code == 405
    assert Reference.objects.count() == 0


def test_a_change_since_the_preview_saves_nothing_and_shows_the_new_preview(client, author):
    client.force_login(author)
    preview = preview_url(upload(client, "nsclc_her2.ris"))
    client.get(preview)
    Reference.objects.create(key="nccn-nsclc", title="NCCN", doi="10.6004/jnccn.2022.0025")
    response = client.post(save_url(preview), follow=True)
    html = response.content.decode()
    assert "changed since the preview; nothing was saved" in html
    assert "duplicate of <code>[@nccn-nsclc]</code> (same DOI)" in html
    assert Reference.objects.count() == 1
    # The new preview is what a second save now matches.
    client.post(save_url(preview))
    assert Reference.objects.count() == 3


def test_an_unknown_or_replaced_preview_is_expired(client, author):
    client.force_login(author)
    first = preview_url(upload(client, "nsclc_her2.ris"))
    preview_url(upload(client, "nsclc_her2.bib"))
    response = client.get(first, follow=True)
    assert "That preview has expired or was replaced" in response.content.decode()
    client.post(save_url(first))
    assert Reference.objects.count() == 0


def test_a_tampered_token_cannot_save_another_users_preview(client, author, editor):
    client.force_login(author)
    preview = preview_url(upload(client, "nsclc_her2.ris"))
    client.force_login(editor)  # a new session: the token alone is worth nothing
    client.post(save_url(preview))
    assert Reference.objects.count() == 0


# The DOI/PMID rules where references are added by hand


def test_the_review_form_refuses_a_second_reference_with_the_same_doi(client, author):
    Reference.objects.create(key="destiny-lung01", title="DL-01", doi="10.1056/nejmoa2112431")
    client.force_login(author)
    response = client.post(
        reverse("review:references"),
        {"key": "li-2022", "kind": "trial", "title": "Again", "doi": "10.1056/NEJMoa2112431"},
    )
    assert response.status_code == 400
    assert "[@destiny-lung01] already has this DOI." in response.content.decode()


def test_the_review_form_refuses_a_malformed_pmid(client, author):
    client.force_login(author)
    response = client.post(
        reverse("review:references"),
        {"key": "li-2022", "kind": "trial", "title": "DL-01", "pmid": "PMC8888888"},
    )
    assert response.status_code == 400
    assert "Enter a PubMed ID: 1 to 8 digits" in response.content.decode()


def test_the_admin_refuses_a_second_reference_with_the_same_pmid(client, admin_user):
    Reference.objects.create(key="destiny-lung01", title="DL-01", pmid="34534430")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:articles_reference_add"),
        {"key": "again", "kind": "trial", "title": "Again", "pmid": "34534430"},
    )
    assert response.status_code == 200
    assert "[@destiny-lung01] already has this PMID." in response.content.decode()
    assert Reference.objects.count() == 1


def test_the_admin_lists_the_articles_citing_a_reference(client, admin_user, make_article):
    article = make_article()
    reference = Reference.objects.get(key="nccn-2024")
    client.force_login(admin_user)
    html = client.get(reverse("admin:articles_reference_change", args=[reference.pk])).content
    html = html.decode()
    assert "Cited by" in html
    link = reverse("admin:articles_article_change", args=[article.pk])
    assert re.search(rf'<a href="{link}">{re.escape(article.title)}</a>', html)


def test_the_admin_filters_and_finds_by_doi_link_and_pmid(client, admin_user):
    Reference.objects.create(key="a", title="A", year=2022, doi="10.1056/nejmoa2112431")
    Reference.objects.create(key="b", title="B", year=2013, pmid="23610105", kind="trial")
    client.force_login(admin_user)
    changelist = reverse("admin:articles_reference_changelist")
    found = client.get(changelist, {"q": "https://doi.org/10.1056/NEJMoa2112431"})
    assert list(found.context["cl"].result_list) == [Reference.objects.get(key="a")]
    assert [r.key for r in client.get(changelist, {"q": "23610105"}).context["cl"].result_list] == [
        "b"
    ]
    by_year = client.get(changelist, {"year": "2013"}).context["cl"].result_list
    assert [r.key for r in by_year] == ["b"]
    by_id = client.get(changelist, {"identifier": "doi"}).context["cl"].result_list
    assert [r.key for r in by_id] == ["a"]
