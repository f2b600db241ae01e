"""sitemap.xml: every approved article readers may open, with the time of its last approved
change, and the site's standing pages. django.contrib.sitemaps pages it at 50,000 URLs."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article

from .feeds import approved_articles


class ArticleSitemap(Sitemap):
    def items(self):
        # By id: pages of a large sitemap stay the same as articles are approved.
        return approved_articles().only("slug", "published_at").order_by("id")

    def location(self, article: Article) -> str:
        return article.get_absolute_url()

    def lastmod(self, article: Article):
        return article.published_at


class PageSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["public:home", "public:editorial_policy"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"articles": ArticleSitemap, "pages": PageSitemap}
