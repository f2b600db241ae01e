"""The Spanish reader's article page: the translation's approved edition at the original's address
under /es/, told at once when the English text has a newer edition, gone at once with a
withdrawn original; English lists, feeds and the API keep to the English originals."""

from articles.selectors import latest_revision_id
from config.site import site_url
from review import services
from tests.translation_fixtures import approve, new_english_edition, submit

SPANISH = "/es/articles/platinum-first/"


def test_a_spanish_reader_reads_the_approved_spanish_edition(client, original, spanish_approved):
    response = client.get(SPANISH)
    html = response.content.decode()
    assert response.status_code == 200
    assert "¿Qué va primero?" in html and "doblete de platino" in html
    assert "El texto original en inglés se actualizó" not in html  # it is up to date
    assert f'<link rel="canonical" href="{site_url(SPANISH)}">' in html
    english = client.get("/articles/platinum-first/").content.decode()
    assert "Platinum doublet first." in english and "doblete" not in english


def test_the_translation_has_no_english_address(client, original, spanish_approved):
    assert client.get("/articles/platinum-first-es/").status_code == 404


def test_a_draft_translation_is_not_shown(client, original, spanish_draft):
    """Until its translation is approved, a Spanish reader gets the English edition, marked as
    English, with the notice that there is no Spanish text yet."""
    html = client.get(SPANISH).content.decode()
    assert "Platinum doublet first." in html and "doblete" not in html
    assert 'lang="en"' in html and '<html lang="es">' in html


def test_the_lag_notice_shows_right_after_an_english_edition_is_published(
    client, author, reviewer, original, spanish_approved
):
    assert "se actualizó" not in client.get(SPANISH).content.decode()  # the page is stored now

    english = new_english_edition(original, author=author, reviewer=reviewer)

    html = client.get(SPANISH).content.decode()
    when = english.public_edition.published_at
    assert "El texto original en inglés se actualizó" in html
    assert f'datetime="{when:%Y-%m-%d}"' in html
    assert 'href="/articles/platinum-first/" hreflang="en"' in html
    assert "edición 1 del original" in html


def test_the_spanish_page_is_gone_right_after_the_english_article_is_withdrawn(
    client, reviewer, original, spanish_approved
):
    assert client.get(SPANISH).status_code == 200
    client.force_login(reviewer)
    response = client.post(
        f"/review/articles/{original.slug}/withdraw/",
        {"seen_revision_id": latest_revision_id(original), "comment": "A dose was wrong."},
    )
    assert response.status_code == 302
    client.logout()

    gone = client.get(SPANISH)
    assert gone.status_code == 410
    assert "Se retiró el artículo original en inglés" in gone.content.decode()
    assert client.get("/articles/platinum-first/").status_code == 410


def test_english_lists_feeds_and_the_api_show_the_english_original_only(
    client, original, spanish_approved
):
    for address in ("/", "/feed/", "/sitemap.xml", "/api/v1/articles/"):
        body = client.get(address).content.decode()
        assert "platinum-first" in body, address
        assert "platinum-first-es" not in body and "Qué va primero" not in body, address
    assert client.get("/api/v1/articles/platinum-first-es/").status_code == 404
    found = client.get("/search/?q=platino").content.decode()
    assert "Qué va primero" not in found


def test_spanish_lists_name_a_translated_article_in_spanish_and_mark_the_rest_english(
    client, original, spanish_approved, make_article, author, reviewer
):
    untranslated = make_article(slug="radiotherapy-dose", title="How much radiotherapy?")
    submit(untranslated, by=author)
    approve(untranslated, by=reviewer)
    listed = client.get("/es/").content.decode()
    assert '<a href="/es/articles/platinum-first/">¿Qué va primero?</a>' in listed
    english_title = '<a href="/es/articles/radiotherapy-dose/" lang="en">How much radiotherapy?</a>'
    assert english_title in listed
    english = client.get("/").content.decode()
    assert '<a href="/articles/platinum-first/">What comes first?</a>' in english


def test_the_contributor_page_says_which_languages_the_reviewer_reads(client, bilingual):
    from accounts.models import ContributorProfile

    ContributorProfile.objects.filter(user=bilingual).update(is_public=True)
    profile = ContributorProfile.objects.get(user=bilingual)
    html = client.get(f"/contributors/{profile.slug}/").content.decode()
    assert "Reviews texts in: English, Español" in html


def test_the_withdrawn_translation_comes_back_only_by_its_own_approval(
    client, author, reviewer, bilingual, original, spanish_approved
):
    services.make_move("withdraw", article=original, by=reviewer, comment="Dose.",
                       seen_revision_id=latest_revision_id(original))  # fmt: skip
    # The board approves the English text again: the translation stays withdrawn.
    services.edit_article(
        article=original, by=author, seen_revision_id=latest_revision_id(original),
        title=original.title, summary=original.summary, body=original.body,
        literature_current_through=None, comment="Checked",
    )  # fmt: skip
    services.make_move("submit", article=original, by=author,
                       seen_revision_id=latest_revision_id(original))  # fmt: skip
    approve(original, by=reviewer, note="Dose checked.")
    assert client.get("/articles/platinum-first/").status_code == 200
    assert client.get(SPANISH).status_code == 410


def test_the_baked_site_keeps_the_spanish_page_at_its_spanish_address(
    tmp_path, settings, author, reviewer, bilingual, original, django_capture_on_commit_callbacks
):
    from tests.translation_fixtures import submit, translate

    settings.VETTED_BAKE_DIR = str(tmp_path / "baked")
    spanish = translate(original, by=author, title="¿Qué va primero?", summary="Platino primero.")
    submit(spanish, by=author)
    with django_capture_on_commit_callbacks(execute=True):  # each commit: its delivery runs
        approve(spanish, by=bilingual)
    here = tmp_path / "baked" / "es" / "articles" / "platinum-first"
    assert "doblete de platino" in (here / "index.html").read_text()
    assert not (tmp_path / "baked" / "articles" / "platinum-first-es").exists()

    with django_capture_on_commit_callbacks(execute=True):
        new_english_edition(original, author=author, reviewer=reviewer)
    assert "El texto original en inglés se actualizó" in (here / "index.html").read_text()


def test_an_english_review_that_changed_nothing_does_not_put_the_translation_behind(
    client, reviewer, original, spanish_approved
):
    services.make_move("confirm_current", article=original, by=reviewer,
                       seen_revision_id=latest_revision_id(original))  # fmt: skip
    original.refresh_from_db()
    assert original.public_edition.number == 2
    assert "se actualizó" not in client.get(SPANISH).content.decode()


def test_the_spanish_page_question_form_reaches_its_translation(client, original, spanish_approved):
    import re

    html = client.get(SPANISH).content.decode()
    action = re.search(r'<form method="post" action="([^"]+)" class="stacked question-form"', html)
    assert action is not None
    assert client.get(action[1]).status_code == 200  # the question page of the translation


def test_the_spanish_edition_has_its_permalink_at_the_originals_address(
    client, original, spanish_approved
):
    html = client.get(SPANISH).content.decode()
    assert 'href="/es/articles/platinum-first/editions/1/"' in html
    assert "platinum-first-es" not in html  # the translation's own slug is internal
    edition = client.get("/es/articles/platinum-first/editions/1/").content.decode()
    assert "doblete de platino" in edition and "Platinum doublet first." not in edition
    english = client.get("/articles/platinum-first/editions/1/").content.decode()
    assert "Platinum doublet first." in english and "doblete" not in english
    assert client.get("/articles/platinum-first-es/editions/1/").status_code == 404
