"""What readers may be shown of an article, read from the database on every request.

The pointer is one row, read by the article's unique slug in one query together with the
versions of what surrounds every page: no cache, not even a process's memory, is asked whether
an article is public. A page is then kept under a key naming exactly what it shows (the
edition, the role, the tracker step of a provisional edition, the surroundings), so a page of
an edition that is no longer public is never looked up again, in any process.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from articles.models import Article, Edition

from .models import Surroundings

_SQL: str | None = None
# The languages an English original may be translated into, in the pointer's column order.
TRANSLATED = tuple(code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE)


@dataclass(frozen=True)
class PublicPointer:
    article_id: int
    slug: str
    edition_id: int | None
    fingerprint: str  # of the edition's stored text: the key holds even if an id comes round
    withdrawn_at: datetime | None
    approved: bool  # the article has an approved edition (else it is provisional, if any)
    state: str
    overdue: bool  # past its review date and the grace period: the page says so
    surroundings: tuple[int, ...]  # Surroundings.PARTS, in order
    # The version of the notices beside the edition (flags on the references it cites, read
    # live by the page): moved by publishing.services.notices_changed.
    notices: int = 0
    # The language its readers read it in: a translation is shown only at its language's
    # address (publishing.translations), never at an English one.
    language: str = "en"
    # The languages of its approved translations readers can open now (an original's): its
    # pages name them as alternates, so their publication or withdrawal moves the key.
    translated: tuple[str, ...] = ()

    @property
    def is_public(self) -> bool:
        """The rule of Article.objects.public(), for this one row."""
        if self.withdrawn_at is not None or self.edition_id is None:
            return False
        return self.approved or settings.VETTED_SHOW_UNAPPROVED

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def what(self) -> str:
        """What a page of this article shows, as a key: the edition (with the tracker's step
        while it is provisional, and the version of its notices once there are any), or the
        withdrawal; and the surroundings it is framed by."""
        around = ".".join(map(str, self.surroundings))
        if self.is_withdrawn:
            return f"gone-{self.article_id}-{self.withdrawn_at.timestamp():.6f}:{around}"
        step = "" if self.approved else f"-{self.state}"
        step += "-overdue" if self.overdue else ""
        step += f"-notices{self.notices}" if self.notices else ""
        step += f"-in-{'-'.join(self.translated)}" if self.translated else ""
        return f"edition-{self.edition_id}-{self.fingerprint}{step}:{around}"


def public_pointer(slug: str) -> PublicPointer | None:
    """The article at this address as readers may see it, or None when there is no article."""
    row = _fetch(slug)
    if row is None:
        return None
    article_id, edition_id, fingerprint, due, withdrawn_at, live, state, notices, *rest = row
    language, *rest = rest
    translated = tuple(code for code, edition in zip(TRANSLATED, rest, strict=False) if edition)
    parts = rest[len(TRANSLATED) :]
    return PublicPointer(
        article_id=article_id, slug=slug, edition_id=edition_id,
        fingerprint=(fingerprint or "")[:16], withdrawn_at=withdrawn_at,
        approved=live is not None, state=state, overdue=_overdue(due),
        surroundings=tuple(part if part is not None else 0 for part in parts),
        notices=notices or 0, language=language, translated=translated,
    )  # fmt: skip


def listings_version() -> int:
    """The version of the lists of what is public (feeds, sitemaps): a list kept under it is
    current until the next act of the publication log commits."""
    version = Surroundings.objects.filter(pk=1).values_list("listings", flat=True).first()
    return version or 0


def articles_showing_reference(key: str) -> list[int]:
    """The articles whose public edition lists the reference with this key, in any reader's
    version: what readers see, which need not be what the working text cites now (a draft may
    have dropped it). Reads the public editions that mention the key at all (a rare act's
    query: a flag raised or cleared), then checks each one's reference lists."""
    shown = Article.objects.filter(public_edition__isnull=False, withdrawn_at__isnull=True)
    mentioning = Edition.objects.filter(
        pk__in=shown.values("public_edition"), renditions__icontains=f'"{key}"'
    ).values_list("article_id", "renditions")
    return [
        article_id
        for article_id, renditions in mentioning.iterator(chunk_size=100)
        if any(ref["key"] == key for page in renditions.values() for ref in page["references"])
    ]


def _fetch(slug: str) -> tuple | None:
    """The row, through the database driver's own cursor: Django's cursor wrappers cost twice
    the query itself on this path. Where queries are being recorded (DEBUG, tests counting
    them) it goes through Django's cursor, so that it is recorded like any other."""
    if connection.queries_logged:
        with connection.cursor() as cursor:
            cursor.execute(_sql(), [slug])
            return cursor.fetchone()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(_driver_sql(), [slug])
            return cursor.fetchone()
        finally:
            cursor.close()


def _driver_sql() -> str:
    # The driver's own placeholder: SQLite's is "?", PostgreSQL's (psycopg) "%s".
    sql = _sql()
    return sql.replace("%s", "?") if connection.vendor == "sqlite" else sql


def _overdue(due: date | None) -> bool:
    """Edition.is_overdue, from the row (the page's notice changes with the date)."""
    if due is None:
        return False
    grace = timedelta(days=settings.VETTED_REVIEW_GRACE_DAYS)
    return timezone.localdate() > due + grace


def _sql() -> str:
    # Written out once: the ORM's query building would cost as much as the query, on the path
    # every reader's request takes.
    global _SQL
    if _SQL is None:
        article, surroundings = Article._meta.db_table, Surroundings._meta.db_table
        edition = Edition._meta.db_table
        parts = ", ".join(f"s.{part}" for part in Surroundings.PARTS)
        # Each language's approved, unwithdrawn translation (the translation_of index): its
        # page is an alternate of the original's. The codes are the settings' own, not input.
        translated = "".join(
            f"(SELECT t.public_edition_id FROM {article} t WHERE t.translation_of_id = a.id "
            f"AND t.language = '{code}' AND t.withdrawn_at IS NULL "
            f"AND t.live_revision_id IS NOT NULL LIMIT 1), "
            for code in TRANSLATED
        )
        _SQL = (
            f"SELECT a.id, a.public_edition_id, e.stored_sha256, e.next_review_due, "
            f"a.withdrawn_at, a.live_revision_id, a.state, a.public_notices, a.language, "
            f"{translated}{parts} "
            f"FROM {article} a "
            f"LEFT JOIN {edition} e ON e.id = a.public_edition_id "
            f"LEFT JOIN {surroundings} s ON s.id = 1 WHERE a.slug = %s"
        )
    return _SQL


@dataclass(frozen=True)
class EditionNotice:
    """A dated public notice of an edition: a withdrawal it ended, and the clinically meaningful
    error it corrected ("Withdrawn on June 3: a dosing figure was wrong. Corrected on June 5.")."""

    number: int  # the edition that ended the withdrawal or made the correction
    published_at: datetime  # when it did
    withdrawn_at: datetime | None
    withdrawal_reason: str
    correction: str


def edition_notices(edition: Edition) -> list[EditionNotice]:
    """The notices an approved edition shows readers, newest first: every withdrawal and every
    declared correction in its change log (written when the board approved each edition, so a
    notice reaches readers only with a new edition, under a new page key)."""
    notices = []
    for entry in reversed(edition.change_log):
        withdrawn = entry.get("withdrawn_at")
        if not (withdrawn or entry.get("correction")):
            continue
        notices.append(
            EditionNotice(
                number=entry["number"],
                published_at=datetime.fromisoformat(entry["published_at"]),
                withdrawn_at=datetime.fromisoformat(withdrawn) if withdrawn else None,
                withdrawal_reason=entry.get("withdrawal_reason", ""),
                correction=entry.get("correction", ""),
            )
        )
    return notices
