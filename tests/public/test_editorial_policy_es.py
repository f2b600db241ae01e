"""The editorial policy in Spanish: the same page as the English one (sections, anchors that
articles link to, every move, rule, checklist item and grade), in Spanish."""

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from articles.evidence import GRADES
from review.checklist import ITEMS
from review.policy import published_rules
from review.workflow import MOVES

pytestmark = pytest.mark.django_db


class _Skeleton(HTMLParser):
    """The article's tags with their ids and classes, in order: its structure, not its words."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.tags = False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.inside = self.inside or tag == "article"
        if self.inside:
            self.tags.append((tag, attrs.get("id"), attrs.get("class")))

    def handle_endtag(self, tag):
        if tag == "article":
            self.inside = False


def page(template: str) -> str:
    """The page as the view renders it, with the view's context."""
    context = {"moves": MOVES.values(), "sign_off_rules": published_rules(), "checklist": ITEMS}
    return render_to_string(template, context, request=RequestFactory().get("/"))


def skeleton(html: str) -> list[tuple]:
    parser = _Skeleton()
    parser.feed(html)
    return parser.tags


def test_the_spanish_policy_has_the_english_ones_structure_and_anchors():
    english, spanish = page("public/editorial_policy.html"), page("public/editorial_policy_es.html")
    assert skeleton(spanish) == skeleton(english)
    for anchor in ("policy-title", "sign-off-rules", "checklist", "evidence-grades"):
        assert f'id="{anchor}"' in spanish


def test_the_spanish_policy_is_in_spanish_and_says_so():
    html = page("public/editorial_policy_es.html")
    assert '<article aria-labelledby="policy-title" lang="es">' in html
    assert "<title>Política editorial · Vetted</title>" in html
    assert "Cómo se revisa un artículo".lower() in html.lower()
    assert "Quién debe dar el visto bueno" in html and "Grados de evidencia" in html
    for english in ("What an approval means", "Who must sign off", "Not medical advice"):
        assert english not in html


def test_the_spanish_policy_lists_every_move_rule_item_and_grade():
    html = page("public/editorial_policy_es.html")
    for move in MOVES.values():
        assert f"<dt>{move.label}</dt>" in html
    assert html.count('<th scope="row">') == len(published_rules()) + len(GRADES)
    assert html.count("<li><strong>") == len(ITEMS)
    section = html.split('id="evidence-grades"')[1]
    for grade in GRADES:
        assert f'<span class="grade {grade.css_class}">{grade.code}</span>' in section
