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
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from articles.models import Article
from config.site import on_site, site_domain, site_scheme

from .feeds import approved_articles

# URLs a file: a tenth of the protocol's limit (https://www.sitemaps.org/protocol.html).
URLS_PER_FILE = 5_000


class OnSite(Sitemap):
    limit = URLS_PER_FILE

    def get_protocol(self, protocol: str | None = None) -> str:
        return site_scheme()

    def get_domain(self, site=None) -> str:
        return site_domain()


class ArticleSitemap(OnSite):
    def items(self):
        # By id: pages of a large sitemap stay the same as articles are approved.
        # translation_of: what get_absolute_url reads (a translation's address is its language's).
        return approved_articles().only("slug", "translation_of", "published_at").order_by("id")

    def location(self, article: Article) -> str:
        return article.get_absolute_url()

    def lastmod(self, article: Article):
        return article.published_at


class PageSitemap(OnSite):
    def items(self) -> list[str]:
        return ["public:home", "public:editorial_policy"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"articles": ArticleSitemap, "pages": PageSitemap}


def root(request: HttpRequest) -> TemplateResponse:
    """/sitemap.xml: every URL while they fit one file, else the index of the section files."""
    if ArticleSitemap().paginator.count + len(PageSitemap().items()) <= URLS_PER_FILE:
        return sitemap_views.sitemap(request, sitemaps=SITEMAPS)
    return index(request, sitemaps=SITEMAPS, sitemap_url_name="sitemap_section")


def index(request: HttpRequest, **kwargs) -> TemplateResponse:
    """Django's sitemap index, its entries at the site's address (it is rendered lazily, so its
    context can still be changed here)."""
    response = sitemap_views.index(request, **kwargs)
    response.context_data["sitemaps"] = [
        replace(item, location=on_site(item.location)) for item in response.context_data["sitemaps"]
    ]
    return response
