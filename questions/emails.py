"""What the question e-mails say. Pure: no sending here (the outbox sends, see services)."""

from django.conf import settings
from django.urls import reverse

from config.site import site_url

EMERGENCY_ADVICE = (
    "If this is an emergency, call your local emergency number now "
    "(for example 911 in the US or 112 in Europe)."
)


def editor_subject(question) -> str:
    prefix = "URGENT-LOOKING reader question" if question.urgent else "New reader question"
    return f"{prefix} on \u201c{question.article.title}\u201d"


def editor_body(question) -> str:
    # The question itself stays out of e-mail: readers' words live only in the queue.
    lines = [f"A reader asked a follow-up question on \u201c{question.article.title}\u201d."]
    if question.urgent:
        lines.append(f"It may be urgent: it mentions {', '.join(question.urgent_reasons)}.")
    lines.append(
        "Read and handle it in the question queue: "
        + site_url(reverse("question_queue:detail", kwargs={"pk": question.pk}))
    )
    return "\n\n".join(lines)


def reply_subject(question) -> str:
    return f"Your question about \u201c{question.article.title}\u201d"


def reply_body(question) -> str:
    quoted = "\n".join(f"> {line}" for line in question.text.splitlines())
    # The article's address by its slug (Article.get_absolute_url), so a migration can use it.
    article_url = site_url(reverse("public:article", kwargs={"slug": question.article.slug}))
    return "\n\n".join(
        [
            f"Hello {question.name or 'there'},",
            f"Thank you for your question about \u201c{question.article.title}\u201d. You asked:",
            quoted,
            "Our editors' answer:",
            question.answer,
            "This is general information, not medical advice for you. Please talk to your own "
            "care team before making any decision about treatment. " + EMERGENCY_ADVICE,
            f"The article: {article_url}",
            "We have deleted your e-mail address now that this reply is sent. Your question "
            f"itself is deleted after {settings.VETTED_QUESTION_RETENTION_DAYS} days.",
        ]
    )


def draft_subject(article) -> str:
    return f"A draft for you to write: \u201c{article.title}\u201d"


def draft_body(article, *, by, question) -> str:
    # Like the editors' notice, no reader's words: the editor's title says what to answer.
    return "\n\n".join(
        [
            f"{by.public_name} started a draft article for you to write, from a reader's "
            f"question on \u201c{question.article.title}\u201d:",
            f"\u201c{article.title}\u201d",
            "Replace the placeholder with your text, write a summary, and submit it for review: "
            + site_url(reverse("review:article", kwargs={"slug": article.slug})),
        ]
    )
