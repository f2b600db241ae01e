"""Word-level differences between two versions of an article, as safe HTML (difflib)."""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy
from reversion.models import Version

from articles.selectors import ArticleText, ReferenceText, VersionText
from personalization.selectors import revision_variant_source

# A word with the space after it: runs of shared spaces do not split a change into confetti.
TOKENS = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class FieldDiff:
    label: str
    html: SafeString
    changed: bool


def word_diff(old: str, new: str) -> SafeString:
    """`new` with words removed since `old` in <del> and words added in <ins>; all escaped."""
    a, b = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
    return mark_safe("".join(parts))


FIELDS = (  # named on the page in the reader's language
    (gettext_lazy("Question (title)"), "title"),
    (gettext_lazy("Summary"), "summary"),
    (gettext_lazy("Body"), "body"),
    (gettext_lazy("Literature current through"), "literature_current_through"),
)
NO_VERSION = VersionText(summary="", body="")


def article_diff(old: ArticleText | None, new: ArticleText) -> list[FieldDiff]:
    """Field by field, references and reader versions included, from one text to another."""
    pairs = [
        (str(label), _text(getattr(old, name, None)), _text(getattr(new, name)))
        for label, name in FIELDS
    ]
    pairs.append(
        (gettext("References"), _references(old.references if old else {}),
         _references(new.references))
    )  # fmt: skip
    old_variants = old.variants if old else {}
    for label in sorted(set(old_variants) | set(new.variants)):
        was = old_variants.get(label, NO_VERSION)
        now = new.variants.get(label, NO_VERSION)
        named = {"role": label}
        pairs.append((gettext("%(role)s version: summary") % named, was.summary, now.summary))
        pairs.append((gettext("%(role)s version: body") % named, was.body, now.body))
    return [FieldDiff(label, word_diff(a, b), a != b) for label, a, b in pairs]


def _text(value) -> str:
    return "" if value is None else str(value)


def _references(references: dict[str, ReferenceText]) -> str:
    lines = []
    for key in sorted(references):
        ref = references[key]
        year = f", {ref.year}" if ref.year else ""
        ids = [f"DOI {ref.doi}" if ref.doi else "", f"PMID {ref.pmid}" if ref.pmid else ""]
        extra = " ".join(part for part in [ref.authors, *ids, ref.url] if part)
        lines.append(f"[@{key}] {ref.kind_label}: {ref.title}. {ref.source}{year}. {extra}")
    return "\n".join(line.rstrip() for line in lines)


def compare_revisions(article, old_id: object, new_id: object) -> list[FieldDiff] | None:
    """The diff between two saved versions of `article` (ids as the request gave them), or
    None when either is not a version of it."""

    try:
        old_id, new_id = int(old_id), int(new_id)
    except (TypeError, ValueError):
        return None
    # Only the two asked for: an article may have thousands of versions.
    known = set(
        Version.objects.get_for_object(article)
        .filter(revision_id__in=[old_id, new_id])
        .values_list("revision_id", flat=True)
    )
    if old_id not in known or new_id not in known:
        return None
    return article_diff(
        revision_variant_source(article, old_id), revision_variant_source(article, new_id)
    )
