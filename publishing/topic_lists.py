"""The topics' public lists (articles.models.PublicTopicListing), kept by the publication acts
in their transactions, as the public citations are: an article joins the lists of the topics its
published edition names and leaves them when withdrawn. A draft's change of topics reaches the
lists with its next publication, never before."""

from django.db import connection

from articles.models import Article, Edition, PublicTopicListing, Topic


def published(article: Article, edition: Edition, topics: list[Topic]) -> None:
    """Readers of the article are now shown this edition, which names these topics."""
    PublicTopicListing.objects.filter(article=article).delete()
    approved = article.live_revision_id is not None
    PublicTopicListing.objects.bulk_create(
        PublicTopicListing(
            topic=topic,
            article=article,
            language=article.language,
            published_at=edition.published_at,
            approved=approved,
        )
        for topic in topics
    )


def withdrawn(article: Article) -> None:
    """Readers of the article are shown nothing any more."""
    PublicTopicListing.objects.filter(article=article).delete()


# For articles written in bulk (generate_articles): what publish writes, from each public
# article's topics.
_FILL = """
INSERT INTO articles_publictopiclisting (topic_id, article_id, language, published_at, approved)
SELECT link.topic_id, article.id, article.language, article.published_at,
    article.live_revision_id IS NOT NULL
FROM articles_article article
JOIN articles_article_topics link ON link.article_id = article.id
WHERE article.public_edition_id IS NOT NULL AND article.withdrawn_at IS NULL
    AND article.id IN ({ids})
"""
_CHUNK = 5_000  # ids a statement (SQLite takes at most 32 766 parameters)


def fill_in(article_ids: list[int]) -> None:
    """Articles written in bulk, without the publication acts: their listings as publish would
    have written them."""
    with connection.cursor() as cursor:
        for start in range(0, len(article_ids), _CHUNK):
            chunk = article_ids[start : start + _CHUNK]
            cursor.execute(_FILL.format(ids=", ".join(["%s"] * len(chunk))), chunk)
