"""What every generated article is made of: its people, topics, references and body templates.

Made once a run (the people, topics and references are reused by later runs).
"""

import functools
import random
import re
from dataclasses import dataclass

import reversion
from django.contrib.auth.models import Group
from django.utils.text import slugify

from accounts.models import ContributorProfile, User
from articles.models import Reference, Topic
from articles.rendering import render_body
from articles.search import words_of
from articles.services import normalize_markdown
from review.workflow import AUTHORS, EDITORS, REVIEWERS

from . import vocabulary as words

REFERENCES = 40
DEMO_AUTHORS, DEMO_REVIEWERS = ("author", "editor"), ("reviewer", "reviewer2")
SENTINEL = re.compile(r"QZ([a-z0-9_]+)QZ")


# The people and the shared rows -----------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    authors: list[User]
    reviewers: list[User]


def cast() -> Cast:
    """load_demo's writers and board members if present; else a handful created here."""
    demo = User.objects.filter(is_active=True).order_by("username").distinct()
    authors = list(demo.filter(username__in=DEMO_AUTHORS, groups__name__in=[AUTHORS, EDITORS]))
    reviewers = list(demo.filter(username__in=DEMO_REVIEWERS, groups__name=REVIEWERS))
    if not authors:
        authors = _members(AUTHORS, "gen-author", ("Lea Novak", "Omar Haddad", "Mia Jensen"), "")
    if not reviewers:
        reviewers = _members(REVIEWERS, "gen-reviewer", ("Dr. Ines Duarte", "Dr. Kofi Mensah"),
                             "MD, Internal Medicine")  # fmt: skip
    return Cast(authors=authors, reviewers=reviewers)


def _members(group: str, prefix: str, names: tuple[str, ...], credentials: str) -> list[User]:
    members = []
    for number, name in enumerate(names, start=1):
        user, created = User.objects.get_or_create(
            username=f"{prefix}-{number}",
            defaults={"display_name": name, "credentials": credentials,
                      "email": f"{prefix}-{number}@example.org"},
        )  # fmt: skip
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=group)[0])
        # A public page of their own, as the demo's people have: what they wrote and signed.
        ContributorProfile.objects.get_or_create(
            user=user, defaults={"slug": f"{prefix}-{number}", "is_public": True}
        )
        members.append(user)
    return members


def topics() -> list[Topic]:
    return [Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
            for name in words.TOPICS]  # fmt: skip


def references(rng: random.Random, by: User) -> list[Reference]:
    """The shared references generated articles cite, made (versioned) on the first run."""
    found = {r.key: r for r in Reference.objects.filter(key__startswith="gen-ref-")}
    made = []
    for number in range(1, REFERENCES + 1):
        key = f"gen-ref-{number:02d}"
        if key in found:
            made.append(found[key])
            continue
        kind = rng.choice(Reference.Kind.values)
        design = rng.choice(("a randomised trial", "a systematic review", "a cohort study"))
        reference = Reference(
            key=key, kind=kind, year=rng.randint(2012, 2025),
            title=f"{rng.choice(words.DRUGS).capitalize()} in {rng.choice(words.CONDITIONS)}: "
                  f"{design}",
            source=rng.choice(words.REFERENCE_SOURCES),
            authors=", ".join(rng.sample(words.REFERENCE_AUTHORS, 3)) + ", et al.",
            doi=f"10.5555/gen.{number:04d}",
        )  # fmt: skip
        with reversion.create_revision():
            reference.save()
            reversion.set_user(by)
            reversion.set_comment("Generated reference")
        made.append(reference)
    return made


# Bodies -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BodyTemplate:
    """A body with slots, rendered once: filling the HTML's sentinels gives any article's HTML."""

    markdown: str
    html: str  # rendered with a sentinel in every slot and the citation slots as known keys
    text: str  # the HTML's words, for search_text
    cited_slots: tuple[str, ...]  # citation slots in numbering order

    @classmethod
    def render(cls, markdown: str) -> "BodyTemplate":
        marked = normalize_markdown(words.SLOT.sub(lambda m: f"QZ{m[1]}QZ", markdown))
        rendered = render_body(marked, frozenset(words.CITATION_SLOTS))
        return cls(markdown, rendered.html, words_of(rendered.html), rendered.cited_keys)

    def body(self, values: dict[str, str], keys: dict[str, str]) -> str:
        text = self.markdown.format_map(values)
        for slot, key in keys.items():
            text = text.replace(f"[@{slot}]", f"[@{key}]")
        return normalize_markdown(text)

    @staticmethod
    def fill(rendered: str, values: dict[str, str]) -> str:
        return SENTINEL.sub(lambda m: values[m[1]], rendered)


@functools.cache
def rendered_templates(seed: int, count: int) -> list[BodyTemplate]:
    """The run's body templates, rendered once a process (rendering is pure)."""
    return [BodyTemplate.render(body) for body in words.body_templates(random.Random(seed), count)]
