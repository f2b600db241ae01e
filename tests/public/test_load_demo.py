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
    events = ReviewEvent.objects.filter(article=article).order_by("pk")
    assert [(e.action, e.actor.username) for e in events] == [
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
