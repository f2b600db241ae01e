"""What the question e-mails say. Pure: no sending here (the outbox sends, see services).

The reader's answer is written in the language of the page they asked on (`Question.language`);
a notice to a member of staff is written in the language active when it is built, which
questions.services sets to theirs."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import translated_url
from config.site import site_url

EMERGENCY_ADVICE = gettext_lazy(
    "If this is an emergency, call your local emergency number now "
    "(for example 911 in the US or 112 in Europe)."
)


def editor_subject(question) -> str:
    title = {"title": question.article.title}
    if question.urgent:
        return _("URGENT-LOOKING reader question on “%(title)s”") % title
    return _("New reader question on “%(title)s”") % title


def editor_body(question) -> str:
    # The question itself stays out of e-mail: readers' words live only in the queue.
    lines = [
        _("A reader asked a follow-up question on “%(title)s”.") % {"title": question.article.title}
    ]
    if question.urgent:
        lines.append(
            _("It may be urgent: it mentions %(reasons)s.")
            % {"reasons": ", ".join(question.urgent_reasons)}
        )
    lines.append(
        _("Read and handle it in the question queue:")
        + " "
        + site_url(reverse("question_queue:detail", kwargs={"pk": question.pk}))
    )
    return "\n\n".join(lines)


def reply_subject(question) -> str:
    with translation.override(question.language):
        return _("Your question about “%(title)s”") % {"title": question.article.title}


def reply_body(question) -> str:
    quoted = "\n".join(f"> {line}" for line in question.text.splitlines())
    with translation.override(question.language):
        return "\n\n".join(
            [
                _("Hello %(name)s,") % {"name": question.name}
                if question.name
                else _("Hello there,"),
                _("Thank you for your question about “%(title)s”. You asked:")
                % {"title": question.article.title},
                quoted,
                _("Our editors' answer:"),
                question.answer,
                _(
                    "This is general information, not medical advice for you. Please talk to "
                    "your own care team before making any decision about treatment."
                )
                + " "
                + EMERGENCY_ADVICE,
                _("The article: %(url)s") % {"url": site_url(_article_path(question))},
                _(
                    "We have deleted your e-mail address now that this reply is sent. Your "
                    "question itself is deleted after %(days)s days."
                )
                % {"days": settings.VETTED_QUESTION_RETENTION_DAYS},
            ]
        )


def _article_path(question) -> str:
    """The article's address in the language the reader asked in: a Spanish reader goes back to
    `/es/articles/<slug>/` (the translation's public address is its original's, under /es/)."""
    if question.language == settings.LANGUAGE_CODE:
        # By its slug, as Article.get_absolute_url would, so a migration's model can use it.
        return reverse("public:article", kwargs={"slug": question.article.slug})
    return translated_url(question.article.public_slug, question.language)


def draft_subject(article) -> str:
    return _("A draft for you to write: “%(title)s”") % {"title": article.title}


def draft_body(article, *, by, question) -> str:
    # Like the editors' notice, no reader's words: the editor's title says what to answer.
    return "\n\n".join(
        [
            _(
                "%(editor)s started a draft article for you to write, from a reader's question "
                "on “%(title)s”:"
            )
            % {"editor": by.public_name, "title": question.article.title},
            _("“%(title)s”") % {"title": article.title},
            _("Replace the placeholder with your text, write a summary, and submit it for review:")
            + " "
            + site_url(reverse("review:article", kwargs={"slug": article.slug})),
        ]
    )
