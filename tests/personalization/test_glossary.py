import pytest

from articles.rendering import render_body
from personalization.glossary import Term, annotate

NSCLC = Term("NSCLC", ("NSCLC", "non-small cell lung cancer"), "The most common lung cancer.")
ILD = Term("ILD", ("interstitial lung disease", "ILD"), "Swelling and scarring in the lungs.")


def html(markdown: str) -> str:
    return render_body(markdown, known_keys={"a"}).html


def test_only_the_first_occurrence_is_explained():
    out = annotate(html("NSCLC is common. NSCLC again. non-small cell lung cancer too."), [NSCLC])
    assert out.count("The most common lung cancer") == 1
    assert out.startswith('<p>NSCLC <span class="gloss">')


def test_explanations_are_text_for_screen_readers_and_print_not_hover_tooltips():
    out = annotate(html("We treat NSCLC."), [NSCLC])
    assert "title=" not in out
    assert '<span class="visually-hidden">meaning: </span>The most common lung cancer)' in out


def test_the_longest_form_wins():
    lung = Term("lung cancer", ("lung cancer",), "Cancer of the lung.")
    out = annotate(html("About non-small cell lung cancer."), [lung, NSCLC])
    assert "The most common lung cancer" in out and "Cancer of the lung" not in out


@pytest.mark.parametrize(
    "markdown",
    [
        "## NSCLC in a heading",
        "[NSCLC](https://example.org) in a link",
        "`NSCLC` in code",
        "```\nNSCLC in a block\n```",
        "A citation.[@a]",
    ],
)
def test_never_inside_links_headings_code_or_citations(markdown):
    out = annotate(html(markdown), [NSCLC, Term("1", ("1",), "one")])
    assert "gloss" not in out


def test_whole_words_only():
    out = annotate(html("NSCLCs and preNSCLC and ILD-like"), [NSCLC, ILD])
    assert "gloss" not in out


def test_hostile_glossary_text_is_inert():
    evil = Term("NSCLC", ("NSCLC",), "<script>alert(1)</script><img src=x onerror=alert(1)>")
    out = annotate(html("NSCLC here."), [evil])
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out  # shown as text, run never


def test_hostile_article_text_stays_inert_through_annotation():
    out = annotate(
        html("<script>alert(1)</script> NSCLC and 5 < 6 & <b onclick=x>bold</b>"), [NSCLC]
    )
    assert "<script" not in out and "alert(1)" not in out and "onclick" not in out
    assert "5 &lt; 6 &amp;" in out and "The most common lung cancer" in out


def test_no_terms_leaves_the_html_alone():
    source = html("NSCLC")
    assert annotate(source, []) == source
