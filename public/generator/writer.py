"""Write generated articles in bulk, with the rows the review moves would have written.

Each article follows a *story* (write, submit, start_review, approve, edit, ...) replayed here
without the services: the same from/to states, ReviewEvents, reversion revisions and editions
that `review.services.make_move` would leave, built in memory and inserted with `bulk_create`,
one transaction per batch. What it leaves out is listed in SKIPPED (and in the command's help).
"""

import hashlib
import json
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.encoding import force_str, is_protected_type
from django.utils.html import strip_tags
from reversion.models import Revision, Version
from reversion.revisions import _get_options

from accounts.models import User
from articles.models import Article, Citation, Edition, Reference, ReviewState, Topic
from articles.rendering import render_body
from articles.selectors import ArticleContent, CitedReference, ReferenceText
from articles.services import normalize_markdown
from personalization.editions import DEFAULT, renditions, search_text
from personalization.models import ReaderRole
from personalization.selectors import approval_fingerprint
from review.editions import stored_sha256
from review.models import ReviewAssignment, ReviewEvent
from review.workflow import AUTHORS, EDITORS, MOVES, REVIEWERS

from . import vocabulary as words

SKIPPED = (
    "per-role reader versions (ArticleVariant): none are written, and editions hold only the "
    "default text, except one article in SAMPLE_EVERY, whose editions are published through "
    "personalization.editions (every reader role, glossary applied, real fingerprint)",
    "the reversion revisions the state moves write (submit, start review, approve, withdraw): "
    "only the revisions that change text are written, so events have no created_revision",
    "notifications and outbox e-mails, comments, co-authors",
    "save signals: page caches are not told (new slugs have nothing cached)",
)
SAMPLE_EVERY = 1000
BODY_TEMPLATES = 200
REFERENCES = 40
DEMO_AUTHORS, DEMO_REVIEWERS = ("author", "editor"), ("reviewer", "reviewer2")

# The state mix, in percent. The first articles of a run take each state once, so that even a
# small run has all of them; the rest follow an evenly spread cycle of these weights.
STATE_MIX = {
    ReviewState.APPROVED: 70,
    ReviewState.SUBMITTED: 10,
    ReviewState.UNDER_REVIEW: 8,
    ReviewState.CHANGES_REQUESTED: 5,
    ReviewState.DRAFT: 5,
    ReviewState.WITHDRAWN: 2,
}
SENTINEL = re.compile(r"QZ([a-z0-9_]+)QZ")

REQUESTS = (
    "Please cite the primary trial publication, not the press release.",
    "The dosing section needs the renal adjustment.",
    "Say which population the hazard ratio applies to.",
    "The safety section understates the bleeding risk; add the absolute rates.",
)
WITHDRAWALS = (
    "A safety communication from the regulator changes the dosing advice; under revision.",
    "The main trial was retracted; the article is withdrawn until it is rewritten.",
)
NOTES = (
    "Updated with the final results of the extension study.",
    "Dosing advice revised after the new label.",
    "Safety section expanded; figures corrected.",
)


def state_sequence(count: int) -> Iterator[str]:
    """Each state once, then the weighted mix spread evenly (smooth weighted round-robin)."""
    yield from list(STATE_MIX)[:count]
    current = dict.fromkeys(STATE_MIX, 0)
    total = sum(STATE_MIX.values())
    for _ in range(count - len(STATE_MIX)):
        for state, weight in STATE_MIX.items():
            current[state] += weight
        chosen = max(current, key=current.get)
        current[chosen] -= total
        yield chosen


def story(rng: random.Random, state: str) -> list[str]:
    """The moves that bring a new article to `state`, as the review table allows them."""
    cycle = ["write", "submit", "start_review", "approve"]
    if state == ReviewState.DRAFT:
        return ["write"]
    if state == ReviewState.APPROVED:
        editions = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
        return cycle + ["edit", "submit", "start_review", "approve"] * (editions - 1)
    if state == ReviewState.WITHDRAWN:
        return [*cycle, "withdraw"]
    # In review: three in ten are revisions of an approved article, the rest never approved.
    before = [*cycle, "edit"] if rng.random() < 0.3 else ["write"]
    tail = {
        ReviewState.SUBMITTED: ["submit"],
        ReviewState.UNDER_REVIEW: ["submit", "assign", "start_review"],
        ReviewState.CHANGES_REQUESTED: ["submit", "assign", "start_review", "request_changes"],
    }[state]
    return before + tail


def many_versions_story(versions: int) -> list[str]:
    """One article edited `versions` times, approved every hundredth, last submitted."""
    steps = ["write", "submit", "start_review", "approve"]
    for number in range(2, versions + 1):
        steps.append("edit")
        if number % 100 == 0 and number != versions:
            steps += ["submit", "start_review", "approve"]
    return [*steps, "submit"]


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
        return cls(markdown, rendered.html, strip_tags(rendered.html), rendered.cited_keys)

    def body(self, values: dict[str, str], keys: dict[str, str]) -> str:
        text = self.markdown.format_map(values)
        for slot, key in keys.items():
            text = text.replace(f"[@{slot}]", f"[@{key}]")
        return normalize_markdown(text)

    @staticmethod
    def fill(rendered: str, values: dict[str, str]) -> str:
        return SENTINEL.sub(lambda m: values[m[1]], rendered)


# Versions as django-reversion writes them --------------------------------------------------------


class VersionData:
    """`serializers.serialize("json", [obj], fields=<reversion's fields>)`, without its per-call
    setup and its query for many-to-many values (given here): the Python serializer's rules, one
    plan per model. tests/public/test_generate_articles.py compares it with the serializer."""

    def __init__(self, model: type[models.Model]) -> None:
        selected = _get_options(model).fields
        self.label = str(model._meta)
        self.fields = [
            f for f in model._meta.concrete_model._meta.local_fields
            if f.serialize and (f.attname[:-3] if f.remote_field else f.attname) in selected
        ]  # fmt: skip
        self.m2m = [
            f.name for f in model._meta.concrete_model._meta.local_many_to_many
            if f.serialize and f.attname in selected
        ]  # fmt: skip

    def __call__(self, obj: models.Model, m2m: dict[str, list[int]] | None = None) -> str:
        values = {}
        for f in self.fields:
            value = f.value_from_object(obj)
            values[f.name] = value if is_protected_type(value) else f.value_to_string(obj)
        for name in self.m2m:
            values[name] = (m2m or {}).get(name, [])
        data = {"model": self.label, "pk": obj.pk, "fields": values}
        return "[" + json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False) + "]"


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
        members.append(user)
    return members


def topics() -> list[Topic]:
    return [Topic.objects.get_or_create(slug=_slug(name), defaults={"name": name})[0]
            for name in words.TOPICS]  # fmt: skip


def references(rng: random.Random, by: User) -> list[Reference]:
    """The shared references generated articles cite, made (versioned) on the first run."""
    import reversion

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


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name)


# One batch ----------------------------------------------------------------------------------------


@dataclass
class Rows:
    """Everything one batch writes, in the order it is inserted."""

    revisions: list[Revision] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    topic_links: list[models.Model] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)
    editions: list[Edition] = field(default_factory=list)
    events: list[ReviewEvent] = field(default_factory=list)
    assignments: list[ReviewAssignment] = field(default_factory=list)
    samples: list[Edition] = field(default_factory=list)  # published through the real code


@dataclass(frozen=True)
class Text:
    """One revision of an article's text, as the edition built from it needs it."""

    revision_id: int
    title: str
    summary: str
    values: dict[str, str]
    literature_current_through: date
    saved_at: datetime


@dataclass(frozen=True)
class Plan:
    """One article to write: its address, the state it ends in and the moves that get it there."""

    slug: str
    state: str
    steps: list[str]
    rng: random.Random
    sample: bool = False  # publish its editions through personalization.editions


@dataclass
class Ids:
    """Primary keys reserved for one batch, so rows can point at each other before insertion."""

    articles: Iterator[int]
    revisions: Iterator[int]
    editions: Iterator[int]
    citations: Iterator[int]


TEXT_STEPS, PUBLISHING_STEPS = ("write", "edit"), ("submit", "approve")


class Writer:
    """Builds and inserts batches; holds what every batch shares (people, templates, rows)."""

    def __init__(self, *, seed: int, cast: Cast, topics: list[Topic], references: list[Reference]):
        rng = random.Random(seed)
        self.cast, self.topics, self.references = cast, topics, references
        self.templates = [BodyTemplate.render(t) for t in words.body_templates(rng, BODY_TEMPLATES)]
        self.reference_texts = {r.key: _reference_text(r) for r in references}
        self.roles = list(ReaderRole.objects.all())
        self.article_type = ContentType.objects.get_for_model(Article)
        self.citation_type = ContentType.objects.get_for_model(Citation)
        self.article_data, self.citation_data = VersionData(Article), VersionData(Citation)
        self.now = timezone.now()

    def write(self, plans: list[Plan]) -> list[int]:
        """Insert one batch in one transaction; return the new articles' ids."""
        with transaction.atomic(), _historical_timestamps(Article, ReviewEvent, ReviewAssignment):
            ids = Ids(
                articles=_reserve(Article, len(plans)),
                revisions=_reserve(Revision, _count(plans, TEXT_STEPS)),
                editions=_reserve(Edition, _count(plans, PUBLISHING_STEPS)),
                citations=_reserve(Citation, len(words.CITATION_SLOTS) * len(plans)),
            )
            rows = Rows()
            for plan in plans:
                _Story(self, plan, ids, rows).tell()
            Revision.objects.bulk_create(rows.revisions, batch_size=2000)
            # Articles point at editions inserted below: foreign keys are checked at the commit.
            Article.objects.bulk_create(rows.articles, batch_size=1000)
            Citation.objects.bulk_create(rows.citations, batch_size=2000)
            Article.topics.through.objects.bulk_create(rows.topic_links, batch_size=2000)
            Version.objects.bulk_create(rows.versions, batch_size=1000)
            for edition in rows.samples:
                self._publish_for_real(edition)
            Edition.objects.bulk_create(rows.editions, batch_size=500)
            ReviewEvent.objects.bulk_create(rows.events, batch_size=2000)
            ReviewAssignment.objects.bulk_create(rows.assignments, batch_size=2000)
        return [a.pk for a in rows.articles]

    def _publish_for_real(self, edition: Edition) -> None:
        """A sampled edition as review.editions writes it (every reader role, glossary applied),
        read from the rows just inserted. What the templates gave must match it exactly: a
        change of the rendering that the shortcut misses stops the run here."""
        article, revision_id = edition.article, edition.revision_id
        pages = renditions(article, revision_id, self.roles)
        real = (pages[DEFAULT], approval_fingerprint(article, revision_id),
                search_text(article, revision_id))  # fmt: skip
        if real != (edition.renditions[DEFAULT], edition.content_sha256, edition.search_text):
            raise AssertionError(f"{article.slug}: the generated edition differs from a real one")
        edition.renditions = pages
        edition.stored_sha256 = stored_sha256(edition)

    def times(self, rng: random.Random, plan: Plan) -> list[datetime]:
        """When each step happened: days apart, the last one recent for what awaits review."""
        gaps = {"submit": (0.5, 10), "assign": (0.01, 1), "start_review": (0.1, 5),
                "approve": (1, 14), "request_changes": (1, 10), "edit": (20, 300),
                "withdraw": (5, 200)}  # fmt: skip
        if len(plan.steps) > 50:  # the many-versions article: edits hours apart
            gaps["edit"] = (0.01, 0.3)
        offsets = [0.0]
        for step in plan.steps[1:]:
            offsets.append(offsets[-1] + rng.uniform(*gaps[step]))
        waiting = plan.state in (ReviewState.SUBMITTED, ReviewState.UNDER_REVIEW,
                                 ReviewState.CHANGES_REQUESTED)  # fmt: skip
        end = self.now - timedelta(days=rng.uniform(0.01, 21) if waiting else rng.uniform(1, 900))
        return [end - timedelta(days=offsets[-1] - offset) for offset in offsets]


class _Story:
    """Replays one article's moves, appending the rows each would have written."""

    def __init__(self, writer: Writer, plan: Plan, ids: Ids, rows: Rows) -> None:
        rng = self.rng = plan.rng
        self.writer, self.plan, self.ids, self.rows = writer, plan, ids, rows
        self.author = rng.choice(writer.cast.authors)
        self.reviewer = rng.choice(writer.cast.reviewers)
        self.template = rng.choice(writer.templates)
        cited = rng.sample(writer.references, len(words.CITATION_SLOTS))
        self.keys = {slot: r.key for slot, r in zip(words.CITATION_SLOTS, cited, strict=True)}
        self.cited = [dict(zip(words.CITATION_SLOTS, cited, strict=True))[s]
                      for s in self.template.cited_slots]  # fmt: skip
        self.title_form, self.summary_form = rng.choice(words.TITLES), rng.choice(words.SUMMARIES)
        self.values = words.article_values(rng)
        words.check_plain(self.values)
        self.topic_ids = sorted(t.pk for t in rng.sample(writer.topics, rng.randint(1, 3)))
        self.citations: list[Citation] = []
        self.editions: list[Edition] = []
        self.text: Text | None = None

    def tell(self) -> None:
        times = self.writer.times(self.rng, self.plan)
        article = self.article = Article(
            pk=next(self.ids.articles), slug=self.plan.slug, author=self.author,
            state=ReviewState.DRAFT, created_at=times[0],
        )  # fmt: skip
        self.rows.topic_links += [
            Article.topics.through(article_id=article.pk, topic_id=pk) for pk in self.topic_ids
        ]
        for step, at in zip(self.plan.steps, times, strict=True):
            if step == "write":
                self._revision(at, comment="Created")
            else:
                self._move(step, at)
        article.updated_at = times[-1]  # every move saves the row
        self.rows.articles.append(article)

    def _move(self, step: str, at: datetime) -> None:
        article, from_state, comment = self.article, self.article.state, ""
        if step == "edit":
            self.values = {**self.values, **words.revised_numbers(self.rng)}
            self._revision(at, comment="Edited")
        if step != "assign":  # assigning a reviewer is no move of the table
            article.state = MOVES[step].target_from(from_state)
        if step == "submit":
            article.submitted_revision_id = self.text.revision_id
            if article.live_revision_id is None:  # readers may see it, with the caution
                self._edition(at, kind=Edition.Kind.PENDING)
        elif step == "assign":
            self.rows.assignments.append(ReviewAssignment(
                article=article, reviewer=self.reviewer, assigned_by=self.reviewer, created_at=at,
            ))  # fmt: skip
            comment = f"Assigned {self.reviewer.public_name}"
        elif step == "request_changes":
            comment = self.rng.choice(REQUESTS)
        elif step == "approve":
            edition = self._edition(at, kind=Edition.Kind.APPROVED)
            article.live_revision_id = self.text.revision_id
            article.approved_by, article.approved_at = self.reviewer, at
            article.approved_sha256 = edition.content_sha256
            article.withdrawn_at, article.withdrawal_reason = None, ""
        elif step == "withdraw":
            comment = self.rng.choice(WITHDRAWALS)
            article.withdrawn_at, article.withdrawal_reason = at, comment
        self.rows.events.append(ReviewEvent(
            article=article, actor=self.author if step in ("edit", "submit") else self.reviewer,
            action=step, from_state=from_state, to_state=article.state,
            revision_id=self.text.revision_id, comment=comment, created_at=at,
        ))  # fmt: skip

    def _revision(self, at: datetime, *, comment: str) -> None:
        """A revision of the text as save_article writes it: the article and its citations."""
        article, writer, rows = self.article, self.writer, self.rows
        revision = Revision(pk=next(self.ids.revisions), date_created=at, user=self.author,
                            comment=comment)  # fmt: skip
        rows.revisions.append(revision)
        article.title = _sentence(self.title_form.format_map(self.values))[:300]
        article.summary = _sentence(self.summary_form.format_map(self.values))
        article.body = self.template.body(self.values, self.keys)
        article.literature_current_through = (at - timedelta(days=30 + at.day)).date()
        article.updated_at = at
        rows.versions.append(Version(
            revision=revision, object_id=str(article.pk), content_type=writer.article_type,
            db="default", format="json", object_repr=force_str(article)[:191],
            serialized_data=writer.article_data(article, {"topics": self.topic_ids}),
        ))  # fmt: skip
        if not self.citations:  # the references stay; each revision records them again
            self.citations = [
                Citation(pk=next(self.ids.citations), article=article, reference=reference,
                         position=position)
                for position, reference in enumerate(self.cited, start=1)
            ]  # fmt: skip
            rows.citations += self.citations
        rows.versions += [
            Version(revision=revision, object_id=str(c.pk), content_type=writer.citation_type,
                    db="default", format="json", object_repr=force_str(c),
                    serialized_data=writer.citation_data(c))
            for c in self.citations
        ]  # fmt: skip
        self.text = Text(revision.pk, article.title, article.summary, self.values,
                         article.literature_current_through, at)  # fmt: skip

    def _edition(self, at: datetime, *, kind: str) -> Edition:
        """What publish_approved or publish_pending would write, from the rendered template."""
        text, template = self.text, self.template
        content = ArticleContent(
            title=text.title, summary=text.summary,
            body_html=template.fill(template.html, text.values),
            references=tuple(
                CitedReference(number=number, **asdict(self.writer.reference_texts[r.key]))
                for number, r in enumerate(self.cited, start=1)
            ),
            literature_current_through=text.literature_current_through, updated_at=text.saved_at,
        )  # fmt: skip
        fields = {}
        if kind == Edition.Kind.APPROVED:
            previous = next((e for e in reversed(self.editions) if e.number), None)
            number = previous.number + 1 if previous else 1
            note = "First edition." if number == 1 else self.rng.choice(NOTES)
            entry = {"number": number, "published_at": at.isoformat(), "note": note}
            fields = {
                "number": number, "approved_by": self.reviewer,
                "approver_name": self.reviewer.public_name,
                "approver_credentials": self.reviewer.credentials, "change_note": note,
                "change_log": [*(previous.change_log if previous else []), entry],
            }  # fmt: skip
        edition = Edition(
            pk=next(self.ids.editions), article=self.article, kind=kind,
            revision_id=text.revision_id, published_at=at, title=text.title,
            summary=text.summary, literature_current_through=text.literature_current_through,
            text_updated_at=text.saved_at,
            # approval_fingerprint of a revision with no reader versions: the default text's hash.
            content_sha256=hashlib.sha256(json.dumps([content.sha256]).encode()).hexdigest(),
            renditions={DEFAULT: _rendition(content)},
            search_text="\n".join(w for w in (text.title, text.summary,
                                              template.fill(template.text, text.values)) if w),
            **fields,
        )  # fmt: skip
        edition.stored_sha256 = stored_sha256(edition)
        self.editions.append(edition)
        self.rows.editions.append(edition)
        if self.plan.sample:
            self.rows.samples.append(edition)
        self.article.public_edition_id, self.article.published_at = edition.pk, at
        return edition


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]  # "Metformin or …", keeping "eGFR", "HbA1c" inside


def _count(plans: list[Plan], steps: tuple[str, ...]) -> int:
    return sum(step in steps for plan in plans for step in plan.steps)


def _rendition(content: ArticleContent) -> dict:
    """personalization.editions' page of the default text."""
    return {
        "written_for": "",
        "summary": content.summary,
        "body_html": content.body_html,
        "references": [asdict(ref) for ref in content.references],
    }


def _reference_text(reference: Reference) -> ReferenceText:
    return ReferenceText(
        key=reference.key, kind_label=reference.get_kind_display(), title=reference.title,
        source=reference.source, year=reference.year, authors=reference.authors,
        doi=reference.doi, pmid=reference.pmid, url=reference.url,
    )  # fmt: skip


def _reserve(model: type[models.Model], count: int) -> Iterator[int]:
    """`count` primary keys nobody else will be given."""
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return iter([row[0] for row in cursor.fetchall()])
    # SQLite: one writer at a time; the batch's transaction holds the lock from its first write.
    start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    return iter(range(start, start + count))


@contextmanager
def _historical_timestamps(*models_: type[models.Model]) -> Iterator[None]:
    """bulk_create stamps auto_now fields with the time of the run; generated rows carry the
    times of their story instead."""
    fields = [f for m in models_ for f in m._meta.concrete_fields
              if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]  # fmt: skip
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add
