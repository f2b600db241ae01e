"""Search finds what readers can read (the public edition), ranks it, pages it and highlights it,
on SQLite's FTS5 and on PostgreSQL (run the file with DATABASE_URL set for the second)."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import search
from articles.search import highlighted, index_articles
from review import services
from tests.factories import SIGNED_CHECKLIST

BODY = "## Answer\n\nZoledronate every twelve weeks protects the bone.[@nccn-2024]\n"


def _titles(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'<li>\s*<a href="/articles/[^"]+/">([^<]+)</a>', html), html


def _entry_ids() -> set[int]:
    table = "articles_searchentry" if connection.vendor == "postgresql" else search.FTS_TABLE
    column = "article_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize(
    ("query", "where"),
    [("osteonecrosis", "title"), ("hypocalcaemia", "summary"), ("zoledronate", "body")],
)
def test_search_finds_an_article_by_the_words_of_its_public_edition(
    client, publish, make_reference, query, where
):
    make_reference("nccn-2024")
    publish("bone", title="Does osteonecrosis follow bisphosphonates?",
            summary="Watch for hypocalcaemia.", body=BODY)  # fmt: skip
    titles, html = _titles(client, query)
    assert titles == ["Does osteonecrosis follow bisphosphonates?"], where
    assert "1 result for" in html


def test_search_finds_plural_and_singular_alike(client, publish, make_reference):
    make_reference("nccn-2024")
    publish("bone", title="Bone protection", body=BODY)
    assert _titles(client, "weeks")[0] == ["Bone protection"]
    assert _titles(client, "week")[0] == ["Bone protection"]


def test_search_never_finds_a_working_draft_only_the_submitted_text(client, publish, author, seen):
    pending = publish("pending", title="Is platinum first?")
    services.edit_article(
        article=pending, by=author, seen_revision_id=seen(pending), title="Is platinum first?",
        summary="", body="Carboplatin with pemetrexed, then zongertinib.[@nccn-2024]",
        literature_current_through=None, comment="",
    )  # fmt: skip
    assert _titles(client, "zongertinib")[0] == []
    assert _titles(client, "doublet")[0] == ["Is platinum first?"]  # the submitted text


def test_search_finds_an_approved_article_by_its_approved_text_while_a_draft_waits(
    client, publish, author, seen
):
    approved = publish("approved", title="Is platinum first?", approve=True)
    services.edit_article(
        article=approved, by=author, seen_revision_id=seen(approved), title="Renamed draft?",
        summary="", body="Zongertinib.[@nccn-2024]", literature_current_through=None, comment="",
    )  # fmt: skip
    assert _titles(client, "zongertinib")[0] == []
    assert _titles(client, "renamed")[0] == []
    assert _titles(client, "doublet")[0] == ["Is platinum first?"]


def test_search_finds_the_new_text_once_it_is_approved(client, publish, author, reviewer, seen):
    article = publish("article", title="Is platinum first?", approve=True)
    services.edit_article(
        article=article, by=author, seen_revision_id=seen(article), title="Is platinum first?",
        summary=article.summary, body="Zongertinib.[@nccn-2024]", literature_current_through=None,
        comment="",
    )  # fmt: skip
    for name, by in [("submit", author), ("start_review", reviewer), ("approve", reviewer)]:
        services.make_move(name, article=article, by=by, seen_revision_id=seen(article),
                           comment="ok", note="Zongertinib added.",
                           checklist=SIGNED_CHECKLIST)  # fmt: skip
    assert _titles(client, "zongertinib")[0] == ["Is platinum first?"]
    assert _titles(client, "doublet")[0] == []  # the old edition's words are gone


def test_search_never_finds_a_withdrawn_article(client, publish, withdraw):
    article = publish("withdrawn", title="Is platinum first?", approve=True)
    publish("kept", title="Is platinum still first?")
    assert article.pk in _entry_ids()
    withdraw(article)
    assert _titles(client, "platinum")[0] == ["Is platinum still first?"]
    # The withdrawal removed its entry (PostgreSQL finds matches without joining the articles),
    # and a rebuild of the entries agrees.
    assert article.pk not in _entry_ids()
    index_articles([article.pk])
    assert article.pk not in _entry_ids()
    assert _titles(client, "platinum")[0] == ["Is platinum still first?"]


def test_search_hides_pending_articles_when_only_approved_ones_are_public(
    client, publish, settings
):
    publish("pending", title="Is platinum first?")
    publish("approved", title="Is platinum still first?", approve=True)
    settings.VETTED_SHOW_UNAPPROVED = False
    assert _titles(client, "platinum")[0] == ["Is platinum still first?"]


def test_a_title_match_ranks_above_a_body_match(client, publish, make_reference):
    make_reference("nccn-2024")
    # The title match is the older one: recency alone would put it last.
    publish("in-title", title="Zoledronate for bone metastases?")
    publish("in-body", title="Bone health in cancer care?", body=BODY)
    publish("elsewhere", title="Unrelated question?")
    assert _titles(client, "zoledronate")[0] == [
        "Zoledronate for bone metastases?",
        "Bone health in cancer care?",
    ]


def test_results_come_a_page_at_a_time(client, publish, monkeypatch):
    monkeypatch.setattr(search, "PER_PAGE", 2)
    for n in range(5):
        publish(f"article-{n}", title=f"Platinum question {n}?")
    publish("other", title="Unrelated question?", body="Nothing to see.")
    pages = [_titles(client, "platinum", page=number) for number in (1, 2, 3)]
    assert [len(titles) for titles, _ in pages] == [2, 2, 1]
    seen_titles = [title for titles, _ in pages for title in titles]
    assert sorted(seen_titles) == [f"Platinum question {n}?" for n in range(5)]
    first, middle, last = (html for _, html in pages)
    assert "5 results for" in first and "Page 1 of 3" in first
    assert 'href="?q=platinum&amp;page=2" rel="next">More results</a>' in first
    assert 'href="?q=platinum&amp;page=1" rel="prev">Previous results</a>' in middle
    assert "More results" not in last
    for page in ("4", "0", "x", "-1"):
        assert client.get("/search/", {"q": "platinum", "page": page}).status_code == 404


def test_a_count_past_the_cap_says_more_than(client, publish, monkeypatch):
    monkeypatch.setattr(search, "PER_PAGE", 1)
    monkeypatch.setattr(search, "MAX_COUNTED", 2)
    for n in range(3):
        publish(f"article-{n}", title=f"Platinum question {n}?")
    titles, html = _titles(client, "platinum", page=2)
    assert len(titles) == 1
    assert "More than 2 results for" in html and "Page 2 of 2" in html
    assert "Only the 2 best matches are listed" in html
    assert client.get("/search/", {"q": "platinum", "page": 3}).status_code == 404


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def test_snippets_are_escaped_text_with_only_the_highlights_marked(client, publish, make_reference):
    make_reference("nccn-2024")
    body = (
        "## Answer\n\nKeep the dose < 4 mg & check <img src=x onerror=alert(1)> calcium; "
        "zoledronate <b>protects</b> bone.[@nccn-2024]\n"
    )
    publish("bone", title="Bone protection?", body=body)
    _, html = _titles(client, "zoledronate")
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.DOTALL).group(1)
    assert "<mark>zoledronate</mark>" in snippet.lower()
    assert "&lt; 4 mg &amp; check" in snippet
    parser = _Tags()
    parser.feed(snippet)
    assert parser.tags and all(tag == ("mark", []) for tag in parser.tags)
    assert "onerror" not in html


def test_highlighted_escapes_everything_but_balanced_highlights():
    raw = "a <b>x</b> &amp; \ue000hit\ue001 \ue001stray \ue000unclosed"
    assert highlighted(raw) == ("a &lt;b&gt;x&lt;/b&gt; &amp; <mark>hit</mark> stray unclosed")


HOSTILE = [
    '"', '""', '"unbalanced', "(", ")", "()", "AND", "OR", "NOT", "a AND", "OR OR", "-", "--",
    "*", "NEAR(a b)", "NEAR/2", "title:x", "body:", ":", "^", "{a b}", "+", "a -b", "a\"b",
    "' OR 1=1 --", "\\", "%", "_", "%_%", "&|!<->", "!!", "<->", "a:*", "'x'", "¿qué?",
    "thérapie 肺癌 🫁", "Ⅻ ǅ ß", "word " * 60, "x" * 200, "\u200b", "\t\n",
]  # fmt: skip


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_answer_with_results_or_none_never_an_error(client, publish, query):
    publish("article", title="Is platinum first?")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "result" in response.content.decode() or not query.strip()


@pytest.mark.parametrize(
    "query", ['"platinum', "platinum)", "(platinum", "platinum:", "platinum*", "PLATINUM"]
)
def test_search_syntax_around_a_word_still_finds_it(client, publish, query):
    publish("article", title="Is platinum first?")
    assert _titles(client, query)[0] == ["Is platinum first?"]


def test_each_word_reaches_fts5_as_a_quoted_phrase():
    build = search._SQLite.match_expression
    assert build('NEAR(a b) title:x "q') == '"NEAR(a" "b)" "title:x" """q"'
    assert build("- * ( ) :") == ""
    assert build(" ".join(["w"] * 100)).count('"w"') == search.MAX_QUERY_WORDS


def test_index_articles_rebuilds_entries_in_bulk(publish, withdraw, django_assert_max_num_queries):
    articles = [publish(f"article-{n}", title=f"Platinum question {n}?") for n in range(4)]
    withdraw(articles[0])
    ids = [a.pk for a in articles]
    with connection.cursor() as cursor:
        table = "articles_searchentry" if connection.vendor == "postgresql" else search.FTS_TABLE
        cursor.execute(f"DELETE FROM {table}")
    # Two statements (SQLite: a language's table), whatever the number of articles.
    with django_assert_max_num_queries(2 + 2 * len(search.FTS_TABLES)):
        assert index_articles([*ids, 999_999]) == 3
    assert _entry_ids() == set(ids[1:])


def _queries(client, query):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_search_reads_a_bounded_number_of_queries(
    client, publish, django_assert_max_num_queries, make_reference
):
    from articles.services import topics_named

    topics = topics_named(["Oncology", "Bones"])
    for n in range(2):
        publish(f"article-{n}", title=f"Platinum question {n}?", topics=topics)
    few, html = _queries(client, "platinum")
    assert "2 results for" in html
    for n in range(2, 9):
        publish(f"article-{n}", title=f"Platinum question {n}?", topics=topics)
    # PostgreSQL: where the newest entries begin (every few minutes), the matches (among the
    # newest, then among all), the ranked page with its snippets, its topics; SQLite: the count,
    # the ranked page, its rows, its topics
    with django_assert_max_num_queries(5):
        response = client.get("/search/", {"q": "platinum"})
    html = response.content.decode()
    assert response.status_code == 200 and "9 results for" in html
    assert html.count('href="/topics/oncology/"') == 9
    assert _queries(client, "platinum")[0] == few  # not one more per result


@pytest.mark.needs_postgres
def test_postgresql_finds_matches_through_the_gin_index(publish):
    from articles.models import SearchEntry

    publish("article", title="Is platinum first?")
    matching = SearchEntry.objects.filter(document=search._PostgreSQLMatches("platinum").query)
    sql, params = matching.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on articles_searchentry_document" in plan


def test_a_word_just_before_a_citation_is_found_and_highlighted(client, publish, make_reference):
    make_reference("nccn-2024")
    publish("article", title="Is platinum first?", body="Give zongertinib.[@nccn-2024] Then rest.")
    titles, html = _titles(client, "zongertinib")
    assert titles == ["Is platinum first?"]
    assert "<mark>zongertinib</mark>" in html.lower()


def _snippet(html: str) -> str:
    return " ".join(re.search(r'<p class="snippet">(.*?)</p>', html, re.DOTALL).group(1).split())


def test_a_snippet_reads_as_text_without_citation_numbers_or_headings_run_into_it(
    client, publish, make_reference
):
    make_reference("nccn-2024")
    body = (
        "## With poziotinib\n\nPoziotinib often causes side effects.[@nccn-2024]\n\n"
        "- Red blood cells got very low. This is called anemia.[@nccn-2024]\n"
        "- Rash in 49 out of 100 people\n- Diarrhea\n"
    )
    publish("article", title="What about side effects?", body=body)

    snippet = _snippet(_titles(client, "anemia")[1])

    assert "This is called <mark>anemia</mark>. Rash in 49 out of 100 people · Diarrhea" in snippet
    snippet = _snippet(_titles(client, "poziotinib")[1])
    assert "<mark>poziotinib</mark> · <mark>Poziotinib</mark> often causes side effects. Red" in (
        snippet
    )


def test_the_search_words_of_a_page_leave_out_citation_numbers_and_keep_blocks_apart():
    html = (
        '<h3>With poziotinib</h3>\n<p>Side effects.<sup class="citation"><a href="#ref-1">1</a>'
        '</sup><sup class="citation"><a href="#ref-2">2</a></sup> 10<sup>9</sup>/L &amp; more'
        "</p><ul><li>Rash<ul><li>Mild</li></ul></li></ul>"
    )
    assert search.words_of(html) == ("With poziotinib\nSide effects. 109/L &amp; more\nRash\nMild")


def test_an_old_title_match_is_not_lost_among_many_newer_body_matches(
    client, publish, make_reference, monkeypatch
):
    monkeypatch.setattr(search, "MAX_COUNTED", 2)  # PostgreSQL ranks windows of 3 matches
    make_reference("nccn-2024")
    publish("old", title="Zoledronate for bone metastases?")
    for n in range(4):
        publish(f"body-{n}", title=f"Bone health {n}?", body=BODY)
    titles, html = _titles(client, "zoledronate")
    assert titles[0] == "Zoledronate for bone metastases?"
    assert "More than 2 results" in html


@pytest.mark.needs_postgres
def test_postgresql_widens_the_span_it_looks_in_until_it_has_enough_matches(
    client, publish, make_reference, monkeypatch
):
    """Matches are looked for among the newest entries first (RECENT), then among all: a rare
    word in an old article is still found, a common one stops at the newest span."""
    monkeypatch.setattr(search, "MAX_COUNTED", 2)
    monkeypatch.setattr(search, "RECENT", 3)
    monkeypatch.setattr(search, "_recent", None)  # where the span begins: read again
    make_reference("nccn-2024")
    publish("old", title="An old question?", body="## Answer\n\nTry tucatinib.[@nccn-2024]\n")
    for n in range(8):
        publish(f"new-{n}", title=f"A newer question {n}?", body=BODY)
    titles, html = _titles(client, "tucatinib")
    assert titles == ["An old question?"] and "1 result for" in html
    titles, html = _titles(client, "zoledronate")
    assert "More than 2 results" in html
    assert set(titles) <= {f"A newer question {n}?" for n in (5, 6, 7)}  # the newest three
