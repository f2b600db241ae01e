"""A surface that records what the publication log hands it, for the log's own tests."""

from dataclasses import dataclass, field

import pytest

from publishing import surfaces
from publishing.selectors import public_pointer
from tests.factories import SIGNED_CHECKLIST


@dataclass
class RecordingSurface:
    """Applies nothing: records each entry with the article's public state when it was applied,
    and fails while `failures` is above zero."""

    name: str = "recording"
    failures: int = 0
    applied: list = field(default_factory=list)

    def enabled(self) -> bool:
        return True

    def apply(self, entry, *, resume_after, progress) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("the surface did not answer")
        pointer = public_pointer(entry.article.slug) if entry.article_id else None
        self.applied.append((entry.kind, pointer.is_withdrawn if pointer else None))


@pytest.fixture
def recording(monkeypatch) -> RecordingSurface:
    surface = RecordingSurface()
    monkeypatch.setattr(surfaces, "_registry", {surface.name: surface})
    return surface


@pytest.fixture
def approved(make_article, author, reviewer, seen, professional_disclaimer):
    from review.services import make_move

    article = make_article()
    for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        make_move(
            name, article=article, by=by, seen_revision_id=seen(article), checklist=SIGNED_CHECKLIST
        )
    article.refresh_from_db()
    return article
