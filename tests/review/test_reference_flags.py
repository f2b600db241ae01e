"""A flag on a reference (retracted, superseded, a drug withdrawn): readers see it beside the
reference on every page of the articles showing it, from the commit on and until it is removed;
the board must act before confirming such an article; removing the flag clears what it caused."""

import pytest
from django.test import Client

from articles.models import Article, Reference
from articles.selectors import latest_revision_id
from personalization.models import ReaderRole
from public import page_cache
from publishing.models import PublicationEntry
from publishing.selectors import public_pointer
from publishing.surfaces import edge_keys
from review.models import ReviewEvent
from review.services import clear_reference_flag, edit_article, flag_reference, make_move
from tests.factories import SIGNED_CHECKLIST

Kind = PublicationEntry.Kind
MARK = '<strong class="ref-flag">Retracted</strong>'


@pytest.fixture
def approved(make_article, author, reviewer, seen, professional_disclaimer):
    ReaderRole.objects.create(slug="physician", label="Physician", audience="professional",
                              target_grade=16)  # fmt: skip
    article = make_article()
    for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        make_move(
            name, article=article, by=by, seen_revision_id=seen(article), checklist=SIGNED_CHECKLIST
        )
    article.refresh_from_db()
    return article


@pytest.fixture
def admin(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def set_flag(admin: Client, reference: Reference, flag: str) -> None:
    """What an admin does: the reference's admin page, saved with the flag (or without)."""
    response = admin.post(
        f"/admin/articles/reference/{reference.pk}/change/",
        {
            "key": reference.key, "kind": reference.kind, "title": reference.title,
            "source": reference.source, "year": reference.year, "authors": "", "doi": "",
            "pmid": "", "url": "", "volume": "", "issue": "", "pages": "", "flag": flag,
            "flagged_on": "2026-11-20" if flag else "",
            "flag_note": "Retracted for data irregularities" if flag else "",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content[:2000]


def anonymous_page(path: str) -> str:
    """As a reader without a session gets it: through the fast path, from the page store once a
    page is kept there."""
    return Client().get(path).content.decode()


def test_readers_see_the_flag_on_the_stored_page_at_once_and_not_after_it_is_removed(
    approved, admin
):
    pages = [approved.get_absolute_url(), f"{approved.get_absolute_url()}for/physician/"]
    for path in pages:
        assert MARK not in anonymous_page(path)
        assert MARK not in anonymous_page(path)  # now from the page store
    reference = Reference.objects.get(key="nccn-2024")

    set_flag(admin, reference, "retracted")
    for path in pages:
        html = anonymous_page(path)
        listed = html.split('id="references-title"')[1].split("</section>")[0]
        assert MARK in listed and "Reference nccn-2024" in listed
        assert MARK in anonymous_page(path)  # and kept so

    set_flag(admin, reference, "")
    for path in pages:
        assert MARK not in anonymous_page(path)


def test_the_flag_is_shown_with_its_own_label(approved, admin_user):
    reference = Reference.objects.get(key="nccn-2024")
    reference.flag = "superseded"
    reference.save()
    flag_reference(reference=reference, by=admin_user)
    html = anonymous_page(approved.get_absolute_url())
    assert '<strong class="ref-flag">Superseded by newer evidence</strong>' in html
    # The permanent address of the edition shows it too.
    assert "Superseded by newer evidence" in anonymous_page(
        f"/articles/{approved.slug}/editions/1/"
    )


def test_raising_and_removing_a_flag_are_acts_of_the_publication_log(approved, admin_user):
    before = public_pointer(approved.slug).what
    reference = Reference.objects.get(key="nccn-2024")
    reference.flag = "retracted"
    reference.save()
    flag_reference(reference=reference, by=admin_user)
    flagged = public_pointer(approved.slug).what
    assert flagged != before  # the page is kept under a new key from the commit on
    entry = PublicationEntry.objects.get(kind=Kind.NOTICES, article=approved)
    assert entry.edition_id == approved.public_edition_id and entry.actor == admin_user
    assert edge_keys(entry).keys == (f"article-{approved.pk}",)  # the edge is purged

    reference.flag = ""
    reference.save()
    clear_reference_flag(reference=reference, by=admin_user)
    assert public_pointer(approved.slug).what not in (before, flagged)
    assert PublicationEntry.objects.filter(kind=Kind.NOTICES, article=approved).count() == 2


def test_baked_pages_take_the_flag_and_lose_it(
    approved, admin, tmp_path, settings, django_capture_on_commit_callbacks
):
    from public import baking

    settings.VETTED_BAKE_DIR = str(tmp_path / "baked")
    baking.bake_article(tmp_path / "baked", approved.slug)
    baked = tmp_path / "baked" / "articles" / approved.slug / "index.html"
    assert MARK not in baked.read_text()
    reference = Reference.objects.get(key="nccn-2024")
    with django_capture_on_commit_callbacks(execute=True):
        set_flag(admin, reference, "retracted")
    assert MARK in baked.read_text()
    with django_capture_on_commit_callbacks(execute=True):
        set_flag(admin, reference, "")
    assert MARK not in baked.read_text()


def test_the_page_reads_every_flag_in_one_query(approved, django_assert_num_queries):
    from public.views import _article_context

    furniture = page_cache.furniture(public_pointer(approved.slug).surroundings)
    edition = approved.public_edition
    with django_assert_num_queries(1):
        context = _article_context(approved, None, furniture, edition=edition,
                                   state=approved.state)  # fmt: skip
    assert [flag for _, flag in context["cited"]] == [""]


def test_a_flag_reaches_readers_of_an_edition_whose_newer_draft_dropped_the_reference(
    approved, author, admin_user, seen
):
    edit_article(
        article=approved, by=author, seen_revision_id=seen(approved), title=approved.title,
        summary=approved.summary, body="## Answer\n\nNo source yet.\n",
        literature_current_through=None, comment="Dropped the source",
    )  # fmt: skip
    assert not approved.citations.exists()
    assert MARK not in anonymous_page(approved.get_absolute_url())
    reference = Reference.objects.get(key="nccn-2024")
    reference.flag = "retracted"
    reference.save()

    assert flag_reference(reference=reference, by=admin_user) == 1
    assert MARK in anonymous_page(approved.get_absolute_url())
    approved.refresh_from_db()
    assert approved.is_due_for_review


def test_confirm_still_current_is_refused_while_a_cited_reference_is_flagged(
    client, approved, admin, reviewer2
):
    reference = Reference.objects.get(key="nccn-2024")
    set_flag(admin, reference, "retracted")
    client.force_login(reviewer2)
    page = client.get(f"/review/articles/{approved.slug}/").content.decode()
    button = page.split("Confirm still current</button>")[0].rsplit("<button", 1)[1]
    assert "disabled" in button  # offered, with the reason
    assert "[@nccn-2024] is flagged (retracted)" in page
    assert "Readers see the flag beside the reference." in page
    assert "Edit the text, or confirm it is still current." not in page
    response = client.post(f"/review/articles/{approved.slug}/confirm_current/",
                           {"seen_revision_id": latest_revision_id(approved)})  # fmt: skip
    assert response.status_code == 400
    assert "[@nccn-2024] is flagged (retracted)" in response.content.decode()
    assert Article.objects.get(pk=approved.pk).public_edition.number == 1

    set_flag(admin, reference, "")
    response = client.post(f"/review/articles/{approved.slug}/confirm_current/",
                           {"seen_revision_id": latest_revision_id(approved)})  # fmt: skip
    assert response.status_code == 302


def test_removing_the_flag_clears_the_review_due_entry_it_made(approved, admin, client, reviewer):
    reference = Reference.objects.get(key="nccn-2024")
    set_flag(admin, reference, "retracted")
    approved.refresh_from_db()
    assert approved.is_due_for_review

    set_flag(admin, reference, "")
    approved.refresh_from_db()
    assert not approved.is_due_for_review and approved.review_due_reason == ""
    assert "flag removed. No longer due for review." in ReviewEvent.objects.latest("pk").comment
    client.force_login(reviewer)
    assert approved.title not in client.get("/review/due/").content.decode()


def test_removing_one_flag_keeps_the_article_due_for_another(
    make_article, make_reference, author, reviewer, seen, professional_disclaimer, admin
):
    make_reference("nccn-2024")
    make_reference("esmo-2022")
    article = make_article(slug="two-sources", body="One.[@nccn-2024] Two.[@esmo-2022]\n")
    for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        make_move(
            name, article=article, by=by, seen_revision_id=seen(article), checklist=SIGNED_CHECKLIST
        )
    first, second = Reference.objects.get(key="nccn-2024"), Reference.objects.get(key="esmo-2022")
    set_flag(admin, second, "retracted")
    set_flag(admin, first, "retracted")
    set_flag(admin, first, "")
    article.refresh_from_db()
    assert article.is_due_for_review
    assert article.review_due_reason.startswith("Reference [@esmo-2022] flagged: retracted")
