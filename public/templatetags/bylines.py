from django import template

from articles.models import Article, Edition
from contributors.selectors import Byline, byline

register = template.Library()


@register.simple_tag
def byline_of(article: Article, edition: Edition) -> Byline:
    """Who wrote the article and who approved the edition (templates/public/includes/byline.html,
    which article.html includes with nothing more than the article and edition it shows)."""
    return byline(article, edition)
