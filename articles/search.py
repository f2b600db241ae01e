"""Full-text search of what readers can read: one entry per public article, built from its public
edition (never from a working draft), and the ranked, highlighted pages of matches.

PostgreSQL keeps the entries in `articles_searchentry` (SearchEntry: a weighted tsvector with a
GIN index); SQLite, the embedded default, in the FTS5 table `articles_search_fts` (rowid = article
id; columns title, summary, body). Migration 0005 creates whichever the database has.

Entries follow editions. publishing.editions writes an article's entry from the edition it
publishes, in the same transaction (the two commit or roll back together, under the article's
row lock);
a withdrawal removes the entry, in its transaction too (`remove_entry`), so the entries are those
of the public articles and PostgreSQL finds matches without joining the articles (results are
still read through Article.objects.public()). `index_articles` rebuilds the entries of many
articles from the database at once (the data migration, `generate_articles`, a repair).
"""

import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape as escape_text
from html import unescape
from html.parser import HTMLParser

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article, Edition, SearchEntry

CONFIG = "english"  # stemming and stop words, the same for the entries and the queries
# Each language's text search configuration on PostgreSQL: Spanish stemming and stop words,
# accents ignored ("cancer" finds "cáncer"; migration 0029 builds it with unaccent).
CONFIGS = {"en": CONFIG, "es": "spanish_unaccent"}
FTS_TABLE = "articles_search_fts"
# SQLite: each language its own FTS5 table (rowid = article id), so a query reads its own
# language's entries only. Spanish is not stemmed (FTS5's porter is English), only folded:
# case and diacritics (remove_diacritics 2), so "quimioterapia" finds "Quimioterapía".
FTS_TABLES = {"en": FTS_TABLE, "es": "articles_search_fts_es"}
PER_PAGE = 20
# A query ranks at most this many of its matches (PostgreSQL: twice, see _PostgreSQLMatches);
# past it a reader is told "more than", pages stop there, and adding words narrows the search.
# Ranking reads each match's whole document: ranking all 100 000 for a word in every article
# would take seconds.
MAX_COUNTED = 100
MAX_QUERY_WORDS = 32
# The newest entries among which PostgreSQL looks for a query's newest matches first, before
# looking among all of them (see _PostgreSQLMatches).
RECENT = 10_000
RECENT_SECONDS = 300
BATCH = 10_000  # articles a statement of index_articles covers
HEADLINE_CHARS = 1200  # of an edition's text, where PostgreSQL looks for a snippet
# The columns a list of articles shows (title and summary come from the edition; its renditions,
# the large part of the row, are never loaded for a list).
ARTICLE_LIST_FIELDS = (
    "slug",
    "translation_of",  # what get_absolute_url reads: a translation's address is its language's
    "live_revision",
    "published_at",
    "public_edition",
    "public_edition__title",
    "public_edition__summary",
)
# Private-use characters the database puts around a highlighted word; no article text uses them.
_START, _STOP = "\ue000", "\ue001"
_HIGHLIGHT = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)
_WEIGHTS = {"title": 10.0, "summary": 4.0, "body": 1.0}  # SQLite's bm25() column weights


@dataclass(frozen=True)
class SearchHit:
    """One match, as a results page shows it."""

    article: Article
    title: str
    summary: str
    snippet: SafeString  # escaped text, words of the query in <mark>
    topics: tuple = ()  # what the results page links to (public.views adds them)


@dataclass(frozen=True)
class SearchResults:
    page: Page  # its object_list: the SearchHits of this page, best first
    more_than_counted: bool  # more matches than MAX_COUNTED: `count` is a floor


def search(text: str, page_number: int | str = 1, language: str = "en") -> SearchResults:
    """The page of public articles of `language` (the English originals, or one language's
    translations) whose public edition matches `text`, best match first.

    Raises django.core.paginator.InvalidPage for a page that does not exist.
    """
    if language not in CONFIGS:
        raise ValueError(f"No search in {language!r}: {', '.join(CONFIGS)}.")
    matches = _Matches(text, language)
    page = Paginator(matches, PER_PAGE).page(page_number)
    return SearchResults(page=page, more_than_counted=matches.more_than_counted)


def index_articles(article_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """(Re)build the entries of these articles from their public editions, and drop the entries
    of those readers cannot open (withdrawn, or never published). Returns the entries written."""
    ids = sorted(set(article_ids))
    backend = _backend(using)
    written = 0
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            written += backend.index(cursor, ids[start : start + BATCH])
    return written


def index_edition(edition: Edition, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Write the entry of the edition's article from this edition, where it is published."""
    with connections[using].cursor() as cursor:
        _backend(using).index_edition(cursor, edition.pk)


def remove_entry(article_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Readers may no longer open the article (it is withdrawn): search no longer finds it."""
    with connections[using].cursor() as cursor:
        for table, key in _backend(using).tables():
            cursor.execute(f"DELETE FROM {table} WHERE {key} = %s", [article_id])


class _Matches:
    """What Paginator pages through: a (capped) count, and any slice ranked and highlighted."""

    def __init__(self, text: str, language: str):
        self.found = _backend(DEFAULT_DB_ALIAS).find(text, language)
        self.more_than_counted = False

    def count(self) -> int:
        found = self.found.count(limit=MAX_COUNTED + 1)
        self.more_than_counted = found > MAX_COUNTED
        return min(found, MAX_COUNTED)

    def __getitem__(self, window: slice) -> list[SearchHit]:
        return self.found.hits(offset=window.start, limit=window.stop - window.start)


def _listed(article_ids: Sequence[int]) -> dict[int, Article]:
    # A translation's address is its original's, under its language: read with it.
    articles = Article.objects.select_related("public_edition", "translation_of")
    return articles.only(*ARTICLE_LIST_FIELDS, "translation_of__slug").in_bulk(article_ids)


def _hit(article: Article, snippet: str) -> SearchHit:
    return SearchHit(
        article=article,
        title=article.public_edition.title,
        summary=article.public_edition.summary,
        snippet=highlighted(snippet),
    )


def highlighted(snippet: str) -> SafeString:
    """The database's snippet as safe HTML: its text escaped, its highlights (only) as <mark>.

    The indexed text is the edition's rendered HTML with the tags stripped, so its entities are
    read back first (else "&amp;" would show as such). Its blocks (headings, paragraphs, list
    items) are lines; where one does not end a sentence, a middle dot keeps it from running
    into the next ("With poziotinib · Poziotinib often causes…").
    """
    text = _SENTENCE_BREAK.sub(r"\1 ", unescape(snippet).strip("\n"))
    text = _BLOCK_BREAK.sub(" \u00b7 ", text)
    html = _HIGHLIGHT.sub(r"<mark>\1</mark>", escape(text))
    return mark_safe(html.replace(_START, "").replace(_STOP, ""))  # escaped above


_SENTENCE_BREAK = re.compile(f"([.!?:;\u2026]{_STOP}?)[ \\t]*\\n\\s*")
_BLOCK_BREAK = re.compile(r"[ \t]*\n\s*")


def words_of(html: str) -> str:
    """The words of a rendered fragment, for the search index, as strip_tags gives them (HTML
    escapes kept: highlighted() reads them back) but with each block on a line of its own and
    the citation numbers left out (stripped of their tags they would join the word before them,
    "anemia.1", and show in snippets as if part of the text)."""
    reader = _WordsOf()
    reader.feed(html)
    reader.close()
    return re.sub(r"[ \t]*\n\s*", "\n", "".join(reader.words)).strip()


class _WordsOf(HTMLParser):
    BLOCKS = {"p", "li", "ul", "ol", "table", "tr", "td", "th", "blockquote", "pre", "hr", "br"}
    BLOCKS |= {"h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "div"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.in_citation = 0  # depth inside a <sup class="citation">

    def handle_starttag(self, tag, attrs):
        if self.in_citation and tag == "sup":
            self.in_citation += 1
        elif tag == "sup" and "citation" in (dict(attrs).get("class") or "").split():
            self.in_citation = 1
        if tag in self.BLOCKS:
            self.words.append("\n")

    def handle_endtag(self, tag):
        if self.in_citation and tag == "sup":
            self.in_citation -= 1
        if tag in self.BLOCKS:
            self.words.append("\n")

    def handle_data(self, data):
        if not self.in_citation:
            self.words.append(escape_text(data, quote=False))  # as nh3 wrote it


# The edition's text has its citation numbers glued to the sentence they end ("first.1", from
# "first.<sup>1</sup>"), which PostgreSQL's parser reads as one file-name-like word, so the word
# could not be found. A space goes between a letter's full stop and a digit (2.5 stays 2.5).
_CITATION_AFTER_WORD = (r"([[:alpha:]][.!?])([0-9])", r"\1 \2", "g")


def _config_of(column: str) -> str:
    """SQL naming the text search configuration of the language in `column`."""
    cases = " ".join(f"WHEN '{code}' THEN '{config}'" for code, config in CONFIGS.items())
    return f"(CASE {column} {cases} ELSE '{CONFIG}' END)::regconfig"


class _PostgreSQL:
    table = "articles_searchentry"
    key = "article_id"  # the column holding the entry's article
    # Each entry in its article's language's configuration (c.config, from `a.language`).
    config = f" CROSS JOIN LATERAL (SELECT {_config_of('a.language')} AS config) c"
    # The title (A) and summary (B) alone, for the title window of a broad query (see below),
    # then the whole document: those and every other word readers can read (C).
    heading = (
        "setweight(to_tsvector(c.config, e.title), 'A')"
        " || setweight(to_tsvector(c.config, e.summary), 'B')"
    )
    columns = (
        "(article_id, language, published_at, title_document, document)"
        " SELECT e.article_id, a.language, e.published_at, h.heading, h.heading"
        " || setweight(to_tsvector(c.config, regexp_replace(e.search_text, %s, %s, %s)), 'C')"
    )
    upsert = (
        " ON CONFLICT (article_id) DO UPDATE SET published_at = EXCLUDED.published_at,"
        " language = EXCLUDED.language,"
        " title_document = EXCLUDED.title_document, document = EXCLUDED.document"
    )

    def tables(self) -> list[tuple[str, str]]:
        return [(self.table, self.key)]

    def index(self, cursor, ids: list[int]) -> int:
        # One upsert (an UPDATE where the entry exists) and one delete for the whole batch.
        cursor.execute(
            f"INSERT INTO {self.table} {self.columns} FROM articles_article a"
            f" JOIN articles_edition e ON e.id = a.public_edition_id{self.config}"
            f" CROSS JOIN LATERAL (SELECT {self.heading} AS heading) h"
            f" WHERE a.id = ANY(%s) AND a.withdrawn_at IS NULL {self.upsert}",
            [*_CITATION_AFTER_WORD, ids],
        )
        written = cursor.rowcount
        cursor.execute(
            f"DELETE FROM {self.table} WHERE article_id = ANY(%s) AND article_id NOT IN ("
            " SELECT id FROM articles_article WHERE id = ANY(%s)"
            " AND public_edition_id IS NOT NULL AND withdrawn_at IS NULL)",
            [ids, ids],
        )
        return written

    def index_edition(self, cursor, edition_id: int) -> None:
        cursor.execute(
            f"INSERT INTO {self.table} {self.columns} FROM articles_edition e"
            f" JOIN articles_article a ON a.id = e.article_id{self.config}"
            f" CROSS JOIN LATERAL (SELECT {self.heading} AS heading) h"
            f" WHERE e.id = %s {self.upsert}",
            [*_CITATION_AFTER_WORD, edition_id],
        )

    @staticmethod
    def find(text: str, language: str) -> "_PostgreSQLMatches":
        return _PostgreSQLMatches(text, language)


_recent: tuple[float, datetime | None] | None = None  # (until when, where the span begins)


def _recent_start() -> datetime | None:
    """When the newest RECENT entries begin (None while there are fewer), kept in this process
    for RECENT_SECONDS. Any start is correct (matches found after it are newer than any before
    it); a recent one only keeps the first look short, so a few minutes' lag does no harm."""
    global _recent
    now = time.monotonic()
    if _recent is None or _recent[0] < now:
        newest = SearchEntry.objects.order_by("-published_at", "-article_id")
        start = next(iter(newest.values_list("published_at", flat=True)[RECENT - 1 : RECENT]), None)
        _recent = (now + RECENT_SECONDS, start)
    return _recent[1]


class _PostgreSQLMatches:
    """The matches of one query. Ranking reads each match's whole document, so a word found in
    most of 100 000 articles would rank them all for every page; instead a query ranks at most
    two windows of its matches, found through the GIN indexes: the newest MAX_COUNTED + 1
    matches, and the newest MAX_COUNTED + 1 whose title or summary match (so an older article
    named for the words is not lost). A query with fewer matches than that ranks them all.

    Finding the newest matches of a common word still visits every match's row (9 000 rows,
    tens of milliseconds, for a word in one article of ten at 100 000 articles). So the newest
    matches are looked for first among the newest RECENT entries (the GIN index holds each
    document's publication time too, so only the matches in that span are visited), and only
    then among all: a common word stops at the first span, a rare one has few matches to visit.

    Entries are kept for public articles only (an edition writes its article's entry, a
    withdrawal removes it, in the same transaction), so matches need no join with the articles;
    the ranked page still joins each entry's article and keeps what readers may open.
    """

    def __init__(self, text: str, language: str = "en"):
        from django.contrib.postgres.search import SearchQuery

        self.text, self.language, self.config = text, language, CONFIGS[language]
        # websearch syntax ("quoted phrases", or, -word) never raises on any input.
        self.query = SearchQuery(text, config=self.config, search_type="websearch")
        self._windows: tuple[list[int], int] | None = None

    # The statements are written out: two short ones a search, planned and run for every reader,
    # where the ORM's joins and parameter lists cost as much as the work (see the README's
    # benchmarks).
    _QUERY = "websearch_to_tsquery(%s::regconfig, %s)"
    # When only approved articles are public, entries of pending editions are kept too.
    _APPROVED_ONLY = (
        " AND s.article_id IN (SELECT id FROM articles_article WHERE live_revision_id IS NOT NULL)"
    )

    def _newest(self, column: str, window: int, since: datetime | None) -> tuple[str, list]:
        """The newest MAX_COUNTED + 1 entries whose `column` matches (published `since`)."""
        sql = f"SELECT s.article_id, {window} FROM {_PostgreSQL.table} s WHERE s.{column} @@ "
        sql += self._QUERY + (" AND s.published_at >= %s" if since else "")
        sql += " AND s.language = %s"  # the reader's language's entries only
        if not settings.VETTED_SHOW_UNAPPROVED:
            sql += self._APPROVED_ONLY
        sql += " ORDER BY s.published_at DESC, s.article_id DESC LIMIT %s"
        since_params = [since] if since else []
        return f"({sql})", [self.config, self.text, *since_params, self.language, MAX_COUNTED + 1]

    def _rows(self, *parts: tuple[str, list]) -> list[tuple[int, int]]:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(sql for sql, _ in parts),
                           [p for _, params in parts for p in params])  # fmt: skip
            return cursor.fetchall()

    def _candidates(self) -> tuple[list[int], int]:
        """The ids of both windows, and how many the window of all matches holds."""
        if self._windows is None:
            start = _recent_start()  # None: fewer entries than RECENT, all of them are recent
            rows = self._rows(
                self._newest("document", 1, start), self._newest("title_document", 0, None)
            )
            found = [pk for pk, window in rows if window]
            if start is not None and len(found) <= MAX_COUNTED:  # too few recent: look at all
                found = [pk for pk, _ in self._rows(self._newest("document", 1, None))]
            ids = {pk for pk, window in rows if not window} | set(found)
            self._windows = (list(ids), len(found))
        return self._windows

    def count(self, limit: int) -> int:
        ids, all_matches = self._candidates()
        return all_matches if all_matches >= limit else min(len(ids), limit)

    _PAGE = (
        "SELECT a.id, a.slug, a.live_revision_id, a.public_edition_id, a.published_at,"
        " a.translation_of_id, o.slug, e.title, e.summary, ts_headline(%s::regconfig,"
        " regexp_replace(left(e.search_text, %s), %s, %s, %s), " + _QUERY + ", %s)"
        " FROM (SELECT s.article_id, s.published_at, ts_rank(s.document, " + _QUERY + ") AS rank"
        "  FROM articles_searchentry s JOIN articles_article r ON r.id = s.article_id"
        "  WHERE s.article_id = ANY(%s) AND r.public_edition_id IS NOT NULL"
        "  AND r.withdrawn_at IS NULL AND r.language = %s {approved_only}"
        "  ORDER BY rank DESC, s.published_at DESC, s.article_id DESC LIMIT %s OFFSET %s) page"
        " JOIN articles_article a ON a.id = page.article_id"
        " JOIN articles_edition e ON e.id = a.public_edition_id"
        " LEFT JOIN articles_article o ON o.id = a.translation_of_id"
        " ORDER BY page.rank DESC, page.published_at DESC, page.article_id DESC"
    )
    # ts_headline's options: the words found between private-use marks, two fragments.
    _HEADLINE = (
        f"StartSel='{_START}', StopSel='{_STOP}', MaxFragments=2, MinWords=8, MaxWords=24,"
        " FragmentDelimiter=' … '"
    )
    # What a hit shows and its address reads (get_absolute_url: translation_of, whose slug
    # comes with the row).
    _FIELDS = ("id", "slug", "live_revision_id", "public_edition_id", "published_at",
               "translation_of_id")  # fmt: skip

    def hits(self, offset: int, limit: int) -> list[SearchHit]:
        """The page, in one statement: its ids ranked among the candidates' entries (each entry's
        article joined, to keep what readers may open), then those articles with their editions'
        titles, summaries and snippets. Snippets parse only the opening HEADLINE_CHARS of the
        edition's text (an article of every reader version runs to tens of thousands)."""
        ids, _ = self._candidates()
        approved_only = (
            "" if settings.VETTED_SHOW_UNAPPROVED else "AND r.live_revision_id IS NOT NULL"
        )
        config = self.config
        params = [config, HEADLINE_CHARS, *_CITATION_AFTER_WORD, config, self.text, self._HEADLINE,
                  config, self.text, ids, self.language, limit, offset]  # fmt: skip
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(self._PAGE.format(approved_only=approved_only), params)
            rows = cursor.fetchall()
        hits = []
        for row in rows:
            article = Article.from_db(DEFAULT_DB_ALIAS, self._FIELDS, row[:6])
            if article.translation_of_id:  # its address is its original's (get_absolute_url)
                article.translation_of = Article(pk=article.translation_of_id, slug=row[6])
            title, summary, snippet = row[7:]
            hits.append(SearchHit(article, title, summary, highlighted(snippet)))
        return hits


class _SQLite:
    table = FTS_TABLE
    key = "rowid"

    def tables(self) -> list[tuple[str, str]]:
        return [(table, self.key) for table in FTS_TABLES.values()]

    def index(self, cursor, ids: list[int]) -> int:
        # FTS5 has no upsert: the batch's rows go, and those still public come back in one
        # INSERT ... SELECT a language (the ids travel as one JSON parameter, whatever their
        # number).
        batch = json.dumps(ids)
        written = 0
        for language, table in FTS_TABLES.items():
            cursor.execute(
                f"DELETE FROM {table} WHERE rowid IN (SELECT value FROM json_each(%s))", [batch]
            )
            cursor.execute(
                f"INSERT INTO {table} (rowid, title, summary, body)"
                " SELECT a.id, e.title, e.summary, e.search_text FROM articles_article a"
                " JOIN articles_edition e ON e.id = a.public_edition_id"
                " WHERE a.id IN (SELECT value FROM json_each(%s)) AND a.withdrawn_at IS NULL"
                " AND a.language = %s",
                [batch, language],
            )
            written += cursor.rowcount
        return written

    def index_edition(self, cursor, edition_id: int) -> None:
        for language, table in FTS_TABLES.items():
            cursor.execute(
                f"DELETE FROM {table} WHERE rowid ="
                " (SELECT article_id FROM articles_edition WHERE id = %s)",
                [edition_id],
            )
            cursor.execute(
                f"INSERT INTO {table} (rowid, title, summary, body)"
                " SELECT e.article_id, e.title, e.summary, e.search_text FROM articles_edition e"
                " JOIN articles_article a ON a.id = e.article_id"
                " WHERE e.id = %s AND a.language = %s",
                [edition_id, language],
            )

    def find(self, text: str, language: str) -> "_SQLiteMatches":
        return _SQLiteMatches(self, text, language)

    @staticmethod
    def match_expression(text: str) -> str:
        """The reader's words as FTS5 phrases, all required: each word is quoted (a quote in
        it doubled), so no FTS5 syntax in the input (", *, NEAR, -, :, parentheses) is read as
        such. A word with no letter or digit in it is left out (it matches nothing)."""
        words = [w for w in text.split() if any(c.isalnum() for c in w)]
        return " ".join('"' + w.replace('"', '""') + '"' for w in words[:MAX_QUERY_WORDS])

    def _matching_sql(self, match: str, language: str) -> tuple[str, list]:
        public = Article.objects.public(language=language).order_by().values("pk")
        public, params = public.query.sql_with_params()
        table = FTS_TABLES[language]
        sql = (
            f" FROM {table} JOIN articles_article a ON a.id = {table}.rowid"
            f" WHERE {table} MATCH %s AND a.id IN ({public})"
        )
        return sql, [match, *params]

    def count(self, text: str, limit: int, language: str = "en") -> int:
        match = self.match_expression(text)
        if not match:
            return 0
        matching, params = self._matching_sql(match, language)
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM (SELECT 1 {matching} LIMIT %s)", [*params, limit])
            return cursor.fetchone()[0]

    def hits(self, text: str, offset: int, limit: int, language: str = "en") -> list[SearchHit]:
        match = self.match_expression(text)
        if not match:
            return []
        matching, params = self._matching_sql(match, language)
        weights = ", ".join(str(w) for w in _WEIGHTS.values())
        table = FTS_TABLES[language]
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(
                f"SELECT a.id, snippet({table}, 2, %s, %s, ' … ', 24) {matching}"
                f" ORDER BY bm25({table}, {weights}), a.published_at DESC, a.id DESC"
                " LIMIT %s OFFSET %s",
                [_START, _STOP, *params, limit, offset],
            )
            rows = cursor.fetchall()
        articles = _listed([article_id for article_id, _ in rows])
        return [_hit(articles[article_id], snippet) for article_id, snippet in rows]


@dataclass(frozen=True)
class _SQLiteMatches:
    backend: _SQLite
    text: str
    language: str = "en"

    def count(self, limit: int) -> int:
        return self.backend.count(self.text, limit, self.language)

    def hits(self, offset: int, limit: int) -> list[SearchHit]:
        return self.backend.hits(self.text, offset, limit, self.language)


_BACKENDS = {"postgresql": _PostgreSQL(), "sqlite": _SQLite()}


def _backend(using: str):
    vendor = connections[using].vendor
    if vendor not in _BACKENDS:
        raise NotImplementedError(f"Search needs PostgreSQL or SQLite, not {vendor}.")
    return _BACKENDS[vendor]
