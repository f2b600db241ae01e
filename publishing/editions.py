"""Writing editions: what readers are shown, as published. Only publishing.services calls these,
under the article's row lock; an edition is never changed afterwards (articles.models.Edition)."""

import hashlib
import hmac
import json
from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from reversion.models import Version

from accounts.models import User
from articles.models import Article, Edition, EditionCredit, EditionReference, cited_keys
from articles.search import index_edition
from articles.selectors import revision_source
from personalization.editions import renditions, search_text
from personalization.models import ReaderRole
from personalization.selectors import approval_fingerprint

from . import citations, topic_lists


@dataclass(frozen=True)
class Approver:
    """One board member who signed off the edition's revision, as they were that day, with
    their answers to the board's checklist ([{key, question, answer, reason}])."""

    name: str
    credentials: str
    username: str
    specialties: tuple[str, ...] = ()
    signed_at: datetime | None = None
    checklist: tuple[dict, ...] = ()

    @classmethod
    def of(cls, user: User, at: datetime) -> "Approver":
        return cls(name=user.public_name, credentials=user.credentials,
                   username=user.username, signed_at=at)  # fmt: skip

    def as_data(self) -> dict:
        return {
            "name": self.name,
            "credentials": self.credentials,
            "username": self.username,
            "specialties": list(self.specialties),
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "checklist": [dict(answer) for answer in self.checklist],
        }


def write_approved(
    article: Article, *, revision_id: int, by: User, at: datetime, note: str,
    approvers: Sequence[Approver] = (),
    notice: "PublicNotice | None" = None,
) -> Edition:  # fmt: skip
    """The next numbered edition: the approved revision as every reader role will see it,
    naming everyone who signed it off (`by` alone where no sign-offs were recorded: a review
    that confirmed the text, or an edition written before sign-offs), with the public notice
    it carries (a withdrawal it ends, an error it corrects)."""
    previous = article.editions.approved().order_by("-number").first()
    number = previous.number + 1 if previous else 1
    note = note or ("First edition." if number == 1 else "")
    named = [approver.as_data() for approver in approvers or [Approver.of(by, at)]]
    entry = {
        "number": number, "published_at": at.isoformat(), "note": note,
        "approved_by": [_credited(approver) for approver in named],
    }  # fmt: skip
    entry |= notice.as_entry() if notice else {}
    return _publish(
        article, revision_id=revision_id, at=at, kind=Edition.Kind.APPROVED, number=number,
        next_review_due=add_months(at.date(), article.review_interval_months),
        approved_by=by, approver_name=by.public_name, approver_credentials=by.credentials,
        approvers=named,
        change_note=note, change_log=[*(previous.change_log if previous else []), entry],
    )  # fmt: skip


def _credited(approver: dict) -> str:
    """ "Dr Jane Roe, MD, Thoracic Oncology": how the change log names an approver."""
    return ", ".join(part for part in (approver["name"], approver["credentials"]) if part)


@dataclass(frozen=True)
class PublicNotice:
    """What an approved edition tells readers beside its change note, for good: the withdrawal
    it ends (when the article was withdrawn before it) and the clinically meaningful error it
    corrects (as the board declared on approving it). Kept in its change-log entry, so every
    later edition carries it too."""

    withdrawn_at: datetime | None = None
    withdrawal_reason: str = ""
    correction: str = ""

    def __bool__(self) -> bool:
        return bool(self.withdrawn_at or self.correction)

    def as_entry(self) -> dict:
        entry = {}
        if self.withdrawn_at is not None:
            entry |= {"withdrawn_at": self.withdrawn_at.isoformat(),
                      "withdrawal_reason": self.withdrawal_reason}  # fmt: skip
        if self.correction:
            entry["correction"] = self.correction
        return entry


def write_pending(article: Article, *, revision_id: int, at: datetime) -> Edition:
    """A never-approved article's submitted text, for readers who may see it with a caution."""
    return _publish(article, revision_id=revision_id, at=at, kind=Edition.Kind.PENDING)


def _publish(article: Article, *, revision_id: int, at: datetime, **fields) -> Edition:
    source = revision_source(article, revision_id)
    topics = list(article.topics.all())
    edition = Edition(
        article=article,
        revision_id=revision_id,
        published_at=at,
        content_sha256=approval_fingerprint(article, revision_id),
        title=source.title,
        summary=source.summary,
        literature_current_through=source.literature_current_through,
        text_updated_at=source.updated_at,
        renditions=renditions(article, revision_id, list(ReaderRole.objects.all())),
        search_text=search_text(article, revision_id),
        authors=[
            {"name": user.public_name, "credentials": user.credentials, "username": user.username}
            for user in [article.author, *article.co_authors.all()]
        ],
        # Its Spanish name too, as it stood: Spanish pages and feeds name the topic with it.
        topics=[
            {"name": topic.name, "slug": topic.slug, "name_es": topic.name_es} for topic in topics
        ],
        revision_sha256=revision_digests([revision_id])[revision_id],
        # A translation's edition names the original's edition it translates: readers are told
        # when the original has moved on since.
        translates_id=article.translates_edition_id if article.translation_of_id else None,
        **fields,
    )
    seal(edition)
    edition.save()
    EditionReference.objects.bulk_create(
        EditionReference(edition=edition, article=article, key=key, published_at=at)
        for key in cited_keys(edition.renditions)
    )
    if edition.approvers:
        usernames = [approver["username"] for approver in edition.approvers]
        edition.signed_off_by.set(User.objects.filter(username__in=usernames))
    if edition.is_approved:
        credit(edition)
        if article.translation_of_id is None:  # the API lists the originals' references
            citations.published(article, edition)
    topic_lists.published(article, edition, topics)
    index_edition(edition)  # in this transaction: the edition and its entry commit together
    article.public_edition, article.published_at = edition, at
    article.next_review_due = edition.next_review_due
    return edition


def credit(edition: Edition) -> None:
    """The edition's credits as it records them (contributors' pages read these): its authors,
    the first the author, and who signed it off (who approved it, before sign-offs)."""
    authors = [person["username"] for person in edition.authors]
    signers = [approver["username"] for approver in edition.approvers]
    ids = dict(User.objects.filter(username__in=authors + signers).values_list("username", "pk"))
    roles = {}
    for n, username in enumerate(authors):
        if username in ids:
            roles.setdefault(ids[username], "co_author" if n else "author")
    signed = [ids[username] for username in signers if username in ids]
    for user_id in signed or ([edition.approved_by_id] if edition.approved_by_id else []):
        roles[user_id] = "signed_off"
    EditionCredit.objects.bulk_create(
        EditionCredit(edition=edition, article_id=edition.article_id, user_id=user_id, role=role,
                      published_at=edition.published_at)
        for user_id, role in roles.items()
    )  # fmt: skip


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


STORED_SHA256_VERSION = 3
# Every field a reader or a client can be shown, or that says what was published: each one is
# sealed on its own, so a check names what differs.
SEALED_FIELDS = (
    "article_id", "kind", "number", "revision_id", "revision_sha256", "content_sha256",
    "approved_by_id", "approver_name", "approver_credentials", "published_at", "change_note",
    "title", "summary", "literature_current_through", "text_updated_at", "next_review_due",
    "authors", "topics", "renditions", "change_log", "search_text", "approvers",
)  # fmt: skip


# Sealed only on a translation's edition (where it is set, or was when sealed): editions sealed
# before translations existed keep their seals as they were.
TRANSLATION_FIELDS = ("translates_id",)


def sealed_fields(edition, stored: dict | None = None) -> tuple[str, ...]:
    """The fields sealed on this edition: SEALED_FIELDS, and what it translates when it is a
    translation's edition now or was sealed as one (so clearing it is found too)."""
    stored = stored or {}
    extra = tuple(
        name for name in TRANSLATION_FIELDS
        if getattr(edition, name) is not None or name in stored
    )  # fmt: skip
    return SEALED_FIELDS + extra


def seal(edition) -> None:
    """Seal the edition (before it is saved) with the current key, VETTED_EDITION_KEYS' first."""
    key_id, key = next(iter(settings.VETTED_EDITION_KEYS.items()))
    edition.seals = field_seals(edition, key)
    edition.seal_key_id = key_id
    edition.stored_sha256 = _hmac(key, _canonical(edition.seals))
    edition.stored_sha256_version = STORED_SHA256_VERSION


def field_seals(edition, key: bytes, stored: dict | None = None) -> dict[str, str]:
    return {
        name: _hmac(key, name.encode() + b"\0" + _canonical(getattr(edition, name)))[:32]
        for name in sealed_fields(edition, stored)
    }


def check_seal(edition) -> list[str]:
    """What no longer matches the seal, in words (empty: every sealed field is as published)."""
    if edition.stored_sha256_version < STORED_SHA256_VERSION:
        if legacy_sha256(edition) != edition.stored_sha256:
            return ["the stored text differs from what was published (an unkeyed fingerprint)"]
        return ["sealed before keyed seals: run verify_editions --reseal to seal it"]
    key = settings.VETTED_EDITION_KEYS.get(edition.seal_key_id)
    if key is None:
        return [f"sealed with key {edition.seal_key_id!r}, which VETTED_EDITION_KEYS lacks"]
    stored = edition.seals if isinstance(edition.seals, dict) else {}
    expected = field_seals(edition, key, stored)
    differ = [name for name in expected if stored.get(name) != expected[name]]
    if differ:
        return [f"{', '.join(differ)} differ{'s' * (len(differ) == 1)} from what was sealed"]
    if _hmac(key, _canonical(stored)) != edition.stored_sha256:
        return ["the seal was changed"]
    return []


def revision_digests(revision_ids) -> dict[int, str]:
    """Each revision's digest of its stored versions, in one read (a revision without any: the
    digest of none)."""
    found: dict[int, list] = {revision_id: [] for revision_id in revision_ids}
    versions = Version.objects.filter(revision_id__in=found).values_list(
        "revision_id", "content_type_id", "object_id", "serialized_data"
    )
    for revision_id, *row in versions:
        found[revision_id].append(row)
    return {revision_id: revision_digest(rows) for revision_id, rows in found.items()}


def revision_digest(versions) -> str:
    """SHA-256 of a revision's stored versions, in a fixed order."""
    digest = hashlib.sha256()
    for content_type, object_id, data in sorted((c, str(o), d) for c, o, d in versions):
        digest.update(f"{content_type}\0{object_id}\0".encode() + data.encode() + b"\0")
    return digest.hexdigest()


def legacy_sha256(edition) -> str:
    """The unkeyed fingerprint of editions written before the seals (versions 1 and 2)."""
    payload = [
        edition.kind,
        edition.number,
        edition.title,
        edition.summary,
        edition.literature_current_through,
        edition.renditions,
        edition.change_log,
        edition.approver_name,
        edition.approver_credentials,
    ]
    if edition.stored_sha256_version >= 2:
        payload += [edition.next_review_due, edition.authors, edition.topics]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_plain).encode()


def _plain(value) -> str:
    if isinstance(value, datetime):  # the same instant, however the database returns it
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not sealed")


def _hmac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def backfill(article_ids) -> int:
    """Editions for articles published before editions existed (the data migration's work)."""
    written = 0
    for article in Article.objects.filter(pk__in=list(article_ids)).select_related("approved_by"):
        if article.live_revision_id:
            write_approved(
                article, revision_id=article.live_revision_id, by=article.approved_by,
                at=article.approved_at, note="First edition (recorded when editions began).",
            )  # fmt: skip
        elif article.submitted_revision_id:
            write_pending(article, revision_id=article.submitted_revision_id,
                            at=article.updated_at)  # fmt: skip
        else:
            continue
        article.save(update_fields=["public_edition", "published_at", "next_review_due"])
        written += 1
    return written
