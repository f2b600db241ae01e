"""load_demo: the demo article as the seed page shows it, however often the command runs."""

import os

from django.core.management import call_command

from articles.models import Article, Edition, ReviewState
from review.models import ReviewEvent

SLUG = "nsclc-her2-exon-20-first-line"


def _load_demo(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "test-demo-password")
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)


def test_load_demo_leaves_the_article_submitted_and_shown_with_the_caution(client, db, monkeypatch):
    _load_demo(monkeypatch)
    article = Article.objects.get(slug=SLUG)
    assert article.state == ReviewState.SUBMITTED and article.live_revision_id is None
    assert article.public_edition.kind == Edition.Kind.PENDING
    assert article.public_edition.revision_id == article.submitted_revision_id
    events = ReviewEvent.objects.filter(article=article).exclude(action="comment")
    # Shown provisionally, translated into Spanish (tests/public/test_demo_translation.py),
    # then clarified at the board's request and shown provisionally again.
    assert [(e.action, e.actor.username) for e in events.order_by("pk")] == [
        ("submit", "author"),
        ("publish_provisionally", "editor"),
        ("start_review", "reviewer"),
        ("request_changes", "reviewer"),
        ("edit", "author"),
        ("submit", "author"),
        ("publish_provisionally", "editor"),
    ]

    response = client.get(f"/articles/{SLUG}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "waiting for review" in html and "Approved by" not in html
    assert 'aria-current="step">Submitted</li>' in html
    assert "1 result for" in client.get("/search/", {"q": "HER2 exon 20"}).content.decode()


def test_load_demo_runs_again_without_moving_the_article(db, monkeypatch):
    _load_demo(monkeypatch)
    before = (ReviewEvent.objects.count(), Edition.objects.count())
    _load_demo(monkeypatch)
    assert (ReviewEvent.objects.count(), Edition.objects.count()) == before
    assert Article.objects.get(slug=SLUG).state == ReviewState.SUBMITTED


def test_load_demo_prints_no_mail_and_ends_with_who_can_sign_in(db, monkeypatch, mailoutbox):
    """`make run` prints the password line after load_demo: nothing load_demo prints may bury
    it, the console mailer's copies of the setup's notices included."""
    from io import StringIO

    from outbox.models import Email
    from public.management.commands.load_demo import DEMO_USERS

    monkeypatch.setenv("DEMO_PASSWORD", "test-demo-password")
    out = StringIO()
    call_command("load_demo", stdout=out)

    assert mailoutbox == []  # nothing reached a mailer, so the console prints nothing
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[-1].startswith("Demo loaded:")
    assert all(username in lines[-1] for username, *_ in DEMO_USERS)
    notices = Email.objects.all()
    assert notices.exists()  # kept in the outbox, settled with the reason
    assert {(e.status, e.last_error.startswith("Not sent")) for e in notices} == {("sent", True)}


def test_make_runs_demo_users_line_names_every_demo_user():
    from pathlib import Path

    from public.management.commands.load_demo import DEMO_USERS

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    [line] = [line for line in makefile.splitlines() if "Demo users:" in line]
    named = line.split("Demo users:")[1].split(";")[0]
    assert sorted(n.strip() for n in named.split(",")) == sorted(u for u, *_ in DEMO_USERS)


def test_every_demo_reviewer_has_a_public_page_and_a_disclosure_in_force(db, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User
    from contributors.models import Disclosure
    from review.workflow import REVIEWERS

    _load_demo(monkeypatch)
    today = timezone.localdate()
    reviewers = User.objects.filter(groups__name=REVIEWERS).order_by("username")
    assert [user.username for user in reviewers] == ["reviewer", "reviewer2"]
    for user in reviewers:
        assert user.contributor_profile.is_public
        assert not Disclosure.objects.current_for(user.pk).is_due_for_renewal(today)
    assert User.objects.get(username="reviewer2").contributor_profile.slug == "tomas-lind"

    # Loaded again a year on: each lapsed disclosure is renewed, none is added twice.
    Disclosure.objects.update(declared_on=today - timedelta(days=400))
    _load_demo(monkeypatch)
    _load_demo(monkeypatch)
    assert Disclosure.objects.filter(declared_on=today).count() == 2


def test_the_demo_reviewers_byline_links_to_their_page(client, db, monkeypatch):
    from accounts.models import User
    from articles.selectors import latest_revision_id
    from review.services import make_move
    from tests.factories import SIGNED_CHECKLIST

    _load_demo(monkeypatch)
    article = Article.objects.get(slug=SLUG)
    reviewer, reviewer2 = (User.objects.get(username=name) for name in ("reviewer", "reviewer2"))
    make_move("start_review", article=article, by=reviewer2,
              seen_revision_id=latest_revision_id(article))  # fmt: skip
    for by in (reviewer2, reviewer):  # the oncology topic needs two sign-offs
        make_move("approve", article=article, by=by, seen_revision_id=latest_revision_id(article),
                  checklist=SIGNED_CHECKLIST)  # fmt: skip
    html = client.get(f"/articles/{SLUG}/").content.decode()
    assert '<a href="/contributors/tomas-lind/">Dr. Tomas Lind</a>' in html
    assert client.get("/contributors/tomas-lind/").status_code == 200


def test_load_demo_gives_roles_disclaimers_and_glossary_their_spanish_texts(db, monkeypatch):
    from articles.models import Disclaimer
    from personalization.models import GlossaryTerm, ReaderRole

    _load_demo(monkeypatch)
    roles = ReaderRole.objects.order_by("order")
    assert [role.label_for("es") for role in roles] == [
        "Paciente", "Cuidador/a o familiar", "Estudiante",
        "Enfermería u otra profesión sanitaria", "Médico/a",
    ]  # fmt: skip
    assert all(role.description_for("es") != role.description for role in roles)
    lay = Disclaimer.for_audience(Disclaimer.Audience.LAY, "es")
    assert lay.language == "es" and "número de emergencias" in lay.html
    professional = Disclaimer.for_audience(Disclaimer.Audience.PROFESSIONAL, "es")
    assert "profesionales de la salud" in professional.html
    spanish = GlossaryTerm.objects.terms_for("es")
    assert len(spanish) == GlossaryTerm.objects.count() > 30
    assert "inmunoterapia" in {term.term for term in spanish}


def test_load_demo_adds_the_spanish_texts_to_a_demo_loaded_before_them(db, monkeypatch):
    """A database loaded before Spanish existed gets the Spanish texts; the English texts an
    admin edited stay as they are, and so does a Spanish text an admin wrote."""
    from reversion.models import Version

    from articles.models import Disclaimer
    from personalization.models import GlossaryTerm, ReaderRole
    from publishing.models import Surroundings

    _load_demo(monkeypatch)
    ReaderRole.objects.update(label_es="", description_es="")
    Disclaimer.objects.update(title_es="", body_es="", body_html_es="")
    GlossaryTerm.objects.update(term_es="", aliases_es="", explanation_es="")
    ReaderRole.objects.filter(slug="patient").update(label="Person with the condition")
    ReaderRole.objects.filter(slug="student").update(label_es="Alumno/a")
    roles_before = Surroundings.objects.get(pk=1).roles

    _load_demo(monkeypatch)
    patient = ReaderRole.objects.get(slug="patient")
    assert (patient.label, patient.label_for("es")) == ("Person with the condition", "Paciente")
    assert ReaderRole.objects.get(slug="student").label_for("es") == "Alumno/a"
    assert "equipo médico" in Disclaimer.for_audience(Disclaimer.Audience.LAY, "es").html
    assert len(GlossaryTerm.objects.terms_for("es")) == GlossaryTerm.objects.count()
    assert Version.objects.get_for_object(patient).first().field_dict["label_es"] == "Paciente"
    assert Surroundings.objects.get(pk=1).roles > roles_before  # cached pages are replaced


def test_load_demo_run_twice_changes_no_spanish_text_and_writes_no_revision(db, monkeypatch):
    from reversion.models import Revision

    from articles.models import Disclaimer
    from personalization.models import GlossaryTerm, ReaderRole

    def spanish():
        return (
            list(ReaderRole.objects.values_list("slug", "label_es", "description_es")),
            list(Disclaimer.objects.values_list("audience", "title_es", "body_html_es")),
            list(GlossaryTerm.objects.values_list("term", "term_es", "explanation_es")),
        )

    _load_demo(monkeypatch)
    before, revisions = spanish(), Revision.objects.count()
    _load_demo(monkeypatch)
    assert spanish() == before and Revision.objects.count() == revisions
