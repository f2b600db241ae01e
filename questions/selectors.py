"""Reads for the question queue, scoped to who may see readers' questions."""

from django.db.models import Count, QuerySet

from accounts.models import User
from articles.models import Article
from review.selectors import roles_of

from .models import Question
from .workflow import ACTIONS, EDITOR_GROUPS

OPEN_STATUSES = (Question.Status.NEW, Question.Status.TRIAGED)


def is_editor(user: User) -> bool:
    """Reviewers and admins handle readers' questions; authors alone do not."""
    return bool(roles_of(user) & EDITOR_GROUPS)


def questions_visible_to(user: User) -> QuerySet[Question]:
    questions = Question.objects.select_related("article", "duplicate_of", "handled_by")
    return questions if is_editor(user) else questions.none()


def question_queue(
    user: User, *, status: str = "open", article: Article | None = None
) -> QuerySet[Question]:
    """The editor's queue: urgent questions first, then the newest."""
    questions = questions_visible_to(user)
    if status == "open":
        questions = questions.filter(status__in=OPEN_STATUSES)
    elif status in Question.Status.values:
        questions = questions.filter(status=status)
    if article is not None:
        questions = questions.filter(article=article)
    return questions.order_by("-urgent", "-created_at", "-pk")


def articles_with_questions(user: User) -> QuerySet[Article]:
    if not is_editor(user):
        return Article.objects.none()
    return (
        Article.objects.annotate(question_count=Count("questions"))
        .filter(question_count__gt=0)
        .order_by("title")
    )


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
