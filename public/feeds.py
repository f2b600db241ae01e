"""Atom feeds of approved changes: every approved edition, newest first, site-wide and per topic.

Each entry is one edition (its permalink, its approval time, the board's note of what changed),
so a reader subscribed to a topic hears of every approved change and of nothing else: pending
text and withdrawn articles never appear.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext

from articles.models import Article, Edition, Topic, topic_name
from config.site import site_url
from publishing.selectors import edition_notices

ENGLISH = settings.LANGUAGE_CODE

# Approved and not withdrawn: what the feeds, the sitemap and the API may show. (The never-approved
# articles that Article.objects.public() also lets through, with a caution, are left out.)
APPROVED_AND_LIVE = Q(
    live_revision__isnull=False, withdrawn_at__isnull=True, public_edition__kind="approved"
)
FEED_ENTRIES = 50


def approved_articles(language: str = "en") -> QuerySet[Article]:
    """The approved articles of `language` readers may open: the English originals by default
    (a translation is listed only to its own readers, in its language's feeds and sitemap
    entries)."""
    return Article.objects.filter(APPROVED_AND_LIVE, language=language)


def approved_editions(language: str = "en") -> QuerySet[Edition]:
    """Every approved edition of an article readers may open now: a withdrawal hides them all."""
    return (
        Edition.objects.approved()
        .filter(article__in=approved_articles(language))
        .select_related("article")
        .order_by("-published_at", "-id")
    )


def feed_name(name: str, language: str) -> str:
    """The URL name of a feed in `language` (config.urls): the English one's, else suffixed."""
    return name if language == ENGLISH else f"{name}_{language}"


class ApprovedChangesFeed(Feed):
    """The approved editions of one language's articles: the English originals at /feed/, the
    Spanish translations at /es/feed/, each written in its readers' language (`xml:lang`)."""

    feed_type = Atom1Feed

    def __init__(self, language: str = ENGLISH) -> None:
        super().__init__()
        self.language = language  # Django writes it as the feed's xml:lang

    def __call__(self, request, *args, **kwargs):
        # Rendered once for everyone who asks (public.listings): in the feed's language,
        # whatever the request's.
        with translation.override(self.language):
            return super().__call__(request, *args, **kwargs)

    def title(self, obj=None) -> str:
        return gettext("Vetted: approved changes")

    def subtitle(self, obj=None) -> str:
        return gettext(
            "Every article and revision the medical advisory board approved, newest first."
        )

    def author_name(self, obj=None) -> str:
        return gettext("Vetted Medical Advisory Board")

    # Every link absolute at the site's address (config.site): Django would otherwise take the
    # host from the request, and a feed's ids must not change with the address it was fetched at.
    def link(self, obj=None) -> str:
        return site_url(reverse("public:home"))

    def feed_url(self, obj=None) -> str:
        return site_url(reverse(feed_name("feed", self.language)))

    def items(self, obj=None) -> QuerySet[Edition]:
        shown = approved_editions(self.language).select_related("article__translation_of")
        return shown[:FEED_ENTRIES]

    def item_title(self, edition: Edition) -> str:
        return gettext("%(title)s (edition %(number)s)") % {
            "title": edition.title,
            "number": edition.number,
        }

    def item_link(self, edition: Edition) -> str:
        if edition.article.translation_of_id is not None:
            # A translation's editions have no permalinks of their own: its page, at its
            # language's address.
            return site_url(edition.article.get_absolute_url())
        return site_url(edition.get_absolute_url())

    def item_guid(self, edition: Edition) -> str:
        # A tag URI (RFC 4151) by article id and number: stable if the slug or host changes.
        host = urlsplit(site_url()).hostname or "vetted.invalid"
        day = edition.published_at.date().isoformat()
        return f"tag:{host},{day}:article-{edition.article_id}/edition-{edition.number}"

    item_guid_is_permalink = False

    def item_updateddate(self, edition: Edition):
        return edition.published_at

    def item_pubdate(self, edition: Edition):
        return edition.published_at

    def item_description(self, edition: Edition) -> str:
        return format_html(
            "{}<p><strong>{}</strong> {}</p><p>{}</p>",
            _notice_of(edition),
            gettext("What changed:"),
            edition.change_note,
            edition.summary,
        )

    def item_categories(self, edition: Edition) -> list[str]:
        # As approved: no query an entry. An edition from before Spanish names has none.
        return [
            topic_name(topic["name"], topic.get("name_es", ""), self.language).text
            for topic in edition.topics
        ]


def _notice_of(edition: Edition) -> str:
    """The edition's own public notice, first in its entry: the withdrawal it ended and the
    error it corrected ("Withdrawn on June 3, 2026: … Corrected on June 5, 2026: …")."""
    own = [notice for notice in edition_notices(edition) if notice.number == edition.number]
    if not own:
        return ""
    notice = own[0]
    parts = []
    if notice.withdrawn_at:
        parts.append(
            gettext("Withdrawn on %(day)s: %(reason)s")
            % {"day": _day(notice.withdrawn_at), "reason": notice.withdrawal_reason}
        )
    if notice.correction:
        parts.append(
            gettext("Corrected on %(day)s: %(correction)s")
            % {"day": _day(notice.published_at), "correction": notice.correction}
        )
    else:
        parts.append(gettext("Returned on %(day)s") % {"day": _day(notice.published_at)})
    text = " ".join(f"{part.rstrip('.')}." for part in parts)
    return format_html('<p class="notice"><strong>{}</strong> {}</p>', gettext("Notice:"), text)


def _day(moment) -> str:
    # English as it always was ("June 3, 2026"); other languages in their own long form.
    english = translation.get_language() == ENGLISH
    return date_format(timezone.localtime(moment), "F j, Y" if english else "DATE_FORMAT")


class TopicChangesFeed(ApprovedChangesFeed):
    def get_object(self, request, slug: str) -> Topic:
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic: Topic) -> str:
        name = topic.name_for(self.language).text
        return gettext("Vetted: approved changes on %(topic)s") % {"topic": name}

    def link(self, topic: Topic) -> str:
        try:  # the topic page, where this branch's merge finds one
            return site_url(reverse("public:topic", kwargs={"slug": topic.slug}))
        except NoReverseMatch:
            return site_url(reverse("public:home"))

    def feed_url(self, topic: Topic) -> str:
        return site_url(
            reverse(feed_name("topic_feed", self.language), kwargs={"slug": topic.slug})
        )

    def items(self, topic: Topic) -> QuerySet[Edition]:
        shown = approved_editions(self.language).select_related("article__translation_of")
        return shown.filter(article__topics=topic)[:FEED_ENTRIES]
