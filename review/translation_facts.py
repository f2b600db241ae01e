"""The approve move's checks of a Spanish translation: it states the facts of the English
edition it translates (personalization.translation_consistency), and its reader versions read
as easily as their roles need on the Spanish scale (personalization.readability).

Plain checks that the table wraps or calls (review.workflow), so this module needs nothing from
the table and the table imports it like any other rule.
"""

from django.conf import settings
from django.utils.translation import get_language, gettext

from accounts.models import User
from articles.models import Article
from personalization.readability import spanish_scores
from personalization.translation_consistency import translation_checks


def translation_facts_match(article: Article, user: User) -> str | None:
    """With VETTED_TRANSLATION_FACTS_BLOCK_APPROVAL, a translation whose facts differ from the
    English edition it translates is refused, with what differs as the reason."""
    if not settings.VETTED_TRANSLATION_FACTS_BLOCK_APPROVAL:
        return None
    differing = [check for check in translation_checks(article) if check.mismatches]
    if not differing:
        return None
    first = differing[0]
    if first.role:
        text = gettext("the %(role)s version") % {
            "role": first.role.label_for(get_language()).lower()
        }
    else:
        text = gettext("the default text")
    listed = "; ".join(m.message for m in first.mismatches[:3])
    more = sum(len(check.mismatches) for check in differing) - min(3, len(first.mismatches))
    if more:
        listed = gettext("%(listed)s (and %(more)d more)") % {"listed": listed, "more": more}
    return gettext(
        "The facts of %(text)s differ from %(english)s: %(listed)s. Make the translation say "
        "what the English says before approval."
    ) % {"text": text, "english": first.compared_with, "listed": listed}


def spanish_reads_at_target(article: Article) -> str | None:
    """The readable guard's rule for a Spanish text: no reader version scores below its role's
    floor on the INFLESZ scale (the setting is the readable guard's)."""
    for row in spanish_scores(article):
        if row.below_floor:
            return gettext(
                "The %(role)s version scores %(score)s on the INFLESZ scale (%(band)s); its "
                "target is %(floor)s or more (%(floor_band)s). Simplify it before approval."
            ) % {
                "role": row.role.label_for(get_language()).lower(),
                "score": f"{row.score.inflesz:g}",
                "band": row.score.band,
                "floor": f"{row.floor:g}",
                "floor_band": row.floor_band,
            }
    return None
