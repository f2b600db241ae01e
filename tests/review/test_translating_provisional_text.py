"""Translating an English article the board has not approved yet: the translation is written
against the text readers see provisionally, the board's Spanish reader approves its fidelity,
and its readers get the original's "pending review" caution and tracker, in Spanish; a newer
provisional English text puts it behind, as a newer approved edition does."""

import pytest

from articles.models import Article, Edition, ReviewState
from articles.selectors import latest_revision_id
from review import services
from review.workflow import MOVES, refusal
from tests.factories import CHECKLIST_FIELDS
from tests.translation_fixtures import approve, revise, submit, translate

SPANISH_PAGE = "/es/articles/an-article/"


def republish(original: Article, *, author, reviewer, editor) -> Article:
    """The board asks for a change, the author makes it and resubmits, and an editor shows the
    new text provisionally: a newer pending edition with another text."""
    for name, by, comment in (
        ("start_review", reviewer, ""),
        ("request_changes", reviewer, "Say what comes after the doublet."),
    ):
        services.make_move(name, article=original, by=by, comment=comment,
                           seen_revision_id=latest_revision_id(original))  # fmt: skip
    revise(original, author=author)
    submit(original, by=author)
    services.make_move("publish_provisionally", article=original, by=editor,
                       seen_revision_id=latest_revision_id(original))  # fmt: skip
    original.refresh_from_db()
    return original


@pytest.fixture
def spanish_of_pending(public_article, author) -> Article:
    """The Spanish translation of a provisionally shown article, translated and submitted."""
    translation = translate(public_article, by=author, title="¿Cuál es la respuesta?")
    submit(translation, by=author)
    translation.refresh_from_db()
    return translation


def test_a_provisionally_shown_article_is_translated_from_the_text_readers_see(
    client, author, public_article
):
    client.force_login(author)
    page = client.get(f"/review/articles/{public_article.slug}/").content.decode()
    assert "Translate into Spanish" in page
    assert "the English text published provisionally on" in page

    response = client.post(f"/review/articles/{public_article.slug}/translate/", {"language": "es"})

    assert response.status_code == 302
    translation = Article.objects.get(translation_of=public_article)
    assert translation.translates_edition == public_article.public_edition
    assert translation.translates_edition.kind == Edition.Kind.PENDING


def test_the_spanish_reader_approves_the_translation_of_the_pending_text_over_http(
    client, bilingual, public_article, spanish_of_pending
):
    client.force_login(bilingual)
    slug = spanish_of_pending.slug
    client.post(f"/review/articles/{slug}/start_review/",
                {"seen_revision_id": latest_revision_id(spanish_of_pending)})  # fmt: skip
    response = client.post(
        f"/review/articles/{slug}/approve/",
        {"seen_revision_id": latest_revision_id(spanish_of_pending), "note": "Fiel al original.",
         **CHECKLIST_FIELDS},
    )  # fmt: skip

    assert response.status_code == 302
    spanish_of_pending.refresh_from_db()
    assert spanish_of_pending.state == ReviewState.APPROVED
    assert spanish_of_pending.public_edition.translates == public_article.public_edition

    client.logout()
    html = client.get(SPANISH_PAGE).content.decode()
    assert "doblete de platino" in html
    assert "todavía está pendiente de revisión" in html
    assert '<li class="step current" aria-current="step">Enviado</li>' in html
    assert "se actualizó" not in html  # it translates the text English readers see
    assert "waiting for review" in client.get("/articles/an-article/").content.decode()


def test_a_newer_provisional_english_text_puts_the_spanish_page_behind_at_once(
    client, author, reviewer, editor, bilingual, public_article, spanish_of_pending
):
    approve(spanish_of_pending, by=bilingual)
    assert "se actualizó" not in client.get(SPANISH_PAGE).content.decode()  # stored now

    english = republish(public_article, author=author, reviewer=reviewer, editor=editor)

    html = client.get(SPANISH_PAGE).content.decode()
    when = english.public_edition.published_at
    assert "El texto original en inglés se actualizó" in html
    assert f'datetime="{when:%Y-%m-%d}"' in html
    assert 'href="/articles/an-article/" hreflang="en"' in html
    assert "todavía está pendiente de revisión" in html  # still never approved

    client.force_login(author)
    queue = client.get("/review/translations/").content.decode()
    assert "1 edition behind" in queue
    changes = client.get(f"/review/articles/{spanish_of_pending.slug}/english-changes/")
    assert "immunotherapy" in changes.content.decode().split('id="diff-title"')[1]


def test_the_spanish_tracker_follows_the_english_review(
    client, reviewer, bilingual, public_article, spanish_of_pending
):
    approve(spanish_of_pending, by=bilingual)
    assert 'aria-current="step">Enviado</li>' in client.get(SPANISH_PAGE).content.decode()

    services.make_move("start_review", article=public_article, by=reviewer,
                       seen_revision_id=latest_revision_id(public_article))  # fmt: skip

    html = client.get(SPANISH_PAGE).content.decode()
    assert '<li class="step current" aria-current="step">En revisión</li>' in html


def test_once_the_board_approves_the_english_text_the_caution_goes(
    client, reviewer, bilingual, public_article, spanish_of_pending
):
    approve(spanish_of_pending, by=bilingual)
    approve(public_article, by=reviewer)  # the same text: nothing new to translate

    html = client.get(SPANISH_PAGE).content.decode()
    assert "pendiente de revisión" not in html and "se actualizó" not in html
    assert 'aria-current="step">Aprobado</li>' in html


def test_approval_is_refused_once_readers_see_a_newer_provisional_text(
    client, author, reviewer, editor, bilingual, public_article, spanish_of_pending
):
    services.make_move("start_review", article=spanish_of_pending, by=bilingual,
                       seen_revision_id=latest_revision_id(spanish_of_pending))  # fmt: skip
    republish(public_article, author=author, reviewer=reviewer, editor=editor)
    spanish_of_pending.refresh_from_db()

    refused = refusal(MOVES["approve"], article=spanish_of_pending, user=bilingual)
    assert refused is not None and "no longer see" in refused.message

    # The reviewer sends it back; the translator moves it to the text readers see now, and
    # then it can be approved.
    services.make_move("request_changes", article=spanish_of_pending, by=bilingual,
                       comment="Traduzca el texto nuevo.",
                       seen_revision_id=latest_revision_id(spanish_of_pending))  # fmt: skip
    client.force_login(author)
    response = client.post(
        f"/review/articles/{spanish_of_pending.slug}/translation/update/",
        {"seen_revision_id": latest_revision_id(spanish_of_pending)},
    )
    assert response.status_code == 302
    spanish_of_pending.refresh_from_db()
    public_article.refresh_from_db()
    assert spanish_of_pending.translates_edition == public_article.public_edition
    submit(spanish_of_pending, by=author)
    assert approve(spanish_of_pending, by=bilingual).state == ReviewState.APPROVED


def test_a_pending_edition_of_another_article_is_refused(
    author, bilingual, make_article, publish_provisionally, spanish_of_pending
):
    other = make_article(slug="other-question")
    submit(other, by=author)
    publish_provisionally(other)
    Article.objects.filter(pk=spanish_of_pending.pk).update(translates_edition=other.public_edition)
    services.make_move("start_review", article=spanish_of_pending, by=bilingual,
                       seen_revision_id=latest_revision_id(spanish_of_pending))  # fmt: skip
    spanish_of_pending.refresh_from_db()

    refused = refusal(MOVES["approve"], article=spanish_of_pending, user=bilingual)
    assert refused is not None and "names no approved edition" in refused.message
