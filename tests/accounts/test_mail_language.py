"""Staff e-mails are written in the language each person chose (`preferred_language`), whatever
page or task wrote them; without a choice, in English as before. (Run with the catalogues
compiled: `make messages`.)"""

from datetime import timedelta

import pytest

from outbox.models import Email
from public.language import LANGUAGE_COOKIE
from review import services, specialists, tasks
from review.models import ReviewAssignment
from tests.translation_fixtures import submit, translate


@pytest.fixture
def submitted(make_article, author, seen):
    article = make_article(title="What comes first?")
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    return article


def _prefers(user, language: str):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


def test_a_reviewer_who_chose_spanish_is_asked_to_review_in_spanish(
    submitted, reviewer, reviewer2, admin_user
):
    _prefers(reviewer, "es")

    services.assign_reviewer(article=submitted, reviewer=reviewer, by=admin_user)
    services.assign_reviewer(article=submitted, reviewer=reviewer2, by=admin_user)

    assert Email.objects.get(recipient=reviewer).subject == "Revise, por favor: What comes first?"
    english = Email.objects.get(recipient=reviewer2)
    assert english.subject == "Please review: What comes first?"
    assert english.body.startswith(f"{admin_user.public_name} assigned a reviewer \u201cWhat")


def test_due_reminders_are_in_each_reviewers_language(submitted, reviewer, reviewer2, admin_user):
    _prefers(reviewer, "es")
    for person in (reviewer, reviewer2):
        services.assign_reviewer(article=submitted, reviewer=person, by=admin_user)
    due = ReviewAssignment.objects.get(reviewer=reviewer).due_on

    tasks.remind_assignments_due(today=str(due - timedelta(days=2)))

    spanish = Email.objects.get(dedupe_key__startswith="assignment-due:", recipient=reviewer)
    assert spanish.subject.startswith("Revisión pendiente para el ")
    assert f"{due.day} de " in spanish.subject and "de 2" in spanish.subject  # "3 de junio de 2026"
    assert spanish.body.startswith("Su revisión de «What comes first?» vence el ")
    english = Email.objects.get(dedupe_key__startswith="assignment-due:", recipient=reviewer2)
    assert english.subject == f"Review due on {due:%B} {due.day}, {due.year}: What comes first?"


def test_a_specialist_is_asked_in_the_language_of_the_article(original, author, editor):
    spanish = translate(original, by=author, title="¿Qué va primero?")
    submit(spanish, by=author)

    specialists.invite_specialist(
        article=spanish, by=editor, name="Dra. Ruiz", email="ruiz@example.net", credentials="MD"
    )

    invitation = Email.objects.get(to="ruiz@example.net")
    assert invitation.subject == "Le pedimos su opinión sobre: ¿Qué va primero?"
    assert invitation.body.startswith("Estimado/a Dra. Ruiz:\n\n")
    assert "le rogamos que no lo reenvíe" in invitation.body


def test_a_password_reset_is_written_in_the_accounts_language(
    client, reviewer, django_capture_on_commit_callbacks
):
    _prefers(reviewer, "es")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"email": reviewer.email})

    email = Email.objects.get(recipient=reviewer)
    assert email.subject == "Restablezca su contraseña de Vetted"
    assert "Para elegir una contraseña nueva, abra este enlace" in email.body
    assert "durante 1 hora:" in email.body


def test_a_password_reset_asked_from_a_spanish_page_follows_the_account_not_the_page(
    client, reviewer, django_capture_on_commit_callbacks
):
    client.cookies[LANGUAGE_COOKIE] = "es"  # the page is in Spanish, the account never chose

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/accounts/password-reset/", {"email": reviewer.email}, follow=True)

    assert "Revise su correo electrónico" in page.text
    email = Email.objects.get(recipient=reviewer)
    assert email.subject == "Reset your Vetted password"
    assert "within 1 hour:" in email.body


def test_a_review_move_is_told_to_the_author_in_their_language(submitted, author, reviewer, seen):
    _prefers(author, "es")
    services.make_move("start_review", article=submitted, by=reviewer,
                       seen_revision_id=seen(submitted))  # fmt: skip
    services.make_move("request_changes", article=submitted, by=reviewer, comment="Cite NCCN.",
                       seen_revision_id=seen(submitted))  # fmt: skip

    told = Email.objects.get(recipient=author, subject__contains="What comes first?")
    assert told.subject == "Cambios solicitados: What comes first?"
    said = f"{reviewer.public_name} — solicitó cambios: «What comes first?»."
    assert told.body == f"{said}\n\nCite NCCN."


def test_a_comment_on_a_passage_is_told_to_the_author_in_their_language(
    submitted, author, reviewer, seen
):
    from review import comment_services

    _prefers(author, "es")
    services.make_move("start_review", article=submitted, by=reviewer,
                       seen_revision_id=seen(submitted))  # fmt: skip
    comment_services.comment_on_passage(
        article=submitted, by=reviewer, role=None, quote="Platinum doublet first.",
        body="Cite the trial.",
    )  # fmt: skip

    told = Email.objects.get(recipient=author, subject__startswith="Comentario")
    assert told.subject == "Comentario sobre «What comes first?»"
    assert told.body.startswith(f"{reviewer.public_name} escribió sobre «What comes first?»:\n\n")
