from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce

from articles.models import Article, ReviewState
from outbox.models import Email


class ReviewEvent(models.Model):
    """One move in an article's review, or one edit of its text. Append-only."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted"
        PUBLISH_PROVISIONALLY = "publish_provisionally", "Published provisionally"
        START_REVIEW = "start_review", "Started review"
        REQUEST_CHANGES = "request_changes", "Requested changes"
        APPROVE = "approve", "Approved"
        SIGN_OFF = "sign_off", "Signed off (more sign-offs needed)"
        WITHDRAW = "withdraw", "Withdrew"
        EDIT = "edit", "Edited"
        ASSIGN = "assign", "Assigned a reviewer"
        COMMENT = "comment", "Commented"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="review_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_events"
    )
    action = models.CharField(max_length=30, choices=Action)
    from_state = models.CharField(max_length=20, choices=ReviewState)
    to_state = models.CharField(max_length=20, choices=ReviewState)
    # The revision the actor acted on (for an approval: the exact text approved) ...
    revision = models.ForeignKey(
        "reversion.Revision", null=True, on_delete=models.PROTECT, related_name="+"
    )
    # ... and the one the move itself wrote (state changes are versioned too, but are no edit).
    created_revision = models.ForeignKey(
        "reversion.Revision", null=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The admin's list of every event, newest first, a page at a time.
            models.Index(fields=["created_at", "id"], name="event_created"),
        ]
        constraints = [
            # The backstop under the row lock: one approval per revision, whatever races.
            models.UniqueConstraint(
                fields=["article", "revision"],
                condition=models.Q(action="approve"),
                name="one_approval_per_revision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_action_display().lower()} {self.article}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Review events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Review events are append-only.")


class ReviewAssignment(models.Model):
    """A reviewer asked to review an article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # While the article is open for review (not approved or withdrawn, and not a draft the board
    # may not open): when it entered its state, the order of the reviewer's "Assigned to me"
    # queue; else null. Kept by review.services.queue_assignments whenever the state changes,
    # so the queue and its count read this table's index alone, however many articles there are.
    queued_since = models.DateTimeField(null=True, blank=True, editable=False)
    # The day the review is due: assigned day + the article's policy review_days (review.policy).
    # Reminders go before and on it, and the editors hear after it (review.schedule).
    due_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "reviewer"], name="one_assignment_each"),
        ]
        indexes = [
            models.Index(
                fields=["reviewer", "queued_since", "article"],
                condition=models.Q(queued_since__isnull=False),
                name="assignment_queue",
            ),
            # The reminders' sweep and the desk's counts of due and overdue work, by reviewer.
            models.Index(
                fields=["due_on", "reviewer"],
                condition=models.Q(queued_since__isnull=False),
                name="assignment_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} reviews {self.article}"


class Notification(models.Model):
    """Which outbox e-mail a review event owes whom: written once per event, person and kind.

    The e-mail itself (address, text, status, attempts, errors) is the outbox row.
    """

    class Kind(models.TextChoices):
        EVENT = "event", "About a review event"
        REMINDER = "reminder", "Reminder: still waiting"

    event = models.ForeignKey(ReviewEvent, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.EVENT)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    email = models.OneToOneField(Email, on_delete=models.PROTECT, related_name="notification")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient", "kind"], name="one_notification_each"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}"


class SignOffPolicy(models.Model):
    """How many of whom must sign off an article, and on what schedule: one row per topic, and
    one without a topic, the site's default. An article follows the strictest row among its
    topics' (the default when none of its topics has one). review.policy reads it; the services
    enforce it, the buttons show it and the policy page explains it from the same rows."""

    topic = models.OneToOneField(
        "articles.Topic",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sign_off_policy",
        help_text="Leave empty for the site's default.",
    )
    approvals_required = models.PositiveSmallIntegerField(
        default=1, help_text="How many board members must approve each edition."
    )
    specialty_required = models.CharField(
        max_length=100,
        blank=True,
        help_text='One approval must come from a reviewer with this specialty (e.g. "oncology").',
    )
    plain_language_required = models.BooleanField(
        default=False,
        help_text="Reader versions for lay roles need a plain-language reviewer's sign-off.",
    )
    outside_advice_required = models.BooleanField(
        default=False,
        help_text="An outside specialist's advice must be on the review before approval.",
    )
    review_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days a reviewer has for an assignment before it is overdue."
    )
    # A translation of a text found clinically wrong must not stay in front of its readers
    # while it is being put right: on by default, as the safer reading of "the same facts".
    correction_withdraws_translations = models.BooleanField(
        default=True,
        help_text="When an edition corrects a clinically meaningful error, its translations are "
        "withdrawn until a translation of the corrected edition is approved.",
    )

    class Meta:
        verbose_name = "sign-off policy"
        verbose_name_plural = "sign-off policies"
        constraints = [
            # The topic's own uniqueness leaves any number of defaults (NULL): one only.
            models.UniqueConstraint(Coalesce("topic", Value(0)), name="one_site_default_policy"),
            models.CheckConstraint(
                condition=models.Q(approvals_required__gte=1), name="policy_needs_an_approval"
            ),
        ]

    def __str__(self) -> str:
        return f"Sign-off policy: {self.topic or 'site default'}"


class PassageComment(models.Model):
    """A reviewer's comment on one passage of an article's default text or of one reader
    version, anchored by the quote and its context (review.anchoring) on the revision it was
    made on, so it follows the passage into newer text. While a blocking comment is open, the
    article cannot be approved; its authors (or an editor) resolve it, or accept the wording
    it proposes."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="passage_comments")
    # The reader version commented on; empty for the default text.
    role = models.ForeignKey(
        "personalization.ReaderRole", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    revision = models.ForeignKey(
        "reversion.Revision", null=True, on_delete=models.PROTECT, related_name="+"
    )
    quote = models.TextField()
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="passage_comments"
    )
    body = models.TextField()
    proposed_wording = models.TextField(blank=True)
    blocking = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Whether resolving it applied its proposed wording (in the revision the edit wrote).
    wording_accepted = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["article"],
                condition=models.Q(blocking=True, resolved_at__isnull=True),
                name="open_blocking_comments",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | models.Q(resolved_at__isnull=False, resolved_by__isnull=False),
                name="resolved_with_whom",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.written_by} on \u201c{self.quote[:40]}\u201d"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class PassageReply(models.Model):
    """One reply in a passage comment's thread."""

    comment = models.ForeignKey(PassageComment, on_delete=models.CASCADE, related_name="replies")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.written_by} replied to {self.comment_id}"


class SignOff(models.Model):
    """One board member's approval of one exact revision, with their answers to the checklist
    (review.checklist) and their qualifications as they were. An article is approved once the
    sign-offs on its current revision satisfy its policy (review.policy); an edit starts a new
    revision, on which nobody has signed off yet. Append-only."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="sign_offs")
    revision = models.ForeignKey("reversion.Revision", on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sign_offs"
    )
    # As they were on the day: the edition names them so.
    reviewer_name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=200, blank=True)
    specialties = models.JSONField(default=list)
    plain_language = models.BooleanField(default=False)
    checklist = models.JSONField(default=list)  # [{key, question, answer, reason}]
    comment = models.TextField(blank=True)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            # The backstop under the row lock: one sign-off per person and revision.
            models.UniqueConstraint(
                fields=["article", "revision", "reviewer"], name="one_sign_off_per_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_name} signed off {self.article} (revision {self.revision_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Sign-offs are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Sign-offs are append-only.")


class SpecialistInvitation(models.Model):
    """An outside specialist, with no account, asked to advise on one revision of an article
    through a link that expires. The link's secret is kept only as its SHA-256; their advice is
    written on this row once (review.specialists)."""

    class Recommendation(models.TextChoices):
        READY = "ready", "Ready to approve"
        AFTER_CHANGES = "after_changes", "Approve after changes"
        DO_NOT_APPROVE = "do_not_approve", "Do not approve"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="invitations")
    revision = models.ForeignKey("reversion.Revision", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=150)
    email = models.EmailField()
    credentials = models.CharField(max_length=200, help_text='e.g. "MD, thoracic oncology"')
    secret_sha256 = models.CharField(max_length=64, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    recommendation = models.CharField(max_length=20, choices=Recommendation, blank=True)
    advice = models.TextField(blank=True)
    advised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["article", "revision"], name="invitation_revision"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(advised_at__isnull=True) | ~models.Q(recommendation=""),
                name="advice_has_a_recommendation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} advises on {self.article}"


class ScheduledGoLive(models.Model):
    """An approval the board chose to publish on a later day: readers keep what they see until
    then, when the beat task publishes it (review.golive). Pending while neither done nor
    cancelled."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="go_lives")
    revision = models.ForeignKey("reversion.Revision", on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()
    note = models.TextField(blank=True)
    # The clinically meaningful error it corrects, told to readers when it goes live.
    correction = models.TextField(blank=True)
    go_live_on = models.DateField()
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    edition = models.ForeignKey(
        "articles.Edition", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    cancel_reason = models.CharField(max_length=300, blank=True)

    PENDING = models.Q(published_at__isnull=True, cancelled_at__isnull=True)

    class Meta:
        ordering = ["go_live_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(published_at__isnull=True, cancelled_at__isnull=True),
                name="one_pending_go_live",
            ),
        ]
        indexes = [
            models.Index(
                fields=["go_live_on"],
                condition=models.Q(published_at__isnull=True, cancelled_at__isnull=True),
                name="go_live_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} goes live on {self.go_live_on}"


class ScheduledReReview(models.Model):
    """An editor's date for the board to look at an approved article again: on that day it
    enters the "Review due" queue and its reviewers are told (review.schedule)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="re_reviews")
    due_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=models.Q(started_at__isnull=True, cancelled_at__isnull=True),
                name="re_review_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} re-reviewed on {self.due_on}"
