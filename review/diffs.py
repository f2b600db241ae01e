"""Word-level differences between two versions of an article, as safe HTML (difflib)."""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

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


def article_diff(old: dict | None, new: dict) -> list[FieldDiff]:
    """Field by field, references included, from one content source dict to another."""
    old = old or {"references": {}}
    fields = [
        ("Question (title)", "title"),
        ("Summary", "summary"),
        ("Body", "body"),
        ("Literature current through", "literature_current_through"),
    ]
    diffs = []
    for label, name in fields:
        before, after = _text(old.get(name)), _text(new.get(name))
        diffs.append(FieldDiff(label, word_diff(before, after), before != after))
    before, after = _references(old["references"]), _references(new["references"])
    diffs.append(FieldDiff("References", word_diff(before, after), before != after))
    old_variants, new_variants = old.get("variants", {}), new.get("variants", {})
    for label in sorted(set(old_variants) | set(new_variants)):
        was, now = old_variants.get(label, {}), new_variants.get(label, {})
        for part in ("summary", "body"):
            before, after = was.get(part, ""), now.get(part, "")
            diffs.append(
                FieldDiff(f"{label} version: {part}", word_diff(before, after), before != after)
            )
    return diffs


def _text(value) -> str:
    return "" if value is None else str(value)


def _references(references: dict) -> str:
    lines = []
    for key in sorted(references):
        ref = references[key]
        year = f", {ref['year']}" if ref["year"] else ""
        ids = [
            f"DOI {ref['doi']}" if ref["doi"] else "",
            f"PMID {ref['pmid']}" if ref["pmid"] else "",
        ]
        extra = " ".join(part for part in [ref["authors"], *ids, ref["url"]] if part)
        lines.append(
            f"[@{key}] {ref['kind_label']}: {ref['title']}. {ref['source']}{year}. {extra}"
        )
    return "\n".join(line.rstrip() for line in lines)


def compare_revisions(article, old_id: object, new_id: object) -> list[FieldDiff] | None:
    """The diff between two saved versions of `article` (ids as the request gave them), or
    None when either is not a version of it."""

    try:
        old_id, new_id = int(old_id), int(new_id)
    except (TypeError, ValueError):
        return None
    known = set(Version.objects.get_for_object(article).values_list("revision_id", flat=True))
    if old_id not in known or new_id not in known:
        return None
    return article_diff(
        revision_variant_source(article, old_id), revision_variant_source(article, new_id)
    )
