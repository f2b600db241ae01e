"""generate_articles writes what the review moves would have written, fast enough to trust at scale:
readers, reviewers and verify_editions cannot tell its articles from ones made by hand."""

import random
from collections import Counter, defaultdict

import pytest
from django.core import serializers
from django.core.management import call_command
from django.utils.html import escape
from reversion.models import Version
from reversion.revisions import _get_options

from articles.models import (
    Article,
    Citation,
    Edition,
    EditionReference,
    PublicCitation,
    PublicReferenceUse,
    ReviewState,
    cited_keys,
)
from articles.rendering import render_body
from public.generator import vocabulary as words
from public.generator.material import BodyTemplate
from review.models import ReviewAssignment, ReviewEvent

CAUTION = "still waiting for review"


@pytest.fixture
def generate(author, reviewer):
    """Run the command as an operator would, reusing the demo's author and reviewer."""

    def run(count: int, *args: str) -> list[Article]:
        before = set(Article.objects.values_list("pk", flat=True))
        call_command("generate_articles", count, *args, stdout=open("/dev/null", "w"))  # noqa: SIM115
        return list(Article.objects.exclude(pk__in=before).select_related("public_edition"))

    return run


def test_generates_the_state_mix_and_readers_see_what_each_state_shows(generate, client):
    articles = generate(30)

    states = Counter(a.state for a in articles)
    assert len(articles) == 30
    assert set(states) == set(ReviewState)
    assert 15 <= states[ReviewState.APPROVED] <= 24
    for article in articles:
        response = client.get(article.get_absolute_url())
        if article.state == ReviewState.DRAFT:
            assert response.status_code == 404
        elif article.state == ReviewState.WITHDRAWN:
            assert response.status_code == 410
        else:
            assert response.status_code == 200, article.slug
            edition = article.public_edition
            assert escape(edition.title) in response.content.decode()
            assert (CAUTION in response.content.decode()) == (not edition.is_approved)
        if article.state == ReviewState.APPROVED:
            assert article.public_edition.revision_id == article.live_revision_id
            assert article.public_edition.number == article.editions.approved().count()
            assert article.published_at == article.approved_at
    never_approved = [a for a in articles if a.public_edition_id and not a.live_revision_id]
    assert never_approved, "some articles are shown with the caution"


def test_writers_made_for_a_database_without_the_demo_have_public_pages(db, client):
    from public.generator import material

    made = material.cast()
    for person in [*made.authors, *made.reviewers]:
        slug = person.contributor_profile.slug
        assert client.get(f"/contributors/{slug}/").status_code == 200


def test_the_dashboard_lists_what_awaits_review(generate, client, reviewer):
    articles = generate(30)
    client.force_login(reviewer)

    page = client.get("/review/").content.decode()

    waiting = [a for a in articles if a.state in (ReviewState.SUBMITTED, ReviewState.UNDER_REVIEW)]
    assert waiting
    for article in waiting:
        assert escape(article.title) in page
    # Their reviewers' queues are kept as the review moves keep them.
    open_states = (ReviewState.UNDER_REVIEW, ReviewState.CHANGES_REQUESTED)
    assigned = ReviewAssignment.objects.filter(article__in=articles)
    assert assigned.exists()
    for assignment in assigned.select_related("article"):
        queued = assignment.article.state in open_states
        expected = assignment.article.state_changed_at if queued else None
        assert assignment.queued_since == expected, assignment.article.slug


def test_runs_twice_without_slug_collisions(generate):
    first, second = generate(30), generate(30)

    slugs = {a.slug for a in first} | {a.slug for a in second}
    assert len(slugs) == 60
    assert {a.slug for a in second} == {f"gen-1-{n}" for n in range(30, 60)}


def test_rows_are_those_the_services_would_write(generate):
    articles = generate(30)

    call_command("verify_editions", stdout=open("/dev/null", "w"))  # noqa: SIM115 (raises if not)
    # Each article's newest versions are what django-reversion serializes from its rows now (as
    # of that revision: the later moves saved the row again, with no revision written).
    for article in Article.objects.filter(pk__in=[a.pk for a in articles]):
        newest = Version.objects.get_for_object(article).order_by("-revision_id").first()
        article.updated_at = newest.revision.date_created
        opts = _get_options(Article)
        assert newest.serialized_data == serializers.serialize(
            opts.format, [article], fields=opts.fields
        )
        assert newest.object_repr == str(article)
        for citation in article.citations.all():
            version = Version.objects.get_for_object(citation).get(revision=newest.revision)
            assert version.serialized_data == serializers.serialize(
                "json", [citation], fields=_get_options(Citation).fields
            )
    # Events follow one another, and the last move left the article in its state.
    events = defaultdict(list)
    for event in ReviewEvent.objects.filter(article__in=articles).order_by("created_at", "pk"):
        events[event.article_id].append(event)
    for article in articles:
        state = ReviewState.DRAFT
        for event in events[article.pk]:
            assert event.from_state == state, article.slug
            state = event.to_state
        assert state == article.state
    approvals = ReviewEvent.objects.filter(article__in=articles, action="approve")
    assert approvals.count() == Edition.objects.approved().filter(article__in=articles).count()
    # Each edition's cited keys, as publishing.editions indexes them.
    for edition in Edition.objects.filter(article__in=articles):
        indexed = EditionReference.objects.filter(edition=edition)
        assert sorted(indexed.values_list("key", flat=True)) == sorted(
            cited_keys(edition.renditions)
        )
        assert {row.published_at for row in indexed} <= {edition.published_at}
    # Each article carries its public edition's review date, as publishing.editions sets it.
    for article in Article.objects.filter(pk__in=[a.pk for a in articles]):
        edition = article.public_edition
        assert article.next_review_due == (edition.next_review_due if edition else None)
    # Each approved edition's credits, as publishing.editions.credit writes them.
    for edition in Edition.objects.approved().filter(article__in=articles):
        credits = set(edition.credits.values_list("user_id", "role", "published_at"))
        assert credits == {
            (edition.article.author_id, "author", edition.published_at),
            (edition.approved_by_id, "signed_off", edition.published_at),
        }
    # The references readers are shown, as publishing.citations keeps them on publish.
    shown = Article.objects.filter(pk__in=[a.pk for a in articles], live_revision__isnull=False,
                                   withdrawn_at__isnull=True)  # fmt: skip
    expected = {
        (article.pk, ref.key)
        for article in shown
        for ref in EditionReference.objects.filter(edition=article.public_edition)
    }
    assert expected and set(PublicCitation.objects.values_list("article_id", "key")) == expected
    counted = Counter(key for _, key in expected)
    assert dict(PublicReferenceUse.objects.values_list("key", "articles")) == counted


def test_one_article_with_many_versions(generate, client, reviewer):
    (article,) = generate(0, "--versions-of-one", "120")

    assert article.slug.endswith("-many-versions")
    assert article.state == ReviewState.SUBMITTED
    assert Version.objects.get_for_object(article).count() == 120
    assert list(article.editions.approved().values_list("number", flat=True)) == [2, 1]
    client.force_login(reviewer)
    assert client.get(f"/review/articles/{article.slug}/").status_code == 200
    assert client.get(f"/review/articles/{article.slug}/history/").status_code == 200


def test_every_body_template_renders_like_its_markdown():
    rng = random.Random(7)
    keys = {slot: f"key-{slot}" for slot in words.CITATION_SLOTS}
    for markdown in words.body_templates(rng, 60):
        template, values = BodyTemplate.render(markdown), words.article_values(rng)
        rendered = render_body(template.body(values, keys), frozenset(keys.values()))
        assert template.fill(template.html, values) == rendered.html
        assert rendered.cited_keys == tuple(keys[slot] for slot in template.cited_slots)


def test_writes_due_articles_and_readers_questions_as_asked(generate, client, reviewer):
    from questions.models import Question

    articles = generate(40, "--due", "5", "--questions", "60")
    due = [a for a in Article.objects.filter(pk__in=[a.pk for a in articles]) if a.review_due_since]
    # Exactly the due ones are in the queue (the daily task put them there), each approved more
    # than a year ago; every other approved article's review date is ahead.
    assert len(due) == 5
    today = due[0].review_due_since.date()
    for article in Article.objects.filter(pk__in=[a.pk for a in articles], state="approved"):
        is_due = article.review_due_since is not None
        assert (article.public_edition.next_review_due <= today) == is_due, article.slug
    client.force_login(reviewer)
    assert client.get("/review/due/").context["counts"]["due"] == 5
    # The questions are on published articles, in the triage queue's mix.
    questions = Question.objects.filter(article__in=articles)
    assert questions.count() == 60
    assert not questions.filter(article__public_edition__isnull=True).exists()
    assert {"new", "answered"} <= set(questions.values_list("status", flat=True))
    assert not questions.filter(status="answered", answered_at__isnull=True).exists()


def test_asks_for_no_more_due_articles_than_it_approves(generate):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="approved"):
        generate(10, "--due", "50")
