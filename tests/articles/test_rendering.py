"""articles.rendering: citation numbering and the sanitizer. Pure functions, no database."""

import html
import re
from html.parser import HTMLParser

import pytest

from articles.rendering import UnrenderableMarkdown, cited_keys, render_body, render_markdown

KNOWN = frozenset({"a", "b", "c", "d", "nccn-2024"})

FORBIDDEN_TAGS = (
    "script", "iframe", "svg", "object", "embed", "style", "img", "form", "input", "math",
    "base", "meta", "link",
)  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Tags(HTMLParser):
    """Collects every start tag with its attributes (values already entity-decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def tags_in(fragment: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser.tags


def citations_in(fragment: str) -> list[dict[str, str]]:
    """The attributes (and text) of each `<sup class="citation"><a ...>N</a></sup>`, in order."""
    pattern = re.compile(r'<sup class="citation">(<a [^>]*>)([^<]*)</a></sup>')
    found = []
    for match in pattern.finditer(fragment):
        (_, attrs), *_ = tags_in(match.group(1))
        found.append({**attrs, "text": match.group(2)})
    return found


def assert_inert(fragment: str) -> None:
    lowered = fragment.lower()
    for tag in FORBIDDEN_TAGS:
        assert f"<{tag}" not in lowered, f"<{tag}> survived: {fragment!r}"
    for tag, attrs in tags_in(fragment):
        assert tag not in FORBIDDEN_TAGS, fragment
        for name, value in attrs.items():
            assert not re.fullmatch(r"on\w+", name), f"event handler {name} on <{tag}>"
            assert name != "style", f"style attribute on <{tag}>"
            if name in URL_ATTRIBUTES:
                # Browsers ignore whitespace and control characters inside a scheme.
                squeezed = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
                assert not squeezed.startswith(DANGEROUS_SCHEMES), f"{name}={value!r}"


# --- citations -------------------------------------------------------------------------------


def test_citation_marker_becomes_a_numbered_superscript_link():
    rendered = render_body("Platinum doublet first.[@nccn-2024]", KNOWN)

    assert citations_in(rendered.html) == [
        {
            "href": "#ref-1",
            "aria-label": "Reference 1",
            "rel": "noopener noreferrer",
            "text": "1",
        }
    ]
    assert "[@nccn-2024]" not in rendered.html
    assert rendered.cited_keys == ("nccn-2024",)
    assert rendered.dangling_keys == ()


def test_citations_are_numbered_by_first_appearance_and_repeats_reuse_their_number():
    rendered = render_body("One.[@b] Two.[@a] Again.[@b] Three.[@c]", KNOWN)

    numbers = [c["text"] for c in citations_in(rendered.html)]
    assert numbers == ["1", "2", "1", "3"]
    assert [c["href"] for c in citations_in(rendered.html)] == [
        "#ref-1",
        "#ref-2",
        "#ref-1",
        "#ref-3",
    ]
    assert rendered.cited_keys == ("b", "a", "c")


def test_numbering_follows_reading_order_through_headings_nested_lists_and_tables():
    body = (
        "## Heading[@d]\n\n"
        "- outer\n"
        "    - inner[@c]\n"
        "- second[@a]\n\n"
        "| Drug[@b] | Rate |\n"
        "|---|---|\n"
        "| T-DXd | 55%[@d] |\n"
    )
    rendered = render_body(body, KNOWN)

    assert rendered.cited_keys == ("d", "c", "a", "b")
    assert [c["text"] for c in citations_in(rendered.html)] == ["1", "2", "3", "4", "1"]
    assert re.search(r"<h2>Heading<sup class=\"citation\">.*?>1</a></sup></h2>", rendered.html)
    assert re.search(r"<th>Drug<sup class=\"citation\">.*?>4</a></sup></th>", rendered.html)


def test_adjacent_markers_are_two_citations():
    rendered = render_body("Both.[@a][@b]", KNOWN)

    assert [c["text"] for c in citations_in(rendered.html)] == ["1", "2"]
    assert rendered.cited_keys == ("a", "b")


def test_markers_in_code_stay_literal_and_are_not_numbered():
    body = "Write `[@a]` to cite.\n\n```\n[@b]\n```\n\n    [@c]\n\nReal.[@d]\n"
    rendered = render_body(body, KNOWN)

    assert "<code>[@a]</code>" in rendered.html
    assert "[@b]" in rendered.html
    assert "[@c]" in rendered.html
    assert rendered.cited_keys == ("d",)
    assert [c["text"] for c in citations_in(rendered.html)] == ["1"]


def test_escaped_marker_stays_literal():
    rendered = render_body(r"Write \[@a] to cite a.", KNOWN)

    assert "[@a]" in rendered.html
    assert citations_in(rendered.html) == []
    assert rendered.cited_keys == ()


def test_unknown_key_renders_a_missing_notice_and_is_reported_not_raised():
    rendered = render_body("Known.[@a] Unknown.[@nope] Again.[@nope]", KNOWN)

    assert rendered.html.count('<span class="citation-missing">[citation missing]</span>') == 2
    assert rendered.dangling_keys == ("nope",)
    assert rendered.cited_keys == ("a",)
    assert [c["text"] for c in citations_in(rendered.html)] == ["1"]


def test_plain_markdown_reports_every_marker_as_missing():
    out = render_markdown("See [@a].")

    assert '<span class="citation-missing">[citation missing]</span>' in out
    assert "<sup" not in out


def test_cited_keys_returns_keys_in_reading_order_once_each():
    text = "## Title[@z]\n\n- item[@y]\n- again[@z]\n\nEnd.[@x][@y] `[@code]`\n"

    assert cited_keys(text) == ("z", "y", "x")


def test_cited_keys_of_text_without_markers_is_empty():
    assert cited_keys("Nothing cited here. [not a marker] [@] [@-bad]") == ()


# --- sanitizing ------------------------------------------------------------------------------

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "script-mixed-case": "<SCRIPT>alert(1)</SCRIPT>",
    "script-in-paragraph": "Hello <script src=//evil.example/x.js></script> world",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "svg-onload": "<svg onload=alert(1)>",
    "iframe-javascript": "<iframe src=javascript:alert(1)></iframe>",
    "md-link-javascript": "[x](javascript:alert(1))",
    "md-link-mixed-case": "[x](JaVaScRiPt:alert(1))",
    "md-link-tab-entity": "[x](java&#x09;script:alert(1))",
    "md-link-decimal-entity": "[x](&#106;avascript:alert(1))",
    "md-link-leading-space": "[x](   javascript:alert(1))",
    "md-link-leading-newline": "[x](\njavascript:alert(1))",
    "md-link-data-html": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "md-link-vbscript": "[x](vbscript:msgbox(1))",
    "md-link-title-breakout": '[x](https://ok.example "a\\" onmouseover=alert(1) x=\\"")',
    "md-image-javascript": "![x](javascript:alert(1))",
    "md-image-onerror-title": '![x](x "onerror=alert(1)")',
    "reference-definition": "[x][evil]\n\n[evil]: javascript:alert(1)",
    "reference-definition-data": "[x][evil]\n\n[evil]: data:text/html,<script>alert(1)</script>",
    "autolink-javascript": "<javascript:alert(1)>",
    "comment-with-script": "<!-- <script>alert(1)</script> -->",
    "raw-anchor-javascript": '<a href="javascript:alert(1)">x</a>',
    "raw-anchor-leading-space": '<a href=" javascript:alert(1)">x</a>',
    "raw-anchor-entity": '<a href="&#x6A;avascript:alert(1)">x</a>',
    "raw-anchor-onclick": '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "details-ontoggle": "<details open ontoggle=alert(1)>x</details>",
    "math-xlink": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "style-expression": '<p style="width: expression(alert(1))">x</p>',
    "style-element": "<style>body{background:url(javascript:alert(1))}</style>",
    "base-href": '<base href="javascript:alert(1)//">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "link-stylesheet": '<link rel="stylesheet" href="javascript:alert(1)">',
    "form-action": '<form action="javascript:alert(1)"><input type=submit></form>',
    "object-data": '<object data="javascript:alert(1)"></object>',
    "embed-src": '<embed src="javascript:alert(1)">',
    "nested-malformed-script": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "unclosed-script": "<script",
    "unclosed-script-with-body": "text\n\n<script>alert(1)",
    "img-inside-list": "- item <img src=x onerror=alert(1)>\n- other",
    "img-inside-table": "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "citation-beside-script": "Cited.[@a]<script>alert(1)</script>",
    "event-on-allowed-tag": '<strong onmouseover="alert(1)">bold</strong>',
    "sup-with-fake-class": '<sup class="citation" onclick="alert(1)">1</sup>',
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_renders_inert(text):
    assert_inert(render_body(text, KNOWN).html)
    assert_inert(render_markdown(text))


def test_raw_anchor_with_javascript_loses_its_href_but_keeps_its_text():
    out = render_markdown('<a href="javascript:alert(1)">click</a>')

    assert "click" in out
    assert "href" not in out


def test_safe_web_link_keeps_its_href_and_gains_noopener():
    out = render_markdown("[guideline](https://example.org/nccn)")

    [(tag, attrs)] = tags_in(out)[1:]  # after the <p>
    assert tag == "a"
    assert attrs["href"] == "https://example.org/nccn"
    assert attrs["rel"] == "noopener noreferrer"


def test_mailto_link_survives():
    out = render_markdown("[write to us](mailto:editors@example.org)")

    assert 'href="mailto:editors@example.org"' in out


def test_allowed_formatting_survives_sanitizing():
    out = render_markdown("**bold** *em* ~~no~~\n\n> quote\n\n1. one\n2. two\n")

    for fragment in ("<strong>bold</strong>", "<em>em</em>", "<blockquote>", "<ol>", "<li>one"):
        assert fragment in out


# --- pathological input ----------------------------------------------------------------------


def test_deeply_nested_list_raises_unrenderable_markdown_not_recursion_error():
    with pytest.raises(UnrenderableMarkdown) as caught:
        render_markdown("- " * 3000 + "x")

    assert isinstance(caught.value, ValueError)


def test_deeply_nested_body_is_unrenderable_for_render_body_too():
    with pytest.raises(UnrenderableMarkdown):
        render_body("1. " * 3000 + "x[@a]", KNOWN)


def test_moderately_nested_list_still_renders():
    out = render_markdown("- " * 20 + "deep")

    assert "deep" in out
    assert out.count("<ul>") == 20
