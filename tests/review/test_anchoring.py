import pytest

from review.anchoring import (
    Anchor,
    PassageNotFound,
    Span,
    anchor_in,
    find_in_source,
    locate,
    mark_passages,
    plain_text,
)

HTML = (
    "<p>Use <strong>T-DXd</strong> after progression "
    '<sup class="citation"><a href="#ref-1">1</a></sup>.</p>\n'
    "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
)


def test_plain_text_reads_the_words_as_a_reader_sees_them():
    assert plain_text(HTML) == "Use T-DXd after progression 1. one two"
    assert plain_text("<p>a&amp;b</p><p>c</p>") == "a&b c"


def test_a_quote_is_anchored_with_its_context_whitespace_aside():
    text = plain_text(HTML)
    anchor = anchor_in(text, "T-DXd\n after   progression")
    assert anchor == Anchor(quote="T-DXd after progression", prefix="Use ", suffix=" 1. one two")


def test_a_quote_not_in_the_text_is_refused_in_words():
    with pytest.raises(PassageNotFound, match="not in the text"):
        anchor_in("Platinum doublet first.", "immunotherapy")
    with pytest.raises(PassageNotFound, match="Select or paste"):
        anchor_in("Platinum doublet first.", "  ")


def test_a_quote_found_twice_asks_for_a_longer_passage():
    assert anchor_in("Use A. Then use A again.", "use A").prefix == "Use A. Then "  # case counts
    with pytest.raises(PassageNotFound, match="appears 2 times"):
        anchor_in("use A. Then use A again.", "use A")


def test_the_passage_is_found_again_after_edits_around_it():
    anchor = anchor_in("Platinum doublet first. Then T-DXd.", "Then T-DXd")
    assert locate("New opening. Platinum doublet first. Then T-DXd.", anchor) == Span(37, 47)


def test_a_passage_whose_words_changed_is_not_found():
    anchor = anchor_in("Platinum doublet first. Then T-DXd.", "Then T-DXd")
    assert locate("Platinum doublet first. Then trastuzumab deruxtecan.", anchor) is None


def test_the_context_chooses_between_repeats_of_the_quote():
    anchor = anchor_in("Dose A for adults. Dose B for children.", "for children")
    text = "Dose A for children. Dose B for children."
    assert locate(text, anchor) == Span(28, 40)


def test_marks_wrap_the_passage_across_inline_tags_and_keep_the_rest():
    text = plain_text(HTML)
    start = text.index("T-DXd after")
    html = mark_passages(HTML, [(Span(start, start + len("T-DXd after")), "7")])
    first = '<mark class="passage" id="passage-7" data-comment="7">T-DXd</mark>'
    assert f"<strong>{first}</strong>" in html
    assert ' <mark class="passage" data-comment="7">after</mark> progression' in html
    assert plain_text(html) == text


def test_the_source_is_found_word_for_word_and_refused_across_formatting():
    source = "Use **T-DXd** after progression.[@nccn]\n\nThen rest."
    assert find_in_source(source, Anchor("after progression.", "", "")) == (14, 32)
    with pytest.raises(PassageNotFound, match="formatting"):
        find_in_source(source, Anchor("Use T-DXd after", "", ""))
