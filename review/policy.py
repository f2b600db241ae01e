"""The sign-off policy an article follows: the strictest of its topics' rows, else the site's.

Read by the workflow's guards, the assignment due dates and the policy page; written only in the
admin (and by load_demo).
"""

import dataclasses
from dataclasses import dataclass

from django.db.models import Q
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from articles.memo import read_once
from articles.models import Article

from .models import SignOffPolicy


@dataclass(frozen=True)
class Policy:
    approvals_required: int = 1
    specialties_required: tuple[str, ...] = ()
    plain_language_required: bool = False
    outside_advice_required: bool = False
    review_days: int = 14
    # A correction of a clinically meaningful error withdraws the article's translations until
    # they are updated (publishing.services.publish).
    correction_withdraws_translations: bool = True
    # The topics whose rows made it (empty: the site default, or the built-in one).
    topics: tuple[str, ...] = ()
    # The same topics as a page in the active language names them (HTML: an English name
    # standing in for a Spanish one is marked lang="en").
    topic_names: tuple[SafeString, ...] = ()


@read_once
def site_default() -> Policy:
    row = SignOffPolicy.objects.filter(topic__isnull=True).first()
    return _from_rows([row] if row else [], topics=())


@read_once
def policy_for(article: Article) -> Policy:
    """The strictest combination of the policies of the article's topics: the most approvals,
    every named specialty, any requirement any of them sets, the shortest review time."""
    # The topics' rows and the site default's, in one read: the default counts only without them.
    found = list(
        SignOffPolicy.objects.filter(Q(topic__articles=article) | Q(topic__isnull=True))
        .select_related("topic")
        .order_by("pk")
    )
    rows = [row for row in found if row.topic_id is not None]
    if not rows:  # as site_default(): the first default row
        return _from_rows([row for row in found if row.topic_id is None][:1], topics=())
    names = sorted((row.topic.name_for(translation.get_language()) for row in rows),
                   key=lambda name: name.sort_key)  # fmt: skip
    return dataclasses.replace(
        _from_rows(rows, topics=tuple(sorted(row.topic.name for row in rows))),
        topic_names=tuple(name.html for name in names),
    )


def _from_rows(rows: list[SignOffPolicy], *, topics: tuple[str, ...]) -> Policy:
    if not rows:
        return Policy()
    return Policy(
        approvals_required=max(row.approvals_required for row in rows),
        specialties_required=tuple(
            sorted({row.specialty_required for row in rows if row.specialty_required})
        ),
        plain_language_required=any(row.plain_language_required for row in rows),
        outside_advice_required=any(row.outside_advice_required for row in rows),
        review_days=min(row.review_days for row in rows),
        correction_withdraws_translations=any(
            row.correction_withdraws_translations for row in rows
        ),
        topics=topics,
    )


@dataclass(frozen=True)
class Rule:
    """One row of the sign-off policy, as the editorial policy page explains it (in the
    reader's language)."""

    applies_to: str  # "Every article (site default)" or a topic's name
    policy: Policy

    @property
    def in_words(self) -> list[str]:
        policy = self.policy
        count = policy.approvals_required
        words = [
            ngettext("%(count)d board member signs off", "%(count)d board members sign off", count)
            % {"count": count}
        ]
        words += [
            gettext("one of them a reviewer with the %(specialty)s specialty") % {"specialty": name}
            for name in policy.specialties_required
        ]
        if policy.plain_language_required:
            words.append(
                gettext(
                    "where the article has versions for patients or the public, one of them a "
                    "plain-language reviewer"
                )
            )
        if policy.outside_advice_required:
            words.append(gettext("an outside specialist's advice is on the review"))
        words.append(
            gettext("each assignment is due within %(days)d days") % {"days": policy.review_days}
        )
        if not policy.correction_withdraws_translations:  # the default is the withdrawal's
            words.append(
                gettext(
                    "an edition that corrects a clinically meaningful error leaves the article's "
                    "translations up, marked as behind, instead of withdrawing them"
                )
            )
        return words


def published_rules() -> list[Rule]:
    """The site default, then each topic's row by topic name: the rows the policy page shows."""
    rows = SignOffPolicy.objects.filter(topic__isnull=False).select_related("topic")
    # Each topic by its name in the page's language (its English one, marked, where none is
    # written), in that language's alphabetical order.
    named = sorted(
        ((row.topic.name_for(translation.get_language()), row) for row in rows),
        key=lambda pair: pair[0].sort_key,
    )
    topics = [Rule(name.html, _from_rows([row], topics=(row.topic.name,))) for name, row in named]
    return [Rule(gettext("Every article (site default)"), site_default()), *topics]
