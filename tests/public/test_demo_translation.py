"""load_demo's Spanish translation: written from the demo's Spanish files against the English
text readers see provisionally, approved by the board's two Spanish-reading oncologists, then
left one English text behind when the English is clarified and shown provisionally again."""

import os

import frontmatter
import pytest
from django.core.management import call_command

from accounts.models import ContributorProfile
from articles.models import Article, Edition, ReviewState
from public.management.commands.load_demo import DEMO_REVISION, Command
from publishing.translations import lag_of
from review.models import ReviewEvent

ENGLISH = "nsclc-her2-exon-20-first-line"
SPANISH = f"{ENGLISH}-es"
SPANISH_PAGE = f"/es/articles/{ENGLISH}/"


def _load_demo(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "test-demo-password")
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)


@pytest.fixture
def demo(db, monkeypatch):
    _load_demo(monkeypatch)
    return Article.objects.get(slug=ENGLISH), Article.objects.get(slug=SPANISH)


def _state(english: Article, spanish: Article) -> dict:
    english.refresh_from_db()
    spanish.refresh_from_db()
    first, second = english.editions.order_by("pk")
    return {
        "english": (english.state, english.public_edition_id, english.live_revision_id),
        "english editions": [(e.kind, e.number) for e in (first, second)],
        "spanish": (spanish.state, spanish.language, spanish.translation_of_id),
        "spanish edition": (spanish.public_edition.kind, spanish.public_edition.number),
        "translates": (spanish.translates_edition_id, spanish.public_edition.translates_id),
        "A": first.pk,
        "B": second.pk,
    }


def test_the_demo_leaves_english_pending_and_spanish_approved_one_english_text_behind(demo):
    english, spanish = demo
    state = _state(english, spanish)
    pending = Edition.Kind.PENDING
    assert state["english"] == (ReviewState.SUBMITTED, state["B"], None)
    assert state["english editions"] == [(pending, None), (pending, None)]
    assert state["spanish"] == (ReviewState.APPROVED, "es", english.pk)
    assert state["spanish edition"] == (Edition.Kind.APPROVED, 1)
    assert state["translates"] == (state["A"], state["A"])  # the first English text, not B's

    first, second = english.editions.order_by("pk")
    assert DEMO_REVISION[1] in english.body
    assert second.revision_id == english.submitted_revision_id != first.revision_id

    # Both sign-offs from oncologists who read Spanish (the oncology policy asks two).
    signed = [a["username"] for a in spanish.public_edition.approvers]
    assert sorted(signed) == ["reviewer", "reviewer2"]
    for username in signed:
        assert ContributorProfile.objects.get(user__username=username).reads("es")

    lag = lag_of(spanish.public_edition)
    assert lag.behind == 1 and lag.awaiting_review
    assert (lag.translated_number, lag.current_number) == (None, None)
    assert lag.updated_at == second.published_at


def test_the_spanish_texts_come_from_the_demo_files(demo):
    from articles.importing import read_article_file
    from public.management.commands.load_demo import DEMO_TRANSLATIONS

    _, spanish = demo
    path, [patient_path] = DEMO_TRANSLATIONS["es"]
    source = read_article_file(path)
    assert (spanish.title, spanish.summary) == (source.title, source.summary)
    assert spanish.body.strip() == source.body.strip()
    patient, written = spanish.variants.get(role__slug="patient"), frontmatter.load(patient_path)
    assert (patient.summary, patient.body.strip()) == (written["summary"], written.content.strip())


def test_load_demo_twice_changes_nothing(demo, monkeypatch):
    english, spanish = demo
    before = _state(english, spanish)
    counts = (ReviewEvent.objects.count(), Edition.objects.count(), Article.objects.count())
    _load_demo(monkeypatch)
    assert _state(english, spanish) == before
    assert (ReviewEvent.objects.count(), Edition.objects.count(), Article.objects.count()) == (
        counts
    )


def test_load_demo_on_a_database_loaded_before_translations_adds_them(db, monkeypatch):
    # As the command was before translations: no Spanish, and only reviewer2 read Spanish.
    monkeypatch.setattr(Command, "_translations", lambda self, article, users: None)
    _load_demo(monkeypatch)
    ContributorProfile.objects.filter(user__username="reviewer").update(languages="en")
    english = Article.objects.get(slug=ENGLISH)
    assert english.editions.count() == 1 and not Article.objects.filter(slug=SPANISH).exists()

    monkeypatch.undo()
    _load_demo(monkeypatch)

    spanish = Article.objects.get(slug=SPANISH)
    state = _state(english, spanish)
    assert state["english"][0] == ReviewState.SUBMITTED
    assert state["spanish"][0] == ReviewState.APPROVED
    assert state["translates"] == (state["A"], state["A"])
    assert lag_of(spanish.public_edition).behind == 1


def test_the_spanish_page_shows_the_spanish_text_the_caution_and_the_lag(client, demo):
    english, spanish = demo
    response = client.get(SPANISH_PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert spanish.title in html and "doblete de quimioterapia" in html
    # The English original's caution and tracker, in Spanish: it waits in Submitted.
    assert "todavía está pendiente de revisión" in html
    assert '<li class="step current" aria-current="step">Enviado</li>' in html
    assert 'aria-current="step">Approved</li>' not in html
    # One English text behind: its date, and a link to the English page.
    when = english.public_edition.published_at
    assert "El texto original en inglés se actualizó" in html
    assert f'datetime="{when:%Y-%m-%d}"' in html
    assert f'href="/articles/{ENGLISH}/" hreflang="en"' in html
    assert "publicado provisionalmente" in html

    english_page = client.get(f"/articles/{ENGLISH}/").content.decode()
    assert "waiting for review" in english_page and "In DESTINY-Lung01, 86%" in english_page


def test_the_translators_queue_lists_it_behind_with_the_english_changes(client, demo):
    from accounts.models import User

    client.force_login(User.objects.get(username="editor"))
    queue = client.get("/review/translations/").content.decode()
    assert "1 edition behind" in queue
    assert "the English text published provisionally on" in queue
    assert f"/review/articles/{SPANISH}/english-changes/" in queue

    changes = client.get(f"/review/articles/{SPANISH}/english-changes/")
    html = changes.content.decode()
    assert changes.status_code == 200
    assert "Removed words are struck through" in html
    diff = html.split('id="diff-title"')[1]
    assert "<del>that trial, </del><ins>DESTINY-Lung01, </ins>" in diff

    # The translator moves the draft on to that text: the changes stay in view until the
    # updated translation is approved (they are what is left to carry over).
    from articles.selectors import latest_revision_id

    spanish = Article.objects.get(slug=SPANISH)
    client.post(
        f"/review/articles/{SPANISH}/translation/update/",
        {"seen_revision_id": latest_revision_id(spanish)},
    )
    spanish.refresh_from_db()
    assert spanish.translates_edition_id == Article.objects.get(slug=ENGLISH).public_edition_id
    diff = client.get(f"/review/articles/{SPANISH}/english-changes/").content.decode()
    assert "<del>that trial, </del><ins>DESTINY-Lung01, </ins>" in diff


def test_the_spanish_page_names_roles_and_warns_in_spanish(client, demo):
    from public.demo import disclaimers

    html = client.get(f"{SPANISH_PAGE}?role=patient").content.decode()
    assert '<option value="patient" selected>Paciente</option>' in html
    assert disclaimers.LAY_ES[0] in html and disclaimers.LAY[0] not in html
    english = client.get(f"/articles/{ENGLISH}/?role=patient").content.decode()
    assert '<option value="patient" selected>Patient</option>' in english
    assert disclaimers.LAY[0] in english and disclaimers.LAY_ES[0] not in english


def test_the_spanish_patient_page_explains_terms_in_spanish(client, demo):
    html = client.get(f"{SPANISH_PAGE}?role=patient").content.decode()
    assert '<span class="visually-hidden">significado: </span>' in html
    assert "meaning: " not in html and "A gene that helps cells grow" not in html
    english = client.get(f"/articles/{ENGLISH}/?role=patient").content.decode()
    assert '<span class="visually-hidden">meaning: </span>' in english
