"""Write generated articles in bulk, with the rows the review moves would have written.

Each article follows a *story* (write, submit, start_review, approve, edit, ...) replayed here
without the services: the same from/to states, ReviewEvents, reversion revisions and editions
that `review.services.make_move` would leave, built as tuples and inserted in bulk (rows.py), one
transaction per batch. What it leaves out is listed in SKIPPED (and in the command's help).
"""

import functools
import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from reversion.models import Revision, Version

from articles.models import (
    Article,
    Citation,
    Edition,
    EditionCredit,
    EditionReference,
    Reference,
    ReviewState,
    Topic,
    cited_keys,
)
from articles.selectors import ArticleContent, CitedReference, ReferenceText
from personalization.editions import DEFAULT, renditions, search_text
from personalization.models import ReaderRole
from personalization.selectors import approval_fingerprint
from publishing.editions import STORED_SHA256_VERSION, Approver, add_months, revision_digest, seal
from review.models import ReviewAssignment, ReviewEvent
from review.workflow import MOVES

from . import vocabulary as words
from .material import Cast, rendered_templates
from .rows import Table, VersionData, reserve

SAMPLE_EVERY = 1000
SKIPPED = (
    "per-role reader versions (ArticleVariant): none are written, and editions hold only the "
    f"default text, except for one article in {SAMPLE_EVERY}, whose editions are published "
    "through personalization.editions (every reader role, glossary applied) as a check",
    "the reversion revisions of state moves (submit, publish provisionally, start review, "
    "approve, withdraw): only revisions that change the text are written, so events have no "
    "created_revision",
    "notifications and outbox e-mails, review comments, co-authors",
    "model save() and signals: nothing is cached for the new slugs, so no cache is told",
)
BODY_TEMPLATES = 200
# The sampled editions are read back without the shared cache (see Writer._publish_for_real).
FRESH_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "vetted-generate-articles",
    }
}

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
WAITING = (ReviewState.SUBMITTED, ReviewState.UNDER_REVIEW, ReviewState.CHANGES_REQUESTED)
TEXT_STEPS, PUBLISHING_STEPS = ("write", "edit"), ("publish_provisionally", "approve")

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

ARTICLE_COLUMNS = (
    "id", "slug", "title", "summary", "body", "author_id", "state", "literature_current_through",
    "created_at", "updated_at", "live_revision_id", "approved_by_id", "approved_at",
    "approved_sha256", "submitted_revision_id", "withdrawn_at", "withdrawal_reason",
    "public_edition_id", "published_at", "state_changed_at", "review_interval_months",
    "review_due_since", "review_due_reason", "language", "translation_of_id",
    "translates_edition_id", "next_review_due",
)  # fmt: skip
EDITION_COLUMNS = (
    "id", "article_id", "kind", "number", "revision_id", "approved_by_id", "approver_name",
    "approver_credentials", "published_at", "change_note", "content_sha256", "stored_sha256",
    "title", "summary", "literature_current_through", "text_updated_at", "renditions",
    "change_log", "search_text", "next_review_due", "authors", "topics", "stored_sha256_version",
    "revision_sha256", "seal_key_id", "seals", "approvers", "translates_id",
)  # fmt: skip


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
    # In review: three in ten are revisions of an approved article, the rest never approved,
    # which an editor published provisionally (readers see them with the caution).
    revision = rng.random() < 0.3
    before = [*cycle, "edit"] if revision else ["write"]
    submit = ["submit"] if revision else ["submit", "publish_provisionally"]
    tail = {
        ReviewState.SUBMITTED: [],
        ReviewState.UNDER_REVIEW: ["assign", "start_review"],
        ReviewState.CHANGES_REQUESTED: ["assign", "start_review", "request_changes"],
    }[state]
    return before + submit + tail


def many_versions_story(versions: int) -> list[str]:
    """One article edited until it has `versions` versions, approved every hundredth, last
    submitted."""
    steps = ["write", "submit", "start_review", "approve"]
    for number in range(2, versions + 1):
        steps.append("edit")
        if number % 100 == 0 and number != versions:
            steps += ["submit", "start_review", "approve"]
    return [*steps, "submit"]


@dataclass(frozen=True)
class Plan:
    """One article to write: its address, the state it ends in and the moves that get it there."""

    slug: str
    state: str
    steps: list[str]
    rng: random.Random
    sample: bool = False  # publish its editions through personalization.editions too
    # Approved so long ago that its yearly review is due (else approved within the year).
    due: bool = False


@dataclass
class Ids:
    """Primary keys reserved for one batch, so rows can point at each other before insertion."""

    articles: Iterator[int]
    revisions: Iterator[int]
    editions: Iterator[int]
    citations: Iterator[int]


@dataclass
class Rows:
    """Everything one batch writes, as tuples in each table's column order."""

    revisions: list[tuple] = field(default_factory=list)
    articles: list[tuple] = field(default_factory=list)
    citations: list[tuple] = field(default_factory=list)
    topic_links: list[tuple] = field(default_factory=list)
    versions: list[tuple] = field(default_factory=list)
    editions: list[dict] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    assignments: list[tuple] = field(default_factory=list)
    samples: list[dict] = field(default_factory=list)  # editions to publish for real too


@dataclass(frozen=True)
class Text:
    """One revision of an article's text, as the edition built from it needs it."""

    revision_id: int
    title: str
    summary: str
    values: dict[str, str]
    literature_current_through: date
    saved_at: datetime


class Writer:
    """Builds and inserts batches; holds what every batch shares."""

    # fmt: off
    tables = {
        "revisions": Table(Revision, "id", "date_created", "user_id", "comment"),
        "articles": Table(Article, *ARTICLE_COLUMNS),
        "citations": Table(Citation, "id", "article_id", "reference_id", "position"),
        "topic_links": Table(Article.topics.through, "article_id", "topic_id"),
        "versions": Table(Version, "revision_id", "object_id", "content_type_id", "db",
                          "format", "serialized_data", "object_repr"),
        "editions": Table(Edition, *EDITION_COLUMNS),
        "edition_references": Table(EditionReference, "edition_id", "article_id", "key",
                                    "published_at"),
        "edition_credits": Table(EditionCredit, "edition_id", "article_id", "user_id", "role",
                                 "published_at"),
        "events": Table(ReviewEvent, "article_id", "actor_id", "action", "from_state",
                        "to_state", "revision_id", "comment", "created_at"),
        "assignments": Table(ReviewAssignment, "article_id", "reviewer_id", "assigned_by_id",
                             "created_at"),
    }
    # fmt: on

    def __init__(
        self, *, seed: int, cast: Cast, topics: list[Topic], references: list[Reference]
    ) -> None:
        self.cast, self.topics, self.references = cast, topics, references
        self.templates = rendered_templates(seed, BODY_TEMPLATES)
        self.reference_texts = {r.key: _reference_text(r) for r in references}
        self.roles = list(ReaderRole.objects.all())
        self.article_type = ContentType.objects.get_for_model(Article).pk
        self.citation_type = ContentType.objects.get_for_model(Citation).pk
        self.article_data, self.citation_data = VersionData(Article), VersionData(Citation)
        self.now = timezone.now()

    def write(self, plans: list[Plan]) -> list[int]:
        """Insert one batch in one transaction; return the new articles' ids."""
        with transaction.atomic():
            ids = Ids(
                articles=reserve(Article, len(plans)),
                revisions=reserve(Revision, _count(plans, TEXT_STEPS)),
                editions=reserve(Edition, _count(plans, PUBLISHING_STEPS)),
                citations=reserve(Citation, len(words.CITATION_SLOTS) * len(plans)),
            )
            rows = Rows()
            for plan in plans:
                _Story(self, plan, ids, rows).tell()
            # Articles point at editions inserted later: foreign keys are checked at the commit.
            for name in ("revisions", "articles", "citations", "topic_links", "versions"):
                self.tables[name].insert(getattr(rows, name))
            for edition in rows.samples:  # reads the versions just inserted
                self._publish_for_real(edition)
            editions = [tuple(e[c] for c in EDITION_COLUMNS) for e in rows.editions]
            self.tables["editions"].insert(editions)
            self.tables["edition_references"].insert([
                (e["id"], e["article_id"], key, e["published_at"])
                for e in rows.editions
                for key in cited_keys(e["renditions"])
            ])  # fmt: skip
            # As publishing.editions.credit: the author and who signed the edition off.
            self.tables["edition_credits"].insert([
                (e["id"], e["article_id"], user_id, role, e["published_at"])
                for e in rows.editions if e["kind"] == Edition.Kind.APPROVED
                for user_id, role in (
                    (e["author_id"], "author"), (e["approved_by_id"], "signed_off")
                )
            ])  # fmt: skip
            self.tables["events"].insert(rows.events)
            self.tables["assignments"].insert(rows.assignments)
        return [row[0] for row in rows.articles]

    def _publish_for_real(self, edition: dict) -> None:
        """A sampled edition as publishing.editions writes it (every reader role, glossary applied),
        read from the rows just inserted. What the templates gave must match it exactly: a
        change of the rendering that the shortcut misses stops the run here."""
        article, revision_id = Article(pk=edition["article_id"]), edition["revision_id"]
        # A cache of its own: the shared one may hold a revision of a database since recreated.
        with override_settings(CACHES=FRESH_CACHE):
            cache.clear()
            pages = renditions(article, revision_id, self.roles)
            real = {
                "default text": pages[DEFAULT],
                "fingerprint": approval_fingerprint(article, revision_id),
                "search text": search_text(article, revision_id),
            }
        generated = {
            "default text": edition["renditions"][DEFAULT],
            "fingerprint": edition["content_sha256"],
            "search text": edition["search_text"],
        }
        differ = [what for what in real if real[what] != generated[what]]
        if differ:
            raise AssertionError(
                f"article {article.pk}: the generated {', '.join(differ)} differ from the real one"
            )
        edition["renditions"] = pages
        _seal(edition)

    def times(self, rng: random.Random, plan: Plan) -> list[datetime]:
        """When each step happened: days apart, the last one recent for what awaits review."""
        gaps = {"submit": (0.5, 10), "publish_provisionally": (0.01, 2), "assign": (0.01, 1),
                "start_review": (0.1, 5),
                "approve": (1, 14), "request_changes": (1, 10), "edit": (20, 300),
                "withdraw": (5, 200)}  # fmt: skip
        if len(plan.steps) > 50:  # the many-versions article: edits hours apart
            gaps["edit"] = (0.01, 0.3)
        offsets = [0.0]
        for step in plan.steps[1:]:
            offsets.append(offsets[-1] + rng.uniform(*gaps[step]))
        if plan.state in WAITING:
            age = rng.uniform(0.01, 21)
        else:  # a review date (a year on) long past, or a month or more ahead
            age = rng.uniform(420, 900) if plan.due else rng.uniform(1, 330)
        end = self.now - timedelta(days=age)
        return [end - timedelta(days=offsets[-1] - offset) for offset in offsets]


class _Story:
    """Replays one article's moves, appending the rows each would have written."""

    def __init__(self, writer: Writer, plan: Plan, ids: Ids, rows: Rows) -> None:
        rng = self.rng = plan.rng
        self.writer, self.plan, self.ids, self.rows = writer, plan, ids, rows
        self.author = rng.choice(writer.cast.authors)
        self.reviewer = rng.choice(writer.cast.reviewers)
        self.template = rng.choice(writer.templates)
        chosen = dict(zip(words.CITATION_SLOTS, rng.sample(writer.references, 4), strict=True))
        self.keys = {slot: reference.key for slot, reference in chosen.items()}
        self.cited = [chosen[slot] for slot in self.template.cited_slots]  # in numbering order
        self.title_form, self.summary_form = rng.choice(words.TITLES), rng.choice(words.SUMMARIES)
        self.values = words.article_values(rng)
        words.check_plain(self.values)
        # In the order the serializer lists them: Topic's ordering (name), then pk.
        chosen_topics = sorted(rng.sample(writer.topics, rng.randint(1, 3)), key=_by_name)
        self.topic_ids = [topic.pk for topic in chosen_topics]
        self.citation_ids: list[int] = []
        self.last_edition: dict | None = None
        self.revision_digests: dict[int, str] = {}
        self.text: Text | None = None

    def tell(self) -> None:
        times = self.writer.times(self.rng, self.plan)
        self.article = {
            "id": next(self.ids.articles), "slug": self.plan.slug, "author_id": self.author.pk,
            "state": ReviewState.DRAFT, "created_at": times[0], "live_revision_id": None,
            "approved_by_id": None, "approved_at": None, "approved_sha256": "",
            "submitted_revision_id": None, "withdrawn_at": None, "withdrawal_reason": "",
            "public_edition_id": None, "published_at": None, "next_review_due": None,
            "state_changed_at": times[0],
            "review_interval_months": 12, "review_due_since": None, "review_due_reason": "",
            # English originals: the generator writes no translations.
            "language": "en", "translation_of_id": None, "translates_edition_id": None,
        }  # fmt: skip
        self.rows.topic_links += [(self.article["id"], pk) for pk in self.topic_ids]
        for step, at in zip(self.plan.steps, times, strict=True):
            if step == "write":
                self._revision(at, comment="Created")
            else:
                self._move(step, at)
        self.article["updated_at"] = times[-1]  # every move saves the row
        self.rows.articles.append(tuple(self.article[c] for c in ARTICLE_COLUMNS))

    def _move(self, step: str, at: datetime) -> None:
        article, from_state, comment = self.article, self.article["state"], ""
        if step == "edit":
            self.values = {**self.values, **words.revised_numbers(self.rng)}
            self._revision(at, comment="Edited")
        if step != "assign":  # assigning a reviewer is no move of the table
            article["state"] = MOVES[step].target_from(from_state)
            if article["state"] != from_state:
                article["state_changed_at"] = at
        if step == "submit":  # publishes nothing
            article["submitted_revision_id"] = self.text.revision_id
        elif step == "publish_provisionally":  # readers see it, with the caution
            self._edition(at, kind=Edition.Kind.PENDING)
        elif step == "assign":
            self.rows.assignments.append((article["id"], self.reviewer.pk, self.reviewer.pk, at))
            comment = f"Assigned {self.reviewer.public_name}"
        elif step == "request_changes":
            comment = self.rng.choice(REQUESTS)
        elif step == "approve":
            edition = self._edition(at, kind=Edition.Kind.APPROVED)
            article.update(
                live_revision_id=self.text.revision_id, approved_by_id=self.reviewer.pk,
                approved_at=at, approved_sha256=edition["content_sha256"], withdrawn_at=None,
                withdrawal_reason="",
            )  # fmt: skip
        elif step == "withdraw":
            comment = self.rng.choice(WITHDRAWALS)
            article.update(withdrawn_at=at, withdrawal_reason=comment)
        actor = self.author if step in ("edit", "submit") else self.reviewer
        self.rows.events.append((article["id"], actor.pk, step, from_state, article["state"],
                                 self.text.revision_id, comment, at))  # fmt: skip

    def _revision(self, at: datetime, *, comment: str) -> None:
        """A revision of the text as save_article writes it: the article and its citations."""
        article, writer, rows = self.article, self.writer, self.rows
        revision_id = next(self.ids.revisions)
        first_version = len(rows.versions)
        rows.revisions.append((revision_id, at, self.author.pk, comment))
        article.update(
            title=_sentence(self.title_form.format_map(self.values))[:300],
            summary=_sentence(self.summary_form.format_map(self.values)),
            body=self.template.body(self.values, self.keys),
            literature_current_through=(at - timedelta(days=30 + at.day)).date(),
            updated_at=at,
        )
        data = writer.article_data(article["id"], article, {"topics": self.topic_ids})
        described = Article.__str__(SimpleNamespace(**article))
        rows.versions.append((revision_id, str(article["id"]), writer.article_type, "default",
                              "json", data, described))  # fmt: skip
        first = not self.citation_ids  # the references stay; each revision records them again
        if first:
            self.citation_ids = [next(self.ids.citations) for _ in self.cited]
        for position, (pk, reference) in enumerate(zip(self.citation_ids, self.cited), 1):  # noqa: B905
            if first:
                rows.citations.append((pk, article["id"], reference.pk, position))
            citation = {"article_id": article["id"], "reference_id": reference.pk,
                        "position": position, "reference": reference}  # fmt: skip
            described = Citation.__str__(SimpleNamespace(**citation))
            rows.versions.append((revision_id, str(pk), writer.citation_type, "default", "json",
                                  writer.citation_data(pk, citation), described))  # fmt: skip
        self.revision_digests[revision_id] = revision_digest(
            (content_type, object_id, data)
            for _, object_id, content_type, _, _, data, _ in rows.versions[first_version:]
        )
        self.text = Text(revision_id, article["title"], article["summary"], self.values,
                         article["literature_current_through"], at)  # fmt: skip

    def _edition(self, at: datetime, *, kind: str) -> dict:
        """What publishing.editions would write (an approved or pending edition), from the
        rendered template."""
        text, template = self.text, self.template
        references = self.cited_references
        content = ArticleContent(
            title=text.title, summary=text.summary, references=references,
            body_html=template.fill(template.html, text.values),
            literature_current_through=text.literature_current_through, updated_at=text.saved_at,
        )  # fmt: skip
        words_ = template.fill(template.text, text.values)
        edition = {
            "id": next(self.ids.editions), "article_id": self.article["id"], "kind": kind,
            "number": None, "revision_id": text.revision_id, "approved_by_id": None,
            "approver_name": "", "approver_credentials": "", "approvers": [], "published_at": at,
            "change_note": "", "change_log": [], "title": text.title, "summary": text.summary,
            "literature_current_through": text.literature_current_through,
            "text_updated_at": text.saved_at,
            # approval_fingerprint of a revision without reader versions: its one text's hash.
            "content_sha256": hashlib.sha256(json.dumps([content.sha256]).encode()).hexdigest(),
            "renditions": {DEFAULT: _rendition(content, self._reference_dicts())},
            "search_text": "\n".join(w for w in (text.title, text.summary, words_) if w),
            "next_review_due": None, "topics": [], "stored_sha256_version": STORED_SHA256_VERSION,
            "revision_sha256": self.revision_digests[text.revision_id],
            "authors": [{"name": self.author.public_name, "credentials": self.author.credentials,
                         "username": self.author.username}],
            "author_id": self.author.pk, "translates_id": None,
        }  # fmt: skip
        if kind == Edition.Kind.APPROVED:
            previous = self.last_edition
            number = previous["number"] + 1 if previous else 1
            note = "First edition." if number == 1 else self.rng.choice(NOTES)
            approver = Approver.of(self.reviewer, at).as_data()
            entry = {
                "number": number,
                "published_at": at.isoformat(),
                "note": note,
                "approved_by": [
                    approver["name"]
                    + (", " + approver["credentials"] if approver["credentials"] else "")
                ],
            }
            edition.update(
                approvers=[approver],
                next_review_due=add_months(at.date(), 12),
                number=number, approved_by_id=self.reviewer.pk,
                approver_name=self.reviewer.public_name,
                approver_credentials=self.reviewer.credentials, change_note=note,
                change_log=[*(previous["change_log"] if previous else []), entry],
            )  # fmt: skip
            self.last_edition = edition
        _seal(edition)
        self.rows.editions.append(edition)
        if self.plan.sample:
            self.rows.samples.append(edition)
        self.article.update(public_edition_id=edition["id"], published_at=at,
                            next_review_due=edition["next_review_due"])  # fmt: skip
        return edition

    @functools.cached_property
    def cited_references(self) -> tuple[CitedReference, ...]:
        """Its references as every edition lists them (they do not change between editions)."""
        texts = self.writer.reference_texts
        return tuple(
            CitedReference(number=number, **asdict(texts[reference.key]))
            for number, reference in enumerate(self.cited, start=1)
        )

    def _reference_dicts(self) -> list[dict]:
        return [dict(vars(reference)) for reference in self.cited_references]


def _seal(edition: dict) -> None:
    """publishing.editions.seal, on the row as a dict."""
    sealed = SimpleNamespace(**edition)
    seal(sealed)
    edition.update(
        seals=sealed.seals, seal_key_id=sealed.seal_key_id, stored_sha256=sealed.stored_sha256,
        stored_sha256_version=sealed.stored_sha256_version,
    )  # fmt: skip


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]  # "Metformin or …", keeping "eGFR", "HbA1c" inside


def _by_name(topic: Topic) -> tuple[str, int]:
    return topic.name, topic.pk


def _count(plans: list[Plan], steps: tuple[str, ...]) -> int:
    return sum(step in steps for plan in plans for step in plan.steps)


def _rendition(content: ArticleContent, references: list[dict]) -> dict:
    """personalization.editions' page of the default text (`references`: asdict of each)."""
    return {
        "written_for": "",
        "summary": content.summary,
        "body_html": content.body_html,
        "references": references,
    }


def _reference_text(reference: Reference) -> ReferenceText:
    return ReferenceText(
        key=reference.key, kind_label=reference.get_kind_display(), title=reference.title,
        source=reference.source, year=reference.year, authors=reference.authors,
        doi=reference.doi, pmid=reference.pmid, url=reference.url,
    )  # fmt: skip
