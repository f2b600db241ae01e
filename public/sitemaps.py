"""sitemap.xml: every approved article readers may open, with the time of its last approved
change, and the site's standing pages: one file while they fit in 5,000 URLs, an index of files
of at most 5,000 URLs each beyond (django.contrib.sitemaps pages each section). The protocol
allows 50,000 URLs and 50 MB a file; 5,000 keeps every file under 2 MB with its language
alternates, so a crawler's request is cheap to answer.
Each is rendered once per act of the publication log (public.listings).

Every address in them is at the site's address (config.site), never at the host the crawler
asked: Django's views take it from the request, so the sections name it themselves and the
index's entries are moved there before it is rendered."""

from dataclasses import replace

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation

from articles.models import Article, translated_url
from config.site import on_site, site_domain, site_scheme
from publishing.selectors import TRANSLATED

from .feeds import approved_articles
from .language import ENGLISH

# URLs a file: a tenth of the protocol's limit (https://www.sitemaps.org/protocol.html).
URLS_PER_FILE = 5_000


class OnSite(Sitemap):
    limit = URLS_PER_FILE

    def get_protocol(self, protocol: str | None = None) -> str:
        return site_scheme()

    def get_domain(self, site=None) -> str:
        return site_domain()


class _InLanguage:
    """Articles as the i18n sitemap's (article, language) entries, read a file's page at a time
    (Django's own `_items` would read every article of every language into one list for each
    file)."""

    def __init__(self, articles, language: str) -> None:
        self.articles, self.language = articles, language

    def count(self) -> int:
        return self.articles.count()

    def __getitem__(self, window: slice) -> list[tuple[Article, str]]:
        return [(article, self.language) for article in self.articles[window]]


class ArticleSitemap(OnSite):
    """Every approved English original (`language` English), or the approved translations into
    one language at their own addresses (`/es/articles/<slug>/`): each entry names the article's
    page in every language it is in as its alternate, with the English as x-default (Django's
    i18n sitemaps, one section a language, so a translation never moves the originals' files)."""

    i18n = True
    alternates = True
    x_default = True
    language = ENGLISH

    def items(self):
        # The originals (those translated into this section's language, for a translation's),
        # by id: pages of a large sitemap stay the same as articles are approved. Each
        # translation's publication time, NULL where there is none: its entry and alternates,
        # read with the articles (no query an article).
        translated = {
            f"published_{code}": Subquery(
                approved_articles(code)
                .filter(translation_of=OuterRef("pk"))
                .values("published_at")[:1]
            )
            for code in TRANSLATED
        }
        originals = (
            approved_articles()
            .only("slug", "translation_of", "published_at")
            .annotate(**translated)
            .order_by("id")
        )
        if self.language != ENGLISH:
            originals = originals.filter(**{f"published_{self.language}__isnull": False})
        return originals

    def _items(self) -> _InLanguage:
        return _InLanguage(self.items(), self.language)

    def get_languages_for_item(self, article: Article) -> list[str]:
        return [ENGLISH] + [code for code in TRANSLATED if getattr(article, f"published_{code}")]

    def location(self, article: Article) -> str:
        language = translation.get_language()  # the sitemap framework's, for this entry
        if language == ENGLISH:
            return article.get_absolute_url()
        return translated_url(article.slug, language)

    def lastmod(self, article: Article):
        """When this section's page of the article last changed (the index's date)."""
        if self.language == ENGLISH:
            return article.published_at
        return getattr(article, f"published_{self.language}")

    def _get(self, name, item, default=None):
        # Django hands lastmod the article without the entry's language.
        if name == "lastmod":
            return self.lastmod(item[0])
        return super()._get(name, item, default)


class PageSitemap(OnSite):
    """The standing pages, at their address in each language (reverse() under the entry's)."""

    i18n = True
    alternates = True
    x_default = True

    def items(self) -> list[str]:
        return ["public:home", "public:editorial_policy"]

    def location(self, name: str) -> str:
        return reverse(name)


def _translations_into(code: str) -> type[ArticleSitemap]:
    # A class, as Django's sitemap views want (an instance would be shared by every request).
    return type(f"ArticleSitemap_{code}", (ArticleSitemap,), {"language": code})


SITEMAPS = {
    "articles": ArticleSitemap,
    **{f"articles-{code}": _translations_into(code) for code in TRANSLATED},
    "pages": PageSitemap,
}


def root(request: HttpRequest) -> TemplateResponse:
    """/sitemap.xml: every URL while they fit one file, else the index of the section files."""
    if sum(section().paginator.count for section in SITEMAPS.values()) <= URLS_PER_FILE:
        return sitemap_views.sitemap(request, sitemaps=SITEMAPS)
    return index(request, sitemaps=SITEMAPS, sitemap_url_name="sitemap_section")


def index(request: HttpRequest, **kwargs) -> TemplateResponse:
    """Django's sitemap index, its entries at the site's address (it is rendered lazily, so its
    context can still be changed here). A section with nothing in it yet (no translation into
    a language) is left out."""
    sections = kwargs.pop("sitemaps")
    kwargs["sitemaps"] = {name: section for name, section in sections.items()
                          if section().paginator.count}  # fmt: skip
    response = sitemap_views.index(request, **kwargs)
    response.context_data["sitemaps"] = [
        replace(item, location=on_site(item.location)) for item in response.context_data["sitemaps"]
    ]
    return response
