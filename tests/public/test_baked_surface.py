"""The baked site follows the publication log: each act re-bakes the article it names, a change
of surroundings the pages that show it (in the background, with its progress), and nothing else
ever touches the files: not an edit, not a late or repeated entry after a withdrawal."""

import threading

import pytest
from django.db import connections
from django.test import Client

from personalization.models import ReaderRole
from public import baking
from publishing import delivery as log
from publishing import surfaces
from publishing.models import Delivery, PublicationEntry
from review import services
from tests.factories import SIGNED_CHECKLIST
from tests.translation_fixtures import approve, submit, translate

Kind = PublicationEntry.Kind


@pytest.fixture
def bake(tmp_path, settings):
    settings.VETTED_BAKE_DIR = str(tmp_path / "baked")
    return tmp_path / "baked"


@pytest.fixture
def lay_disclaimer(db):
    from articles.models import Disclaimer

    return Disclaimer.objects.create(audience="lay", title="Please read",
                                     body="Not advice for you.")  # fmt: skip


@pytest.fixture
def approved(bake, make_article, author, reviewer, seen, professional_disclaimer, lay_disclaimer,
             django_capture_on_commit_callbacks):  # fmt: skip
    ReaderRole.objects.create(slug="patient", label="Patient", audience="lay", target_grade=8)
    ReaderRole.objects.create(slug="physician", label="Physician", audience="professional",
                              target_grade=16)  # fmt: skip
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):  # each commit: its delivery runs
        for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
            services.make_move(
                name,
                article=article,
                by=by,
                seen_revision_id=seen(article),
                checklist=SIGNED_CHECKLIST,
            )
    return article


def _pages(bake, article) -> dict[str, str]:
    here = bake / "articles" / article.slug
    return {
        str(path.relative_to(here)): path.read_text()
        for path in sorted(here.rglob("*"))
        if path.is_file()
    }


def test_an_approval_bakes_every_role_and_a_withdrawal_leaves_only_the_notice(
    bake, approved, reviewer, seen, django_capture_on_commit_callbacks
):
    pages = _pages(bake, approved)
    assert set(pages) == {"index.html", "for/patient/index.html", "for/physician/index.html"}
    assert "Platinum doublet first." in pages["index.html"]
    with django_capture_on_commit_callbacks(execute=True):
        services.make_move("withdraw", article=approved, by=reviewer, comment="A dosing error",
                           seen_revision_id=seen(approved))  # fmt: skip
    pages = _pages(bake, approved)
    assert set(pages) == {"gone", "gone.html"} and "A dosing error" in pages["gone.html"]


def test_an_earlier_bake_delivered_after_the_withdrawal_cannot_put_the_page_back(
    bake, approved, reviewer, seen
):
    publish = Delivery.objects.get(entry__kind=Kind.PUBLISH)
    Delivery.objects.filter(pk=publish.pk).update(status="queued")  # as if never applied
    services.make_move("withdraw", article=approved, by=reviewer, comment="A dosing error",
                       seen_revision_id=seen(approved))  # fmt: skip
    log.deliver(delivery_id=Delivery.objects.get(entry__kind=Kind.WITHDRAW).pk)
    assert log.deliver(delivery_id=publish.pk) == "applied"  # the late one, last
    assert set(_pages(bake, approved)) == {"gone", "gone.html"}


def test_a_draft_edit_touches_no_baked_file(
    bake, approved, author, seen, django_capture_on_commit_callbacks
):
    before = {path: path.stat().st_mtime_ns for path in bake.rglob("*.html")}
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_article(
            article=approved, by=author, seen_revision_id=seen(approved), title="Reworded?",
            summary="New.", body="A draft claim.", literature_current_through=None, comment="",
        )  # fmt: skip
    assert {path: path.stat().st_mtime_ns for path in bake.rglob("*.html")} == before
    assert "A draft claim" not in "".join(_pages(bake, approved).values())


def test_a_lay_disclaimer_edit_republishes_only_the_lay_pages_in_the_background(
    bake, approved, admin_user, lay_disclaimer, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no broker: the sweep, never the request, runs it
    here = bake / "articles" / approved.slug
    shown = (here / "index.html", here / "for/physician/index.html")
    professional = {path: path.stat().st_mtime_ns for path in shown}
    admin = Client()
    admin.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"/admin/articles/disclaimer/{lay_disclaimer.pk}/change/",
            {"audience": "lay", "title": "Please read", "body": "Ask your own care team."},
        )
    assert response.status_code == 302
    # Readers of the Django path see it at once; the baked copy waits for the worker, which
    # the request did not run (tasks are eager here: a whole-site job never runs in a request).
    assert (
        "Ask your own care team."
        in Client().get(f"/articles/{approved.slug}/for/patient/").content.decode()
    )
    entry = PublicationEntry.objects.get(kind=Kind.SURROUNDINGS)
    assert entry.part == "lay" and entry.actor == admin_user
    delivery = entry.deliveries.get()
    assert delivery.status == "queued"
    assert "Ask your own care team." not in (here / "for/patient/index.html").read_text()

    assert log.sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == "applied" and (delivery.done, delivery.total) == (1, 1)
    assert "Ask your own care team." in (here / "for/patient/index.html").read_text()
    assert {p: p.stat().st_mtime_ns for p in professional} == professional
    # Rewritten in place, the page is the one a whole new bake would write, byte for byte.
    fresh = bake.parent / "fresh"
    baking.bake_article(fresh, approved.slug)
    assert _pages(bake, approved) == _pages(fresh, approved)


def test_a_disclaimer_edit_rewrites_the_spanish_pages_with_its_spanish_text(
    bake, approved, author, bilingual, admin_user, lay_disclaimer, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        spanish = translate(approved, by=author, title="¿Qué va primero?")
        submit(spanish, by=author)
        approve(spanish, by=bilingual)
    page = bake / "es" / "articles" / approved.slug / "for" / "patient" / "index.html"
    assert "¿Qué va primero?" in page.read_text() and '<html lang="es">' in page.read_text()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    admin = Client()
    admin.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"/admin/articles/disclaimer/{lay_disclaimer.pk}/change/",
            {"audience": "lay", "title": "Please read", "body": "Ask your own care team.",
             "title_es": "Léalo, por favor", "body_es": "Consulte a su propio equipo médico."},
        )  # fmt: skip
    assert response.status_code == 302
    assert log.sweep() == 1
    spanish_page = page.read_text()
    assert "Consulte a su propio equipo médico." in spanish_page
    assert "Ask your own care team." not in spanish_page and '<html lang="es">' in spanish_page
    english = (bake / "articles" / approved.slug / "for" / "patient" / "index.html").read_text()
    assert "Ask your own care team." in english and "Consulte" not in english


@pytest.mark.needs_postgres
def test_a_bake_that_began_before_a_withdrawal_finishes_before_the_withdrawal_is_baked(
    transactional_db, bake, make_article, author, reviewer, seen, professional_disclaimer,
    monkeypatch,
):  # fmt: skip
    """Two workers, one article: the bake of the publication has read the pointer and is
    rendering when the withdrawal commits and its own bake starts. The article's lock makes the
    second wait, read the pointer afresh and leave the notice, never the page."""
    from public import views

    article = make_article()
    for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        services.make_move(
            name, article=article, by=by, seen_revision_id=seen(article), checklist=SIGNED_CHECKLIST
        )
    rendering, go_on = threading.Event(), threading.Event()
    render = views.anonymous_page

    def slow(pointer, *args, **kwargs):
        if not pointer.is_withdrawn and threading.current_thread().name == "first":
            rendering.set()
            go_on.wait(10)
        return render(pointer, *args, **kwargs)

    monkeypatch.setattr(views, "anonymous_page", slow)

    def bake_in_a_thread(name: str) -> threading.Thread:
        def run() -> None:
            try:
                baking.bake_article(bake, article.slug)
            finally:
                connections.close_all()

        thread = threading.Thread(target=run, name=name)
        thread.start()
        return thread

    first = bake_in_a_thread("first")
    assert rendering.wait(10)
    with monkeypatch.context() as patched:  # the two bakes are the workers' here, not the log's
        patched.setattr(surfaces, "_registry", {})
        services.make_move("withdraw", article=article, by=reviewer, comment="A dosing error",
                           seen_revision_id=seen(article))  # fmt: skip
    second = bake_in_a_thread("second")
    second.join(1)  # without the lock it would finish now, and the first would then undo it
    go_on.set()
    first.join(10)
    second.join(10)
    assert set(_pages(bake, article)) == {"gone", "gone.html"}
