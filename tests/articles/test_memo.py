"""articles.memo: a page's repeated reads are read once, and nothing outside a page is kept."""

from articles.memo import read_once, reading
from articles.selectors import latest_revision_id
from articles.services import save_article

calls = []


@read_once
def _count(value, *, twice=False):
    calls.append(value)
    return len(calls)


def test_a_read_is_kept_only_within_the_block_and_by_its_arguments():
    calls.clear()
    assert _count(1) == 1 and _count(1) == 2  # outside: every call reads
    with reading():
        assert _count(1) == 3 and _count(1) == 3  # kept
        assert _count(2) == 4 and _count(1, twice=True) == 5  # other arguments: read
        assert _count(1, twice=False) == 3 and _count(value=1) == 3  # the same, as the read sees
    assert _count(1) == 6  # and nothing is kept after the block


def test_a_write_after_the_block_is_seen(make_article, author):
    article = make_article(slug="kept")
    with reading():
        first = latest_revision_id(article)
        assert latest_revision_id(article) == first
    article.body += "\nMore."
    save_article(article=article, by=author, comment="Edited")
    assert latest_revision_id(article) != first
