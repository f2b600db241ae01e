"""Reads for the question queue, scoped to who may see readers' questions."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.text import Truncator

from accounts.models import User
from articles.models import Article
from review.selectors import articles_visible_to, roles_of
from review.workflow import AUTHORS

from .models import Question
from .workflow import ACTIONS, EDITOR_GROUPS

OPEN_STATUSES = (Question.Status.NEW, Question.Status.TRIAGED)
DRAFT_TITLE_MAX_CHARS = 200
ARTICLE_FILTER_MAX_WORDS = 8
_ARTICLE_PATH = re.compile(r"/articles/([-\w]+)")
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_SLUG_MAX_CHARS = Article._meta.get_field("slug").max_length


def is_editor(user: User) -> bool:
    """Editors, reviewers and admins handle readers' questions; authors alone do not."""
    return bool(roles_of(user) & EDITOR_GROUPS)


def questions_visible_to(user: User) -> QuerySet[Question]:
    questions = Question.objects.select_related("article", "duplicate_of", "handled_by")
    return questions if is_editor(user) else questions.none()


def question_queue(user: User, *, status: str = "open", article: str = "") -> QuerySet[Question]:
    """The editor's queue: urgent questions first, then the newest.

    `article` is what the editor typed: an article's address (or its slug), or words that all
    appear in its title.
    """
    questions = questions_visible_to(user)
    if status == "open":
        questions = questions.filter(status__in=OPEN_STATUSES)
    elif status in Question.Status.values:
        questions = questions.filter(status=status)
    if article.strip():
        questions = questions.filter(_article_matches(article))
    # The page's articles are fetched by key afterwards: joining them in would make the
    # database join every question's article before it can sort and cut the page.
    titles = Prefetch("article", Article.objects.only("pk", "slug", "title"))
    return (
        questions.select_related(None)
        .prefetch_related(titles)
        .order_by("-urgent", "-created_at", "-pk")
    )


def _article_matches(typed: str) -> Q:
    slug = _slug_in(typed)
    words = typed.split()[:ARTICLE_FILTER_MAX_WORDS]
    in_title = Q()
    for word in words:
        in_title &= Q(article__title__icontains=word)
    return Q(article__slug=slug) | in_title if slug else in_title


def _slug_in(typed: str) -> str:
    """The slug in an address such as https://…/articles/<slug>/, or the text if it is a slug."""
    path = urlsplit(typed.strip()).path
    found = _ARTICLE_PATH.search(path)
    candidate = found.group(1) if found else path.strip("/")
    return candidate if _SLUG.fullmatch(candidate) else ""


def status_counts(user: User) -> dict[str, int]:
    rows = questions_visible_to(user).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def duplicate_candidates(question: Question) -> QuerySet[Question]:
    """Other questions on the same article that this one could repeat."""
    return (
        Question.objects.filter(article_id=question.article_id, duplicate_of__isnull=True)
        .exclude(pk=question.pk)
        .exclude(status=Question.Status.SPAM)
        .order_by("-created_at")
    )


def available_actions(question: Question) -> dict[str, bool]:
    """Each action by name, and whether the question's status allows it now."""
    return {name: question.status in action.sources for name, action in ACTIONS.items()}


def can_draft(question: Question) -> bool:
    """A question becomes at most one draft, and only while it is open."""
    return question.status in ACTIONS["draft"].sources and question.draft_article_id is None


def draft_authors() -> QuerySet[User]:
    """Whom a question's draft article may be given: the active members of the Authors group."""
    return (
        User.objects.filter(groups__name=AUTHORS, is_active=True)
        .distinct()
        .order_by("display_name", "username")
    )


def is_draft_author(user: User) -> bool:
    return AUTHORS in roles_of(user)


@dataclass(frozen=True)
class DraftSuggestion:
    title: str
    slug: str


def suggested_draft(question: Question) -> DraftSuggestion:
    """What the "turn into a draft" form starts with; the editor confirms or changes both.

    Both are built from the article the question was asked on, never from the reader's words:
    an address is public and permanent, a title becomes public, and readers' words may still
    identify them. The editor writes the question the draft answers, with the reader's words
    beside the form on the triage page.
    """
    suffix = f"-follow-up-{question.pk}"
    stem = question.article.slug[: _SLUG_MAX_CHARS - len(suffix)].strip("-")
    title = Truncator(f"Follow-up to: {question.article.title}").chars(DRAFT_TITLE_MAX_CHARS)
    return DraftSuggestion(title=title, slug=f"{stem}{suffix}")


def can_open_review_page(user: User, article: Article) -> bool:
    """Whether `user` may open the article's review page (others' drafts are hidden)."""
    return articles_visible_to(user).filter(pk=article.pk).exists()
