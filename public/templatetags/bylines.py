from django import template

from articles.models import Article, Edition
from contributors.selectors import Byline, byline

register = template.Library()


@register.simple_tag
def byline_of(article: Article, edition: Edition) -> Byline:
    """Who wrote the article and who approved the edition (templates/public/includes/byline.html,
    which article.html includes with nothing more than the article and edition it shows).
    Kept on the edition object: baking renders every role's page from one."""
    found = edition.__dict__.get("_byline")
    if found is None:
        found = edition.__dict__["_byline"] = byline(article, edition)
    return found
