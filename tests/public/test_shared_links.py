"""What a shared or stored article page says about its own address: canonical link, Open Graph
and Twitter card tags, How to cite and the JSON-LD url, all at VETTED_SITE_URL."""

import json
import re
from html.parser import HTMLParser

import pytest

from articles.models import ReviewState
from personalization.models import Audience, ReaderRole
from tests.factories import SIGNED_CHECKLIST
from tests.public.test_article_page import _to_state

SITE = "https://vetted.example.org"
CANONICAL = f"{SITE}/articles/an-article/"


class _Head(HTMLParser):
    """The <link rel> and <meta> of a page, by rel / property / name."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "link" and found.get("rel"):
            self.links[found["rel"]] = found.get("href", "")
        if tag == "meta" and (found.get("property") or found.get("name")):
            self.meta[found.get("property") or found["name"]] = found.get("content", "")


def _head(response) -> _Head:
    assert response.status_code == 200
    head = _Head()
    head.feed(response.content.decode())
    return head


def _json_ld(response) -> dict:
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode()
    )
    return json.loads(found.group(1))


@pytest.fixture(autouse=True)
def site_address(settings):
    settings.VETTED_SITE_URL = SITE


@pytest.fixture
def patient(db):
    return ReaderRole.objects.create(
        slug="patient", label="Patient", audience=Audience.LAY, target_grade=8, order=1
    )


@pytest.fixture
def approved(make_article, author, reviewer, seen, professional_disclaimer):
    article = make_article(
        title="What is the first-line treatment?", summary="A platinum doublet comes first."
    )
    _to_state(article, ReviewState.APPROVED, author=author, reviewer=reviewer, seen=seen)
    return article


@pytest.mark.parametrize(
    "address",
    ["/articles/an-article/", "/articles/an-article/?role=patient",
     "/articles/an-article/for/patient/"],
)  # fmt: skip
def test_every_role_address_names_the_articles_own_address_as_canonical(
    client, patient, approved, address
):
    assert _head(client.get(address)).links["canonical"] == CANONICAL


def test_a_shared_link_shows_the_editions_title_and_summary(client, patient, approved):
    meta = _head(client.get("/articles/an-article/for/patient/")).meta

    assert meta["og:type"] == "article" and meta["og:site_name"] == "Vetted"
    assert meta["og:url"] == CANONICAL
    assert meta["og:title"] == meta["twitter:title"] == "What is the first-line treatment?"
    assert (
        meta["og:description"] == meta["twitter:description"] == ("A platinum doublet comes first.")
    )
    assert meta["twitter:card"] == "summary"


def test_absolute_links_name_the_site_whatever_host_the_page_was_asked_at(client, approved):
    """The page is stored and served to everyone: a link taken from one request's Host would
    be shown to every later reader."""
    for host in ("localhost", "testserver"):
        response = client.get("/articles/an-article/", headers={"host": host})
        html = response.content.decode()
        assert _head(response).links["canonical"] == CANONICAL
        assert _json_ld(response)["url"] == CANONICAL
        assert f'<a href="{SITE}/articles/an-article/editions/1/">' in html  # How to cite
        assert "http://localhost" not in html and "http://testserver" not in html


def test_a_move_to_another_address_never_serves_pages_written_for_the_old_one(
    client, approved, settings
):
    client.get("/articles/an-article/")  # stored, written at SITE

    settings.VETTED_SITE_URL = "https://medicine.example.net"
    html = client.get("/articles/an-article/").content.decode()

    assert '<link rel="canonical" href="https://medicine.example.net/articles/an-article/">' in html
    assert SITE not in html


def test_an_editions_permalink_is_its_own_canonical_address(
    client, approved, revise, approve_again
):
    revise(approved, "## Answer\n\nA doublet, then T-DXd.[@nccn-2024]\n")
    approve_again(approved)
    head = _head(client.get("/articles/an-article/editions/1/"))
    assert head.links["canonical"] == f"{SITE}/articles/an-article/editions/1/"
    assert head.meta["og:url"] == f"{SITE}/articles/an-article/editions/1/"


@pytest.fixture
def revise(author, seen):
    from review.services import edit_article

    def revise(article, body: str) -> None:
        edit_article(
            article=article, by=author, seen_revision_id=seen(article), title=article.title,
            summary=article.summary, body=body, literature_current_through=None,
            comment="Revised",
        )  # fmt: skip

    return revise


@pytest.fixture
def approve_again(author, reviewer, seen):
    from review.services import make_move

    def approve_again(article) -> None:
        for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
            make_move(name, article=article, by=by, seen_revision_id=seen(article),
                      note="Added second-line T-DXd.", checklist=SIGNED_CHECKLIST)  # fmt: skip

    return approve_again
