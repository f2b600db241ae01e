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


EXON20 = Term("exon 20 insertion", ("exon 20 insertion",), "A gene change.")
ESMO = Term("ESMO", ("ESMO",), "A group of cancer experts in Europe.")
ANEMIA = Term("anemia", ("anemia",), "Too few red blood cells.")


GLOSS = '<span class="gloss">(<span class="visually-hidden">meaning: </span>A gene change)</span>'


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ('It is called an "exon 20 insertion." It is rare.',
         f'<p>It is called an "exon 20 insertion" {GLOSS}. It is rare.</p>'),
        ("The “exon 20 insertion” is rare.", f"<p>The “exon 20 insertion” {GLOSS} is rare.</p>"),
        ("The \u2018exon 20 insertion\u2019, found in few.",
         f"<p>The \u2018exon 20 insertion\u2019 {GLOSS}, found in few.</p>"),
    ],
)  # fmt: skip
def test_an_explanation_comes_after_the_closing_quotation_mark_not_inside_it(markdown, expected):
    assert annotate(html(markdown), [EXON20]) == expected


@pytest.mark.parametrize(
    "markdown",
    [
        "They follow NCCN and ESMO (2022). ESMO is a large group of cancer experts in Europe.",
        "ESMO stands for the European Society for Medical Oncology.",
        "Red blood cells got very low. This is called anemia.[@a]",
        "Tiredness and pale skin, called anemia, are common.",
        "Anemia means too few red blood cells.",
    ],
)
def test_a_term_the_writer_explains_in_the_same_paragraph_is_not_explained_twice(markdown):
    out = annotate(html(markdown), [ESMO, ANEMIA])
    assert "gloss" not in out


def test_a_term_the_writer_explains_only_elsewhere_is_still_explained_where_first_used():
    out = annotate(html("Guides from ESMO.\n\nESMO is a large group of experts."), [ESMO])
    assert out.count('class="gloss"') == 1
    assert out.startswith('<p>Guides from ESMO <span class="gloss">')


def test_naming_without_explaining_keeps_the_explanation():
    out = annotate(html("It was tested in a trial called ESMO-1 with ESMO."), [ESMO])
    assert out.count('class="gloss"') == 1
