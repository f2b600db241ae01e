"""Readers' questions for the benchmarks: on published articles, in the mix the triage queue
sees (most new or triaged, many answered, a little spam, a few urgent), already scrubbed as
questions.services stores them; asked in English, as their words are."""

import random
from datetime import datetime, timedelta

from django.db import transaction

from accounts.models import User
from questions.models import Question

from .rows import Table

OPENINGS = (
    "Is it safe to", "How long should I", "Can my father", "What happens if I",
    "Should my mother", "Is there a reason to", "How soon can I", "Why would my doctor",
)  # fmt: skip
ENDINGS = (
    "keep taking this treatment while travelling?", "stop the tablets before surgery?",
    "take it with the other medicines listed here?", "ask for the test this page mentions?",
    "expect the side effects to ease?", "get a second opinion on this?",
    "start the newer treatment instead?", "have the scan sooner than planned?",
)  # fmt: skip
STATUSES = (("new", 40), ("triaged", 20), ("answered", 35), ("spam", 5))
ROLES = ("", "patient", "caregiver", "nurse", "physician")
ANSWER = (
    "Thank you for asking. Please speak with the doctor who treats you: the article's section "
    "on what to ask your care team covers this."
)
TABLE = Table(
    Question, "article_id", "text", "removed", "name", "email", "reader_role", "language",
    "consent", "status", "urgent", "urgent_reasons", "answer", "answered_by_id", "answered_at",
    "handled_by_id", "handled_at", "created_at",
)  # fmt: skip


def write_questions(
    count: int, *, article_ids: list[int], handlers: list[User], seed: int, now: datetime,
    batch: int = 5000,
) -> int:  # fmt: skip
    """`count` questions on these articles, from the last year; returns how many."""
    if not count or not article_ids:
        return 0
    rng = random.Random(f"{seed}:questions")
    statuses, weights = zip(*STATUSES, strict=True)
    written = 0
    while written < count:
        rows = []
        for _ in range(min(batch, count - written)):
            status = rng.choices(statuses, weights)[0]
            asked = now - timedelta(days=rng.uniform(0, 365))
            handled = asked + timedelta(hours=rng.uniform(1, 72)) if status != "new" else None
            handler = rng.choice(handlers) if handled else None
            urgent = rng.random() < 0.02
            rows.append((
                rng.choice(article_ids), f"{rng.choice(OPENINGS)} {rng.choice(ENDINGS)}",
                [], "", "" if rng.random() < 0.6 else f"reader{rng.randrange(10**6)}@example.org",
                rng.choice(ROLES), "en", True, status, urgent,
                ["The reader mentions chest pain."] if urgent else [],
                ANSWER if status == "answered" else "",
                handler.pk if status == "answered" else None,
                handled if status == "answered" else None,
                handler.pk if handler else None, handled, asked,
            ))  # fmt: skip
        with transaction.atomic():
            TABLE.insert(rows)
        written += len(rows)
    return written
