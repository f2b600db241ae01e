"""Builders of originals and their Spanish translations as the board carries them through review
(tests/review/test_translations.py, tests/public/test_translation_pages.py). Import the fixtures
a test module uses by name."""

import pytest

from accounts.models import ContributorProfile
from articles.models import Article
from articles.selectors import latest_revision_id
from review import services
from review.translations import start_translation
from tests.factories import SIGNED_CHECKLIST

SPANISH_BODY = "## Respuesta\n\nPrimero, la quimioterapia con un doblete de platino.[@nccn-2024]\n"
SPANISH_SUMMARY = "La quimioterapia basada en platino va primero."


def approve(article: Article, *, by, note: str = "", correction: str = "") -> Article:
    """Take the submitted article into review and sign it off (the site default: one sign-off)."""
    services.make_move("start_review", article=article, by=by,
                       seen_revision_id=latest_revision_id(article))  # fmt: skip
    services.make_move(
        "approve", article=article, by=by, seen_revision_id=latest_revision_id(article),
        checklist=SIGNED_CHECKLIST, note=note, correction=correction,
    )  # fmt: skip
    article.refresh_from_db()
    return article


def translate(
    original: Article, *, by, title: str, summary: str = SPANISH_SUMMARY, body: str = SPANISH_BODY
) -> Article:
    """A Spanish translation of `original` started and written (SPANISH_BODY unless another
    body is given), not submitted."""
    translation = start_translation(original=original, by=by, language="es")
    services.edit_article(
        article=translation, by=by, seen_revision_id=latest_revision_id(translation),
        title=title, summary=summary, body=body,
        literature_current_through=None, comment="Traducido",
    )  # fmt: skip
    translation.refresh_from_db()
    return translation


def submit(article: Article, *, by) -> None:
    services.make_move("submit", article=article, by=by,
                       seen_revision_id=latest_revision_id(article))  # fmt: skip


def revise(original: Article, *, author) -> None:
    """The original's text edited: immunotherapy after the doublet."""
    services.edit_article(
        article=original, by=author, seen_revision_id=latest_revision_id(original),
        title=original.title, summary=original.summary,
        body=original.body.replace("Platinum doublet first.", "Platinum doublet first, then "
                                   "immunotherapy."),
        literature_current_through=None, comment="Immunotherapy after the doublet",
    )  # fmt: skip


def new_english_edition(original: Article, *, author, reviewer, correction: str = "") -> Article:
    """The original, edited, resubmitted and approved again: its next edition."""
    revise(original, author=author)
    submit(original, by=author)
    return approve(original, by=reviewer, note="Adds immunotherapy.", correction=correction)


@pytest.fixture
def bilingual(reviewer2):
    """`reviewer2`, whose profile says they read English and Spanish (as load_demo's)."""
    ContributorProfile.objects.filter(user=reviewer2).update(languages="en, es")
    return reviewer2


@pytest.fixture
def original(make_article, author, reviewer, professional_disclaimer) -> Article:
    """An English article approved in its first edition."""
    article = make_article(slug="platinum-first", title="What comes first?")
    submit(article, by=author)
    return approve(article, by=reviewer)


@pytest.fixture
def spanish_draft(original, author) -> Article:
    """The Spanish translation of the original's first edition, translated, not yet submitted."""
    return translate(original, by=author, title="¿Qué va primero?")


@pytest.fixture
def spanish_submitted(spanish_draft, author) -> Article:
    submit(spanish_draft, by=author)
    return spanish_draft


@pytest.fixture
def spanish_approved(spanish_submitted, bilingual) -> Article:
    """The Spanish translation, approved by the board's Spanish reader: readers see it."""
    return approve(spanish_submitted, by=bilingual)
