"""The references readers are shown now, kept by the publication acts in their transactions:
each published article's cited keys (PublicCitation) and, per key, how many published articles
cite it and the newest edition among them (PublicReferenceUse). The references API reads these
two tables only, a page of keys at a time, whatever the number of articles citing each."""

from django.db import connection
from django.db.models import F

from articles.models import Article, Edition, PublicCitation, PublicReferenceUse, cited_keys


def published(article: Article, edition: Edition) -> None:
    """An approved edition became what readers of the article are shown."""
    was = _cited(article)
    now = cited_keys(edition.renditions)
    PublicCitation.objects.filter(article=article).delete()
    PublicCitation.objects.bulk_create(
        PublicCitation(article=article, edition=edition, key=key, published_at=edition.published_at)
        for key in now
    )
    PublicReferenceUse.objects.bulk_create(
        [PublicReferenceUse(key=key) for key in sorted(set(now) - was)], ignore_conflicts=True
    )
    uses = PublicReferenceUse.objects.select_for_update().order_by("key")  # one lock order
    list(uses.filter(key__in=was | set(now)).values_list("pk"))
    uses.filter(key__in=set(now) - was).update(articles=F("articles") + 1)
    uses.filter(key__in=now).update(newest_edition=edition)  # published now: the newest
    _dropped(article, was - set(now))


def withdrawn(article: Article) -> None:
    """Readers of the article are shown nothing any more."""
    was = _cited(article)
    list(
        PublicReferenceUse.objects.select_for_update()
        .filter(key__in=was)
        .order_by("key")
        .values_list("pk")
    )
    PublicCitation.objects.filter(article=article).delete()
    _dropped(article, was)


def _cited(article: Article) -> set[str]:
    return set(PublicCitation.objects.filter(article=article).values_list("key", flat=True))


def _dropped(article: Article, keys: set[str]) -> None:
    """The article no longer cites these keys (its citations of them are deleted): one article
    fewer each, and a key whose newest citing edition was the article's gets the next newest."""
    if not keys:
        return
    PublicReferenceUse.objects.filter(key__in=keys).update(articles=F("articles") - 1)
    for use in PublicReferenceUse.objects.filter(key__in=keys, newest_edition__article=article):
        use.newest_edition_id = (
            PublicCitation.objects.filter(key=use.key)
            .order_by("-published_at", "-edition_id")
            .values_list("edition_id", flat=True)
            .first()
        )
        use.save(update_fields=["newest_edition"])


# For articles written in bulk (generate_articles): what publish writes, read from the editions'
# cited keys (EditionReference) of each article's public approved edition.
_FILL_CITATIONS = """
INSERT INTO articles_publiccitation (article_id, edition_id, key, published_at)
SELECT cited.article_id, cited.edition_id, cited.key, cited.published_at
FROM articles_editionreference cited
JOIN articles_article article ON article.id = cited.article_id
    AND article.public_edition_id = cited.edition_id
JOIN articles_edition edition ON edition.id = cited.edition_id
WHERE article.live_revision_id IS NOT NULL AND article.withdrawn_at IS NULL
    AND edition.kind = 'approved' AND article.id IN ({ids})
"""
_FILL_USES = """
INSERT INTO articles_publicreferenceuse (key, articles, newest_edition_id)
SELECT cited.key, COUNT(*), (
    SELECT newest.edition_id FROM articles_publiccitation newest WHERE newest.key = cited.key
    ORDER BY newest.published_at DESC, newest.edition_id DESC LIMIT 1
)
FROM articles_publiccitation cited GROUP BY cited.key
"""
_CHUNK = 5_000  # ids a statement (SQLite takes at most 32 766 parameters)


def fill_in(article_ids: list[int]) -> None:
    """Articles written in bulk, without the publication acts (generate_articles): their public
    citations as publish would have written them, then every key's use counted again."""
    with connection.cursor() as cursor:
        for start in range(0, len(article_ids), _CHUNK):
            chunk = article_ids[start : start + _CHUNK]
            cursor.execute(_FILL_CITATIONS.format(ids=", ".join(["%s"] * len(chunk))), chunk)
        cursor.execute("DELETE FROM articles_publicreferenceuse")
        cursor.execute(_FILL_USES)
