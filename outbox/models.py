from django.conf import settings
from django.db import models
from django.utils import timezone


class Email(models.Model):
    """One e-mail owed to one address, written in the transaction of the change that caused it.

    Only outbox.services moves `status`: queued → sending → sent, or back to queued with a later
    `next_attempt_at` after a failure, and failed once the attempts are used up.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.EmailField(blank=True, help_text="Blank once sent, if the address was lent.")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=255)
    body = models.TextField()
    # Set by the caller to make a notice idempotent ("review-event:12:7:event"): written once.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # A reader's address is kept only until their reply has gone.
    forget_address_when_sent = models.BooleanField(default=False)

    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="sent_email_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sending") | models.Q(sending_started_at__isnull=False),
                name="sending_email_has_started_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to or '(address forgotten)'}"
