"""Translations as reviewed texts: started from an approved English edition by whoever may edit
the original, reviewed and approved by a board member who reads Spanish, each edition naming the
English edition it translates; the translator's queue and the English changes. Over HTTP, per
role."""

import pytest
from django.contrib.auth.models import Group

from articles.models import Article, Edition, ReviewState
from articles.selectors import latest_revision_id
from publishing.editions import check_seal
from review import services
from review.errors import InvalidTransition
from review.models import ReviewEvent, SignOffPolicy
from review.translations import start_translation
from review.workflow import MOVES, REVIEWERS, refusal
from tests.factories import CHECKLIST_FIELDS
from tests.translation_fixtures import SPANISH_BODY, approve, new_english_edition, submit


def _post_move(client, article, name, **fields):
    data = {"seen_revision_id": latest_revision_id(article), **CHECKLIST_FIELDS, **fields}
    return client.post(f"/review/articles/{article.slug}/{name}/", data)


def test_an_author_starts_the_spanish_translation_from_the_review_page(client, author, original):
    client.force_login(author)
    page = client.get(f"/review/articles/{original.slug}/").content.decode()
    assert "Translate into Spanish" in page

    response = client.post(f"/review/articles/{original.slug}/translate/", {"language": "es"})

    translation = Article.objects.get(translation_of=original, language="es")
    assert response.status_code == 302
    assert response["Location"] == f"/review/articles/{original.slug}-es/"
    assert translation.slug == "platinum-first-es"
    assert translation.state == ReviewState.DRAFT
    assert translation.author == author
    assert translation.translates_edition == original.public_edition
    assert translation.body == original.body  # the English text, to translate
    page = client.get(response["Location"]).content.decode()
    assert "English edition 1" in page and "Spanish translation" in page
    assert "Started the Spanish translation of English edition 1." in page  # its timeline


def test_the_translation_prefills_the_reader_versions_and_topics(original, author, reviewer, seen):
    from articles.models import Topic
    from personalization.models import Audience, ReaderRole

    patient = ReaderRole.objects.create(
        slug="patient", label="Patient", audience=Audience.LAY, target_grade=8
    )
    topic = Topic.objects.create(name="Lung cancer", slug="lung-cancer")
    original.topics.add(topic)
    services.edit_variant(
        article=original, role=patient, by=author, seen_revision_id=seen(original),
        summary="Chemo first.", body="## Answer\n\nChemo comes first.[@nccn-2024]\n", comment="",
    )  # fmt: skip
    submit(original, by=author)
    approve(original, by=reviewer, note="A patient version.")

    translation = start_translation(original=original, by=author, language="es")

    assert (
        translation.variants.get(role=patient).body
        == "## Answer\n\nChemo comes first.[@nccn-2024]\n"
    )
    assert list(translation.topics.all()) == [topic]
    assert translation.translates_edition.number == 2


def test_only_writers_of_the_original_may_translate_it(client, reviewer, original):
    client.force_login(reviewer)
    page = client.get(f"/review/articles/{original.slug}/").content.decode()
    assert "Translate into Spanish" not in page
    response = client.post(f"/review/articles/{original.slug}/translate/", {"language": "es"})
    assert response.status_code == 403
    assert not Article.objects.filter(translation_of=original).exists()


def test_a_never_approved_article_is_not_translated(client, author, make_article):
    draft = make_article(slug="a-draft")
    client.force_login(author)
    response = client.post(
        f"/review/articles/{draft.slug}/translate/", {"language": "es"}, follow=True
    )
    assert "the board approves the English text first" in response.content.decode()
    assert not Article.objects.filter(translation_of=draft).exists()


def test_a_second_spanish_translation_is_refused(author, spanish_draft, original):
    with pytest.raises(InvalidTransition, match="already has a Spanish translation"):
        start_translation(original=original, by=author, language="es")


def test_a_reviewer_who_does_not_read_spanish_is_refused_with_the_reason(
    client, reviewer, bilingual, spanish_submitted
):
    client.force_login(reviewer)
    page = client.get(f"/review/articles/{spanish_submitted.slug}/").content.decode()
    assert "does not list Spanish among the languages you read" in page
    assert _post_move(client, spanish_submitted, "start_review").status_code == 403
    spanish_submitted.refresh_from_db()
    assert spanish_submitted.state == ReviewState.SUBMITTED

    client.force_login(bilingual)
    assert _post_move(client, spanish_submitted, "start_review").status_code == 302
    assert _post_move(client, spanish_submitted, "approve").status_code == 302
    spanish_submitted.refresh_from_db()
    assert spanish_submitted.state == ReviewState.APPROVED


def test_the_approve_button_names_the_language_for_a_reviewer_who_does_not_read_it(
    reviewer, bilingual, spanish_submitted
):
    services.make_move("start_review", article=spanish_submitted, by=bilingual,
                       seen_revision_id=latest_revision_id(spanish_submitted))  # fmt: skip
    refused = refusal(MOVES["approve"], article=spanish_submitted, user=reviewer)
    assert refused is not None and refused.offered
    assert "a reviewer who reads Spanish must review it" in refused.message


def test_the_translator_cannot_approve_their_own_translation(
    client, author, spanish_submitted, bilingual
):
    from accounts.models import ContributorProfile
    from tests.contributor_factories import with_disclosure

    author.groups.add(Group.objects.get_or_create(name=REVIEWERS)[0])
    with_disclosure(author)
    ContributorProfile.objects.filter(user=author).update(languages="en, es")
    services.make_move("start_review", article=spanish_submitted, by=bilingual,
                       seen_revision_id=latest_revision_id(spanish_submitted))  # fmt: skip
    client.force_login(author)
    response = _post_move(client, spanish_submitted, "approve")
    assert response.status_code == 403
    spanish_submitted.refresh_from_db()
    assert spanish_submitted.state == ReviewState.UNDER_REVIEW


def test_the_spanish_edition_records_and_seals_the_english_edition_it_translates(
    original, spanish_approved
):
    edition = spanish_approved.public_edition
    assert edition.translates == original.public_edition
    assert "translates_id" in edition.seals
    assert check_seal(edition) == []
    # An English edition keeps the seals it always had.
    assert "translates_id" not in original.public_edition.seals
    assert check_seal(original.public_edition) == []


def test_a_changed_translates_field_breaks_the_seal(original, spanish_approved):
    edition = Edition.objects.get(pk=spanish_approved.public_edition_id)
    edition.translates_id = None
    assert check_seal(edition) == ["translates_id differs from what was sealed"]


def test_approval_is_refused_while_the_english_original_is_withdrawn(
    client, reviewer, bilingual, original, spanish_submitted
):
    services.make_move("withdraw", article=original, by=reviewer, comment="Dose error.",
                       seen_revision_id=latest_revision_id(original))  # fmt: skip
    services.make_move("start_review", article=spanish_submitted, by=bilingual,
                       seen_revision_id=latest_revision_id(spanish_submitted))  # fmt: skip
    client.force_login(bilingual)
    response = _post_move(client, spanish_submitted, "approve")
    assert response.status_code == 400
    assert "The English original is withdrawn" in response.content.decode()


def test_an_english_edition_puts_the_translation_behind_and_update_moves_it(
    client, author, reviewer, original, spanish_approved
):
    new_english_edition(original, author=author, reviewer=reviewer)
    client.force_login(author)
    page = client.get(f"/review/articles/{spanish_approved.slug}/").content.decode()
    assert "Behind the English text" in page and "Update to English edition 2" in page

    response = client.post(
        f"/review/articles/{spanish_approved.slug}/translation/update/",
        {"seen_revision_id": latest_revision_id(spanish_approved)},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/review/articles/{spanish_approved.slug}/english-changes/"
    spanish_approved.refresh_from_db()
    assert spanish_approved.translates_edition.number == 2
    assert spanish_approved.state == ReviewState.DRAFT  # readers keep the approved Spanish text
    assert spanish_approved.public_edition.translates.number == 1


def test_update_from_a_stale_page_is_refused_and_changes_nothing(
    client, author, reviewer, original, spanish_approved
):
    new_english_edition(original, author=author, reviewer=reviewer)
    client.force_login(author)
    response = client.post(
        f"/review/articles/{spanish_approved.slug}/translation/update/",
        {"seen_revision_id": 1},
        follow=True,
    )
    assert "changed since you opened it" in response.content.decode()
    spanish_approved.refresh_from_db()
    assert spanish_approved.translates_edition.number == 1


def test_the_queue_lists_translations_behind_first_with_a_link_to_the_english_changes(
    client, author, reviewer, editor, original, spanish_approved, make_article
):
    other = make_article(slug="other-question", title="Another question?")
    submit(other, by=author)
    approve(other, by=reviewer)
    up_to_date = start_translation(original=other, by=author, language="es")
    new_english_edition(original, author=author, reviewer=reviewer)

    client.force_login(editor)
    page = client.get("/review/translations/").content.decode()

    assert page.index(spanish_approved.title) < page.index(up_to_date.title)
    assert "1 edition behind" in page and "Up to date" in page
    assert f"/review/articles/{spanish_approved.slug}/english-changes/" in page

    changes = client.get(f"/review/articles/{spanish_approved.slug}/english-changes/")
    html = changes.content.decode()
    assert changes.status_code == 200
    assert "English edition 1 → edition 2" in html
    assert "<ins>" in html and "immunotherapy." in html


def test_the_queue_needs_a_role_in_the_review_area(client, db):
    from tests.factories import UserFactory

    assert client.get("/review/translations/").status_code == 302  # to the sign-in page
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/review/translations/").status_code == 403


def test_the_queue_is_paged(client, editor, original, spanish_draft):
    client.force_login(editor)
    assert client.get("/review/translations/?page=2").status_code == 200  # the last page
    assert "1 translation" in client.get("/review/translations/").content.decode()


def test_withdrawing_the_original_withdraws_the_translation_on_its_timeline(
    reviewer, original, spanish_approved
):
    services.make_move("withdraw", article=original, by=reviewer, comment="A dose was wrong.",
                       seen_revision_id=latest_revision_id(original))  # fmt: skip
    spanish_approved.refresh_from_db()
    assert spanish_approved.is_withdrawn
    assert "Se retiró el artículo original en inglés" in spanish_approved.withdrawal_reason
    assert "A dose was wrong." in spanish_approved.withdrawal_reason
    notes = ReviewEvent.objects.filter(article=spanish_approved).values_list("comment", flat=True)
    assert any("Withdrawn with its English original" in note for note in notes)


def test_a_correction_withdraws_the_translation_until_it_is_updated(
    author, reviewer, bilingual, original, spanish_approved
):
    new_english_edition(original, author=author, reviewer=reviewer,
                        correction="The dose in edition 1 was wrong.")  # fmt: skip
    spanish_approved.refresh_from_db()
    assert spanish_approved.is_withdrawn
    assert "corrige un error clínicamente importante" in spanish_approved.withdrawal_reason
    notes = ReviewEvent.objects.filter(article=spanish_approved).values_list("comment", flat=True)
    assert any("Withdrawn until updated" in note for note in notes)

    # It comes back only as a translation of the corrected edition.
    services.edit_article(
        article=spanish_approved, by=author, seen_revision_id=latest_revision_id(spanish_approved),
        title=spanish_approved.title, summary=spanish_approved.summary,
        body=SPANISH_BODY + "\nDespués, inmunoterapia.\n", literature_current_through=None,
        comment="",
    )  # fmt: skip
    submit(spanish_approved, by=author)
    services.make_move("start_review", article=spanish_approved, by=bilingual,
                       seen_revision_id=latest_revision_id(spanish_approved))  # fmt: skip
    refused = refusal(MOVES["approve"], article=spanish_approved, user=bilingual)
    assert refused is not None and "English edition 2" in refused.message

    seen = latest_revision_id(spanish_approved)
    services.make_move("request_changes", article=spanish_approved, by=bilingual,
                       comment="Update it.", seen_revision_id=seen)  # fmt: skip
    from review.translations import update_to_edition

    update_to_edition(article=spanish_approved, by=author,
                      seen_revision_id=latest_revision_id(spanish_approved))  # fmt: skip
    submit(spanish_approved, by=author)
    approve(spanish_approved, by=bilingual, note="Actualizada a la edición 2.")
    assert not spanish_approved.is_withdrawn
    assert spanish_approved.public_edition.translates.number == 2


def test_a_policy_without_it_leaves_the_translation_up_and_behind(
    author, reviewer, original, spanish_approved
):
    SignOffPolicy.objects.create(topic=None, correction_withdraws_translations=False)
    new_english_edition(original, author=author, reviewer=reviewer,
                        correction="The dose in edition 1 was wrong.")  # fmt: skip
    spanish_approved.refresh_from_db()
    assert not spanish_approved.is_withdrawn


def test_an_admin_sets_the_languages_a_reviewer_reads(client, admin_user, reviewer):
    from accounts.models import ContributorProfile

    profile = ContributorProfile.objects.get(user=reviewer)
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/contributorprofile/{profile.pk}/change/")
    assert page.status_code == 200
    assert 'name="languages"' in page.content.decode()


def test_approval_is_refused_when_the_translation_names_another_articles_edition(
    author, reviewer, bilingual, spanish_submitted, make_article
):
    other = make_article(slug="other-question")
    submit(other, by=author)
    approve(other, by=reviewer)
    # As a mistaken admin form would leave it (the field is part of the text).
    Article.objects.filter(pk=spanish_submitted.pk).update(translates_edition=other.public_edition)
    services.make_move("start_review", article=spanish_submitted, by=bilingual,
                       seen_revision_id=latest_revision_id(spanish_submitted))  # fmt: skip
    spanish_submitted.refresh_from_db()
    refused = refusal(MOVES["approve"], article=spanish_submitted, user=bilingual)
    assert refused is not None
    assert "names no approved edition of its English original" in refused.message
