"""Who may do what with comments on passages. Each rule returns the refusal in words, or None;
the services enforce them and the review page offers only the forms they allow."""

from django.utils.translation import gettext

from accounts.models import User
from articles.models import Article

from .models import PassageComment
from .workflow import (
    EDIT_ANY,
    REVIEWERS,
    board_may_open,
    groups_of,
    is_author,
    no_conflict_as_a_reviewer,
)


def may_comment(article: Article, user: User) -> str | None:
    """The board (and editors) comment on passages; an article's own authors answer them."""
    groups = groups_of(user)
    if groups & EDIT_ANY:
        return None
    if REVIEWERS not in groups:
        return gettext("Only the advisory board or editors may comment on passages.")
    if is_author(article, user):
        return gettext("You are an author of this article: reply to the board's comments instead.")
    if not board_may_open(article):
        return gettext("This draft has not been submitted to the board yet.")
    return no_conflict_as_a_reviewer.check(article, user)  # recused: no part in its review


def may_reply(article: Article, user: User) -> str | None:
    """The board, the article's authors and editors talk in a comment's thread."""
    groups = groups_of(user)
    if groups & EDIT_ANY or is_author(article, user):
        return None
    if REVIEWERS in groups:
        return no_conflict_as_a_reviewer.check(article, user)
    return gettext("Only the advisory board, this article's authors or editors may reply.")


def may_resolve(article: Article, user: User) -> str | None:
    """The article's authors resolve the board's comments (or accept their wording); editors may
    too."""
    if groups_of(user) & EDIT_ANY or is_author(article, user):
        return None
    return gettext("Only this article's authors or an editor may resolve comments on it.")


def may_reopen(comment: PassageComment, user: User) -> str | None:
    """Whoever wrote the comment (not satisfied after all), or an editor."""
    if groups_of(user) & EDIT_ANY or comment.written_by_id == user.pk:
        return None
    return gettext("Only the reviewer who wrote this comment or an editor may reopen it.")
