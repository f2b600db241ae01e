"""The publication log: every act that changes what readers see, and its delivery to each
surface that keeps a copy of public pages (baked files, edge caches).

An entry is written in the transaction of the act itself (publish, withdraw, a provisional
publication, a change of what surrounds every page), like an outbox e-mail: if the act rolls
back, so does its entry; if it commits, the entry is there for the worker to apply, however long
the broker is away. Only publishing.services writes entries; only publishing.delivery moves a
delivery's status.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models import Article, Edition


class Surroundings(models.Model):
    """What every article page shows besides its edition, by version (one row).

    The reader roles (the selector on every page), each audience's disclaimer, and the people
    credited on pages (their public names and contributor pages). A page is kept under the
    versions it was rendered with, read together with the article's public edition on every
    request, so a change of one of them is seen at once by every process; the baked files and
    the edge are republished by the log entry that the change writes.
    """

    roles = models.PositiveIntegerField(default=1)
    lay = models.PositiveIntegerField(default=1)
    professional = models.PositiveIntegerField(default=1)
    people = models.PositiveIntegerField(default=1)
    # The version of the lists of what is public (feeds, sitemaps): moved by every entry of
    # the log, in the act's transaction. Not a part of any page's key.
    listings = models.PositiveIntegerField(default=1)

    PARTS = ("roles", "lay", "professional", "people")

    class Meta:
        verbose_name_plural = "surroundings"

    def __str__(self) -> str:
        return "Versions of what surrounds every page"


class PublicationEntry(models.Model):
    """One act that changed what readers see, in the order it committed (by id)."""

    class Kind(models.TextChoices):
        PUBLISH = "publish", "Published an approved edition"
        PROVISIONAL = "provisional", "Published provisionally (pending review)"
        WITHDRAW = "withdraw", "Withdrew"
        STATUS = "status", "Review status shown with a provisional edition changed"
        SURROUNDINGS = "surroundings", "Changed what surrounds the pages"
        NOTICES = "notices", "Changed a notice beside the edition (a cited reference's flag)"
        # Articles shown before publishing was an act: submitting used to show them.
        HIDDEN = "hidden", "Hidden: shown on submission, never published"

    kind = models.CharField(max_length=20, choices=Kind)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.PROTECT, related_name="publications"
    )
    edition = models.ForeignKey(
        Edition, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # For a change of surroundings: which part (Surroundings.PARTS), and its new version.
    part = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "publication log"

    def __str__(self) -> str:
        subject = self.article.slug if self.article_id else self.part
        return f"#{self.pk} {self.kind} {subject}"


class Delivery(models.Model):
    """One entry carried to one surface. Status moves queued → applying → applied, or back to
    queued with a later `next_attempt_at` after a failure, and failed once its attempts are
    used up (the admin can retry it)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"

    entry = models.ForeignKey(PublicationEntry, on_delete=models.CASCADE, related_name="deliveries")
    surface = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    leased_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Progress of a long delivery (republishing many pages): how many of how many articles, and
    # the last article id done, so that a lost worker's successor resumes after it.
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    resume_after = models.BigIntegerField(default=0)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entry_id", "surface"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["entry", "surface"], name="one_delivery_per_surface")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(status__in=["queued", "applying"]),
                name="delivery_unapplied",
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry} → {self.surface}: {self.get_status_display()}"


class EditionCheck(models.Model):
    """When `verify_editions` last checked an edition, and what it found (the admin shows it)."""

    edition = models.OneToOneField(
        Edition, primary_key=True, on_delete=models.CASCADE, related_name="last_check"
    )
    checked_at = models.DateTimeField()
    passed = models.BooleanField()
    findings = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["checked_at"], condition=models.Q(passed=False), name="failed")
        ]

    def __str__(self) -> str:
        return f"Edition {self.edition_id}: {'passed' if self.passed else 'failed'}"


class VerificationRun(models.Model):
    """One run of `verify_editions`, in batches by edition id: an interrupted run is resumed
    from the last batch it finished."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    since = models.DateTimeField(null=True, blank=True)  # only editions published since then
    last_edition_id = models.BigIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Verification of {self.started_at:%Y-%m-%d %H:%M}"
