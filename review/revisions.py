"""Which revision holds an article's text as it stands: the newest one that was an edit.

State changes are versioned too (review.services.make_move), but leave the text as it was, so
advice or an invitation given on a text stays on it while the article moves through review.
"""

from reversion.models import Version

from articles.models import Article

from .models import ReviewEvent


def text_revision_id(article: Article) -> int | None:
    """The newest revision of the article that changed its text (not only its review state)."""
    workflow_revisions = ReviewEvent.objects.filter(
        article=article, created_revision__isnull=False
    ).values("created_revision")
    return (
        Version.objects.get_for_object(article)
        .exclude(revision_id__in=workflow_revisions)
        .order_by("-revision_id")
        .values_list("revision_id", flat=True)
        .first()
    )
