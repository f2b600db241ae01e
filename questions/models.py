from django.conf import settings
from django.db import models

from articles.models import Article


class Question(models.Model):
    """A reader's follow-up question on an article, stored already scrubbed of identifiers.

    No IP address is kept (rate limiting lives in the cache). The e-mails it causes are outbox
    rows; the reader's address moves to the answer's row when the answer is given.
    Only questions.services writes `status` and the fields that go with it.
    """

    class Status(models.TextChoices):
        NEW = "new", "New"
        TRIAGED = "triaged", "Triaged"
        ANSWERED = "answered", "Answered"
        SPAM = "spam", "Spam"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="questions")
    text = models.TextField(help_text="The question, with likely identifiers removed.")
    removed = models.JSONField(
        default=list, blank=True, help_text="Kinds of identifiers removed from the text."
    )
    name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True, help_text="Only for sending the answer.")
    # A slug, not a foreign key: reader roles live in personalization and may change.
    reader_role = models.SlugField(max_length=50, blank=True)
    # The language of the page it was asked on: the answer is written back in it.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    consent = models.BooleanField()
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW, db_index=True)
    urgent = models.BooleanField(default=False)
    urgent_reasons = models.JSONField(default=list, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Who last moved it, and when: the queue shows it.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    draft_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change_request = models.ForeignKey(
        "review.ReviewEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # When the answer was handed to the outbox (its delivery is the outbox row's status).
    reply_queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-urgent", "-created_at", "-pk"]
        constraints = [
            # The form requires consent; this is the backstop for any other way in.
            models.CheckConstraint(condition=models.Q(consent=True), name="question_has_consent"),
            models.CheckConstraint(
                condition=~models.Q(status="answered") | models.Q(answered_at__isnull=False),
                name="answered_question_has_answer_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(duplicate_of=models.F("pk")),
                name="question_not_duplicate_of_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"Question {self.pk} on {self.article}"

    @property
    def wants_reply(self) -> bool:
        return bool(self.email)
