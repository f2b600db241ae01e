"""The one table of review moves: services enforce it, buttons offer it, the policy explains it.

A move names who may make it, from which states, the guards that may still refuse it (each guard
is one function that returns the refusal in words, or None), what it records on the article,
whom it tells, and whether its button is dangerous. review.services.make_move reads nothing else.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import (
    get_language,
    get_language_info,
    gettext,
    gettext_lazy,
    gettext_noop,
    pgettext,
    pgettext_lazy,
)
from reversion.models import Version

from accounts.models import ContributorProfile, User
from articles.memo import read_once
from articles.models import DRAFT_PLACEHOLDER, Article, Edition, ReviewState
from articles.selectors import flagged_references, latest_revision_id
from contributors.models import Disclosure
from contributors.selectors import declared_conflict
from personalization.consistency import version_mismatches
from personalization.selectors import approval_fingerprint, variant_grades
from publishing import services as publishing
from publishing.translations import english_edition_name, is_later

from . import golive
from .checklist import Answer
from .due_dates import restart_due_dates
from .errors import InvalidTransition, NotAllowed, WorkflowError
from .models import PassageComment, ReviewEvent, SignOff, SpecialistInvitation
from .policy import policy_for
from .revisions import text_revision_id
from .signoffs import approvers_of, qualifications_of, sign_off_status
from .timeline import timeline_note
from .translation_facts import spanish_reads_at_target, translation_facts_match

AUTHORS = "Authors"
EDITORS = "Editors"
REVIEWERS = "Reviewers"
ADMINS = "Admins"
GROUPS = (AUTHORS, EDITORS, REVIEWERS, ADMINS)
# The groups as a refusal names them ("Only reviewers may approve.").
GROUP_NAMES = {
    AUTHORS: pgettext_lazy("group, plural", "authors"),
    EDITORS: pgettext_lazy("group, plural", "editors"),
    REVIEWERS: pgettext_lazy("group, plural", "reviewers"),
    ADMINS: pgettext_lazy("group, plural", "admins"),
}
# Who may change any article's text; an author changes only the articles they write.
EDIT_ANY = frozenset({EDITORS, ADMINS})
WRITERS = frozenset({AUTHORS, EDITORS, ADMINS})
# Who triages readers' questions (questions.workflow): the editors, the board and the admins.
# Authors alone do not; they are told when a question becomes a draft for them to write.
QUESTION_HANDLERS = frozenset({EDITORS, REVIEWERS, ADMINS})


# The review states as the board's pages name them (ReviewState's labels are English data:
# records, e-mails and the admin keep them).
STATE_NAMES = {
    ReviewState.DRAFT: pgettext_lazy("review state", "Draft"),
    ReviewState.SUBMITTED: pgettext_lazy("review state", "Submitted"),
    ReviewState.UNDER_REVIEW: pgettext_lazy("review state", "Under Review"),
    ReviewState.CHANGES_REQUESTED: pgettext_lazy("review state", "Changes requested"),
    ReviewState.APPROVED: pgettext_lazy("review state", "Approved"),
    ReviewState.WITHDRAWN: pgettext_lazy("review state", "Withdrawn"),
}

# What the whole board may open: everything but a draft nobody has submitted yet (a draft of an
# approved or withdrawn article has text readers saw).
BOARD_MAY_OPEN = (
    ~Q(state=ReviewState.DRAFT) | Q(live_revision__isnull=False) | Q(withdrawn_at__isnull=False)
)


def board_may_open(article: Article) -> bool:
    """BOARD_MAY_OPEN of an article already read."""
    return (
        article.state != ReviewState.DRAFT
        or article.live_revision_id is not None
        or article.withdrawn_at is not None
    )


def groups_of(user: User) -> set[str]:
    """The user's Vetted groups, read once per user object (as Django keeps `_perm_cache`: a
    request's user is read afresh on the next request)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if not hasattr(user, "_vetted_groups"):
        names = user.groups.filter(name__in=GROUPS).values_list("name", flat=True)
        user._vetted_groups = frozenset(names)
    return set(user._vetted_groups)


def forget_groups(sender, instance, **kwargs) -> None:
    """A user's groups changed through that user object (`user.groups.add(...)`): drop the
    groups it kept. (A change made through the group reaches other user objects on their next
    request, which reads its user afresh.)"""
    instance.__dict__.pop("_vetted_groups", None)


@read_once
def is_author(article: Article, user: User) -> bool:
    """The article's author or one of its co-authors."""
    if not user.is_authenticated:
        return False
    return article.author_id == user.pk or article.co_authors.filter(pk=user.pk).exists()


def may_write(article: Article | None, user: User) -> bool:
    """Editors and admins change any article; authors their own (and any new one)."""
    groups = groups_of(user)
    if groups & EDIT_ANY:
        return True
    return AUTHORS in groups and (article is None or is_author(article, user))


def editors_since_approval(article: Article) -> set[int]:
    """Users who saved the text since it was last approved (state changes are not edits)."""
    versions = Version.objects.get_for_object(article)
    if article.live_revision_id:
        versions = versions.filter(revision_id__gt=article.live_revision_id)
    workflow_revisions = ReviewEvent.objects.filter(
        article=article, created_revision__isnull=False
    ).values("created_revision")
    editors = versions.exclude(revision_id__in=workflow_revisions).values_list(
        "revision__user_id", flat=True
    )
    return {user_id for user_id in editors if user_id is not None}


# Guards -------------------------------------------------------------------------------------
# A guard's refusal is read by the person refused, so it is in their language (the API's, and
# every record's, is English: those requests run in English).


def require_group(user: User, groups: set[str], refusal: str) -> None:
    """Only these groups may; anyone else is refused with `refusal`, in their language."""
    if not groups_of(user) & groups:
        raise NotAllowed(str(refusal))


def long_date(moment: date | datetime) -> str:
    """A day as the person reads it: "December 6, 2026", "6 de diciembre de 2026"."""
    return date_format(moment, gettext("F j, Y"))


@dataclass(frozen=True)
class Remedy:
    label: str  # what the link says
    url_name: str  # the page, by its URL name


@dataclass(frozen=True)
class Guard:
    check: Callable[[Article, User], str | None]
    error: type[WorkflowError]
    # Whether a refused button is still shown, disabled, with the reason (a rule about this
    # person or this text), or left out (nothing to do here, such as withdrawing a draft).
    offered: bool
    # Where the refused person can lift the refusal themselves, shown as a link beside it.
    remedy: Remedy | None = None


def guard(
    error: type[WorkflowError], *, offered: bool = True, remedy: Remedy | None = None
) -> Callable:
    def wrap(check: Callable[[Article, User], str | None]) -> Guard:
        return Guard(check, error, offered, remedy)

    return wrap


@guard(NotAllowed)
def writes_this_article(article: Article, user: User) -> str | None:
    if not may_write(article, user):
        return gettext("Only this article's authors, editors or admins may change it.")
    return None


@guard(NotAllowed)
def not_its_author(article: Article, user: User) -> str | None:
    if is_author(article, user):
        return gettext("You are an author of this article, so another reviewer must approve it.")
    return None


@guard(NotAllowed)
def not_shown_by_its_author(article: Article, user: User) -> str | None:
    if is_author(article, user):
        return gettext("You are an author of this article, so someone else must decide to show it.")
    return None


@guard(NotAllowed)
def not_an_editor_since_approval(article: Article, user: User) -> str | None:
    if user.pk in editors_since_approval(article):
        return gettext("You wrote or edited this version, so another reviewer must approve it.")
    return None


@guard(NotAllowed)
def no_declared_conflict(article: Article, user: User) -> str | None:
    """Recusal: a reviewer with a declared conflict on one of its topics takes no part in its
    review (starting it, requesting changes, approving, commenting as a reviewer)."""
    # The disclosure in force counts, however old: an overdue renewal never clears a conflict.
    conflict = declared_conflict(user=user, article=article)
    if conflict:
        return gettext(
            "You declared a conflict of interest on %(topic)s (disclosure of %(day)s), so you "
            "take no part in its review: another reviewer must."
        ) % {"topic": conflict.topic, "day": long_date(conflict.declared_on)}
    return None


@guard(NotAllowed)
def no_conflict_as_a_reviewer(article: Article, user: User) -> str | None:
    """A comment is a reviewer's part in the review unless its author writes it (an author
    answers the board whatever they declared)."""
    if REVIEWERS not in groups_of(user) or is_author(article, user):
        return None
    return no_declared_conflict.check(article, user)


@guard(NotAllowed, remedy=Remedy(gettext_lazy("Renew your disclosure"), "review:disclosure"))
def disclosure_current(article: Article, user: User) -> str | None:
    """An approval is signed by someone whose interests readers can see as they are now: a
    disclosure declared within the last year."""
    current = Disclosure.objects.current_for(user.pk)
    if current is None:
        return gettext(
            "You have no conflict-of-interest disclosure on file: declare your interests "
            "before you approve."
        )
    if current.is_due_for_renewal(timezone.localdate()):
        return gettext(
            "Your conflict-of-interest disclosure of %(declared)s was due for renewal on "
            "%(due)s: renew it before you approve."
        ) % {"declared": long_date(current.declared_on), "due": long_date(current.renewal_due_on)}
    return None


@guard(NotAllowed)
def not_signed_off_already(article: Article, user: User) -> str | None:
    status = sign_off_status(article)
    mine = status.signed_by(user)
    if mine:
        return gettext(
            "You signed off this revision on %(day)s; another reviewer must give the next "
            "sign-off (%(summary)s)."
        ) % {"day": long_date(mine.signed_at), "summary": status.summary}
    return None


@guard(NotAllowed)
def qualified_for_what_is_left(article: Article, user: User) -> str | None:
    """The sign-offs left must still be able to bring in every qualification the policy asks
    for (a specialty, a plain-language reviewer): an unqualified reviewer may not take the
    last one."""
    status = sign_off_status(article)
    unmet = status.unmet_after(qualifications_of(user))
    if unmet:
        needs = pgettext("list separator", " and ").join(str(need.label) for need in unmet)
        return gettext(
            "The sign-off from %(needs)s is still missing, and you are not qualified so: it "
            "must come from someone who is (%(summary)s)."
        ) % {"needs": needs, "summary": status.summary}
    return None


# The languages as a sentence on the board's pages names them ("the Spanish translation", "la
# traducción al español": Django's own names are for lists, capitalised in every language).
LANGUAGE_NAMES = {
    "en": pgettext_lazy("language, in a sentence", "English"),
    "es": pgettext_lazy("language, in a sentence", "Spanish"),
}


def language_name(code: str, *, translated: bool = False) -> str:
    """A language as the board's records name it, in English ("Spanish"), or `translated` into
    the active language for what a person reads ("español")."""
    if translated and code in LANGUAGE_NAMES:
        return str(LANGUAGE_NAMES[code])
    try:
        return get_language_info(code)["name"]
    except KeyError:
        return code


@guard(NotAllowed)
def reads_the_language(article: Article, user: User) -> str | None:
    """A translation is reviewed and approved by someone whose profile says they read its
    language (accounts.ContributorProfile.languages)."""
    if article.language == settings.LANGUAGE_CODE:
        return None
    profile = ContributorProfile.objects.filter(user_id=user.pk).first()
    if profile is not None and profile.reads(article.language):
        return None
    name = language_name(article.language, translated=True)
    return gettext(
        "This is the %(language)s translation, and your contributor profile does not list "
        "%(language)s among the languages you read: a reviewer who reads %(language)s must "
        "review it."
    ) % {"language": name}


@guard(InvalidTransition)
def translates_an_approved_edition(article: Article, user: User) -> str | None:
    """A translation is approved against an approved edition of its original, or against the
    provisional edition readers see while the original was never approved (the board signs off
    the translation's fidelity; the medical content stays pending with the original's); while
    it is withdrawn (its original was, or corrected an error) only as a translation of the
    original's current edition."""
    if article.translation_of_id is None:
        return None
    original = article.translation_of
    translated = article.translates_edition
    if translated is None or translated.article_id != original.pk:
        return gettext(
            "This translation names no approved edition of its English original: update it to "
            "the original's current edition before approval."
        )
    if not translated.is_approved and translated.pk != original.public_edition_id:
        return gettext(
            "This translation translates an English text published provisionally that readers "
            "no longer see: update it to the original's current edition before approval."
        )
    if original.is_withdrawn:
        return gettext(
            "The English original is withdrawn, so its translation cannot be approved until "
            "the board approves the original again."
        )
    current = original.public_edition
    if article.is_withdrawn and current is not None and is_later(current, translated):
        return gettext(
            "This translation was withdrawn with its original; it comes back as a translation "
            "of %(current)s (it translates %(translated)s): update it to that edition first."
        ) % {
            "current": english_edition_name(current),
            "translated": english_edition_name(translated),
        }
    return None


@guard(InvalidTransition, offered=False)
def has_a_revision(article: Article, user: User) -> str | None:
    if latest_revision_id(article) is None:
        return gettext("There is no saved revision to approve.")
    return None


@guard(InvalidTransition, offered=False)
def readers_see_it(article: Article, user: User) -> str | None:
    if not article.is_public:
        return gettext("Readers cannot see this article, so there is nothing to withdraw.")
    return None


@guard(InvalidTransition)
def ready_to_submit(article: Article, user: User) -> str | None:
    """The text as saved now (make_move checks the locked row): a summary, and no draft
    placeholder left in the body."""
    if not article.summary.strip():
        return gettext("Write a summary before submitting: readers see it first.")
    if DRAFT_PLACEHOLDER in article.body:
        return gettext(
            "Replace the placeholder “%(placeholder)s” with the answer before submitting."
        ) % {"placeholder": DRAFT_PLACEHOLDER}
    return None


@guard(InvalidTransition, offered=False)
def never_approved(article: Article, user: User) -> str | None:
    if article.live_revision_id is not None:
        return gettext("This article has approved text; readers see that.")
    return None


@guard(InvalidTransition, offered=False)
def not_withdrawn(article: Article, user: User) -> str | None:
    # A withdrawal is the board's; only its approval brings the article back.
    if article.is_withdrawn:
        return gettext("This article was withdrawn; only the board's approval brings it back.")
    return None


@guard(InvalidTransition, offered=False)
def has_submitted_text(article: Article, user: User) -> str | None:
    if article.submitted_revision_id is None:
        return gettext("Nothing has been submitted, so there is nothing to publish.")
    return None


@guard(InvalidTransition, offered=False)
def not_shown_already(article: Article, user: User) -> str | None:
    shown = article.public_edition
    if (
        shown is not None
        and shown.kind == Edition.Kind.PENDING
        and shown.revision_id == article.submitted_revision_id
    ):
        return gettext("Readers already see the submitted text.")
    return None


@guard(InvalidTransition)
def no_flagged_reference(article: Article, user: User) -> str | None:
    """A text citing a flagged reference cannot be confirmed as current: the board revises it
    (or an admin removes the flag) first."""
    flagged = flagged_references(article)
    if flagged:
        reference = flagged[0]
        return gettext(
            "[@%(key)s] is flagged (%(flag)s): revise the text and approve it again, or have "
            "an admin remove the flag, before confirming that it is still current."
        ) % {"key": reference.key, "flag": reference.get_flag_display().lower()}
    return None


@guard(InvalidTransition)
def readable(article: Article, user: User) -> str | None:
    """With VETTED_READABILITY_BLOCKS_APPROVAL, no version may read above its role's target."""
    if not settings.VETTED_READABILITY_BLOCKS_APPROVAL:
        return None
    if getattr(article, "language", "en") == "es":  # English formulas misread Spanish
        return spanish_reads_at_target(article)
    for role, grade, target in variant_grades(article):
        if role is not None and grade is not None and grade.grade > target:
            return gettext(
                "The %(role)s version reads at grade %(grade)s; its target is %(target)s. "
                "Simplify it before approval."
            ) % {
                "role": role.label_for(get_language()).lower(),
                "grade": grade.grade,
                "target": f"{target:g}",
            }
    return None


@guard(InvalidTransition)
def consistent(article: Article, user: User) -> str | None:
    """With VETTED_CONSISTENCY_BLOCKS_APPROVAL, no version states what the default text does not."""
    if not settings.VETTED_CONSISTENCY_BLOCKS_APPROVAL:
        return None
    for version in version_mismatches(article):
        if version.mismatches:
            return gettext(
                "The %(role)s version differs from the default text: %(mismatch)s. Make them "
                "agree before approval."
            ) % {
                "role": version.role.label_for(get_language()).lower(),
                "mismatch": version.mismatches[0].message,
            }
    return None


@guard(InvalidTransition)
def no_open_blocking_comment(article: Article, user: User) -> str | None:
    """A board member marked a comment on a passage as blocking: the authors resolve it first."""
    blocking = PassageComment.objects.filter(
        article=article, blocking=True, resolved_at__isnull=True
    ).select_related("written_by")
    first = blocking.first()
    if first is None:
        return None
    quote = first.quote if len(first.quote) <= 60 else first.quote[:59].rstrip() + "\u2026"
    others = blocking.count() - 1
    if others:
        return gettext(
            "%(name)s's blocking comment on “%(quote)s” (and %(others)d more) is open: the "
            "article's authors resolve it before approval."
        ) % {"name": first.written_by.public_name, "quote": quote, "others": others}
    return gettext(
        "%(name)s's blocking comment on “%(quote)s” is open: the article's authors "
        "resolve it before approval."
    ) % {"name": first.written_by.public_name, "quote": quote}


@guard(InvalidTransition)
def outside_advice_in(article: Article, user: User) -> str | None:
    """Where the sign-off policy asks for it, an outside specialist's advice on this text."""
    if not policy_for(article).outside_advice_required:
        return None
    advised = SpecialistInvitation.objects.filter(
        article=article, revision_id=text_revision_id(article), advised_at__isnull=False
    )
    if advised.exists():
        return None
    return gettext(
        "This topic's sign-off policy needs an outside specialist's advice on this text before "
        "approval: an editor invites one from this page."
    )


@guard(InvalidTransition)
def no_go_live_waiting(article: Article, user: User) -> str | None:
    """Readers are about to get a newer approved text: confirm that one, once it is live."""
    waiting = golive.pending_for(article)
    if waiting is not None:
        return gettext(
            "A newer approval goes live on %(day)s: confirm the text once it is live, or have "
            "an editor cancel its go-live first."
        ) % {"day": long_date(waiting.go_live_on)}
    return None


# What a move records on the article besides its state; each returns the fields it wrote. ------


@dataclass(frozen=True)
class MoveContext:
    by: User
    revision_id: int | None  # the revision the mover saw (the newest)
    comment: str
    note: str  # the public note of what changed (approvals)
    at: datetime
    checklist: tuple[Answer, ...] = ()  # the board's checklist, answered (moves that ask it)
    correction: str = ""  # the clinically meaningful error this approval corrects, for readers
    go_live_on: date | None = None  # an approval published on that day, not now (review.golive)


def remember_submitted(article: Article, move: MoveContext) -> list[str]:
    """What the board will review. Submitting publishes nothing (see publish_submitted)."""
    article.submitted_revision_id = move.revision_id
    restart_due_dates(article)  # a resubmission gives its reviewers their time again
    return ["submitted_revision"]


def publish_submitted(article: Article, move: MoveContext) -> list[str]:
    """A never-approved article's submitted text, shown to readers with the caution."""
    publishing.publish_provisionally(article=article, revision_id=article.submitted_revision_id,
                                     by=move.by, at=move.at)  # fmt: skip
    return []


def completes_the_policy(article: Article, user: User) -> bool:
    """Whether this reviewer's sign-off is the one that completes the article's policy."""
    return sign_off_status(article).completed_by(qualifications_of(user))


def sign_off_number(article: Article) -> str:
    """ "sign-off 1 of 2" on the button, where the policy asks for more than one."""
    status = sign_off_status(article)
    if status.required <= 1:
        return ""
    return gettext("sign-off %(number)d of %(required)d") % {
        "number": min(status.count + 1, status.required),
        "required": status.required,
    }


def record_sign_off(article: Article, move: MoveContext) -> list[str]:
    """The reviewer's sign-off on the revision they saw, with their checklist; the sign-off
    that completes the policy (the move reached its target) publishes the approved text."""
    qualifications = qualifications_of(move.by)
    SignOff.objects.create(
        article=article, revision_id=move.revision_id, reviewer=move.by,
        reviewer_name=move.by.public_name, credentials=move.by.credentials,
        specialties=list(qualifications.specialties),
        plain_language=qualifications.plain_language,
        checklist=[answer.as_data() for answer in move.checklist], comment=move.comment,
        signed_at=move.at,
    )  # fmt: skip
    if article.state != ReviewState.APPROVED:
        return []
    return pin_approval(article, move)


def pin_approval(article: Article, move: MoveContext) -> list[str]:
    if move.go_live_on is not None:  # readers keep what they see until that day
        golive.schedule(article=article, revision_id=move.revision_id, by=move.by, at=move.at,
                        note=move.note, correction=move.correction,
                        go_live_on=move.go_live_on)  # fmt: skip
        return _review_done(article)
    golive.supersede(article=article, by=move.by)
    article.live_revision_id = move.revision_id
    article.approved_by, article.approved_at = move.by, move.at
    article.approved_sha256 = approval_fingerprint(article, move.revision_id)
    publishing.publish(article=article, revision_id=move.revision_id, by=move.by, at=move.at,
                       note=move.note, correction=move.correction,
                       approvers=approvers_of(article, move.revision_id),
                       correction_withdraws_translations=policy_for(
                           article).correction_withdraws_translations)  # fmt: skip
    if move.correction:
        _note_withdrawn_translations(article, move, comment=(
            f"Withdrawn until updated: the English original's new edition corrects a clinically "
            f"meaningful error ({move.correction})"
        ))  # fmt: skip
    return [
        "live_revision",
        "approved_by",
        "approved_at",
        "approved_sha256",
        *_review_done(article),
    ]


def record_review(article: Article, move: MoveContext) -> list[str]:
    """The board looked again and the text stands: a new edition of the same text, so the
    change log says so and the next review date moves."""
    publishing.publish(article=article, revision_id=article.live_revision_id, by=move.by,
                       at=move.at, note=move.note or "Reviewed, no changes.")  # fmt: skip
    return _review_done(article)


def _review_done(article: Article) -> list[str]:
    article.review_due_since, article.review_due_reason = None, ""
    return ["review_due_since", "review_due_reason"]


def take_down(article: Article, move: MoveContext) -> list[str]:
    """Readers see nothing of it from the commit on, nor of its translations (their timelines
    say why)."""
    publishing.withdraw(article=article, by=move.by, at=move.at, reason=move.comment)
    _note_withdrawn_translations(
        article, move, comment=f"Withdrawn with its English original: {move.comment}"
    )
    return []


def _note_withdrawn_translations(article: Article, move: MoveContext, *, comment: str) -> None:
    """Each translation the move withdrew (publishing did, at the move's time) says so on its
    timeline."""
    for shown in Article.objects.filter(translation_of=article, withdrawn_at=move.at):
        timeline_note(shown, by=move.by, comment=comment)


# Whom a move tells. ---------------------------------------------------------------------------


def the_board(article: Article) -> list[User]:
    """The assigned reviewers, or, while nobody is assigned, the whole board."""
    assigned = [a.reviewer for a in article.assignments.select_related("reviewer")]
    return assigned or list(User.objects.filter(groups__name=REVIEWERS, is_active=True).distinct())


def its_authors(article: Article) -> list[User]:
    return list(User.objects.filter(Q(pk=article.author_id) | Q(co_authored_articles=article)))


# The table. ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    name: str
    # What the button says, in English: records and the API keep it; the page shows it
    # translated (label_for).
    label: str
    sources: frozenset[str]
    groups: frozenset[str]
    explanation: str  # one line for the editorial policy page, in the reader's language
    target: str = ""  # empty: the article stays in its state
    reopens: frozenset[str] = frozenset()  # states from which the move starts a new draft
    again_label: str = ""  # what the button says when the article makes this move again
    comment_required: bool = False
    # A public note of what changed, for the article's change log: asked for by the move, and
    # required once the article has been approved before.
    asks_note: bool = False
    # Whether it asks if the text corrects a clinically meaningful error (a dated public notice).
    asks_correction: bool = False
    guards: tuple[Guard, ...] = ()
    records: Callable[[Article, "MoveContext"], list[str]] | None = None
    notifies: Callable[[Article], list[User]] | None = None
    notice: str = ""  # the first words of the e-mail's subject, lazy: in the recipient's language
    dangerous: bool = False
    # Its form offers "Publish on <date>": readers keep what they see until then (review.golive).
    schedulable: bool = False
    edits_text: bool = False  # an edit is shown as the "Edit" link, not as a button
    # The board's checklist (review.checklist), answered with the move.
    asks_checklist: bool = False
    # Set: the move reaches its target only when this says the mover completes what it needs
    # (enough sign-offs of the right people); until then it records its part and the article
    # stays as it is, its revision too.
    completes: Callable[[Article, User], bool] | None = None
    label_detail: Callable[[Article], str] | None = None  # added to the label: "sign-off 1 of 2"
    # A move with a form of its own elsewhere (a comment: the timeline's), not an action button.
    button: bool = True

    def target_from(self, state: str) -> str:
        if state in self.reopens:
            return ReviewState.DRAFT
        return self.target or state

    @property
    def collects_sign_offs(self) -> bool:
        """Whether the move may be held until others have made it too (for templates)."""
        return self.completes is not None

    def label_for(self, article: Article) -> str:
        """What the button says: "Resubmit" once the article has been submitted before;
        "Approve (sign-off 1 of 2)" where the policy asks for several sign-offs."""
        if self.again_label and article.submitted_revision_id is not None:
            return gettext(self.again_label)
        detail = self.label_detail(article) if self.label_detail else ""
        label = gettext(self.label)
        return f"{label} ({detail})" if detail else label


ALL_STATES = frozenset(ReviewState)

MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move(
            name="edit",
            label=gettext_noop("Edit"),
            sources=frozenset(
                {
                    ReviewState.DRAFT,
                    ReviewState.SUBMITTED,
                    ReviewState.CHANGES_REQUESTED,
                    ReviewState.APPROVED,
                    ReviewState.WITHDRAWN,
                }
            ),
            reopens=frozenset({ReviewState.APPROVED, ReviewState.WITHDRAWN}),
            groups=WRITERS,
            guards=(writes_this_article,),
            edits_text=True,
            explanation=gettext_lazy(
                "Its authors, editors or admins change the text; editing approved or withdrawn "
                "text starts a new draft while readers keep what the board approved (or, after a "
                "withdrawal, nothing)."
            ),
        ),
        Move(
            name="submit",
            label=gettext_noop("Submit for review"),
            again_label=gettext_noop("Resubmit"),
            sources=frozenset(
                {ReviewState.DRAFT, ReviewState.CHANGES_REQUESTED, ReviewState.WITHDRAWN}
            ),
            target=ReviewState.SUBMITTED,
            groups=WRITERS,
            guards=(writes_this_article, ready_to_submit),
            records=remember_submitted,
            notifies=the_board,
            notice=pgettext_lazy("review notice", "Submitted for review"),
            explanation=gettext_lazy(
                "An author sends a draft, a revised draft or a withdrawn article to the advisory "
                "board; a text without a summary, or still holding the draft's placeholder, "
                "cannot be sent. Submitting publishes nothing."
            ),
        ),
        Move(
            name="publish_provisionally",
            label=gettext_noop("Publish provisionally"),
            # Not text the board has sent back: readers would see what it asked to change.
            sources=frozenset({ReviewState.SUBMITTED, ReviewState.UNDER_REVIEW}),
            groups=frozenset({EDITORS, REVIEWERS, ADMINS}),
            guards=(
                not_shown_by_its_author,
                never_approved,
                not_withdrawn,
                has_submitted_text,
                not_shown_already,
            ),
            records=publish_submitted,
            notifies=its_authors,
            notice=pgettext_lazy("review notice", "Published provisionally"),
            explanation=gettext_lazy(
                "An editor, reviewer or admin who did not write it shows readers a never-approved "
                "article's submitted text (not one sent back for changes), with the “pending "
                "review” caution and the review tracker, until "
                "the board approves it. No article is shown before someone makes this move; a "
                "text submitted again reaches readers only when it is published again."
            ),
        ),
        Move(
            name="start_review",
            label=gettext_noop("Start review"),
            sources=frozenset({ReviewState.SUBMITTED}),
            target=ReviewState.UNDER_REVIEW,
            groups=frozenset({REVIEWERS}),
            guards=(no_declared_conflict, reads_the_language),
            explanation=gettext_lazy(
                "A medical reviewer with no declared conflict of interest on its topics takes "
                "the article (a translation, one who reads its language); it is locked against "
                "edits."
            ),
        ),
        Move(
            name="request_changes",
            label=gettext_noop("Request changes"),
            sources=frozenset({ReviewState.UNDER_REVIEW}),
            target=ReviewState.CHANGES_REQUESTED,
            groups=frozenset({REVIEWERS}),
            comment_required=True,
            guards=(no_declared_conflict,),
            notifies=its_authors,
            notice=pgettext_lazy("review notice", "Changes requested"),
            explanation=gettext_lazy(
                "A reviewer with no declared conflict of interest on its topics returns it to "
                "the author, saying what must change."
            ),
        ),
        Move(
            name="approve",
            label=gettext_noop("Approve"),
            sources=frozenset({ReviewState.UNDER_REVIEW}),
            target=ReviewState.APPROVED,
            groups=frozenset({REVIEWERS}),
            asks_note=True,
            asks_correction=True,
            guards=(
                has_a_revision,
                not_its_author,
                not_an_editor_since_approval,
                no_declared_conflict,
                reads_the_language,
                translates_an_approved_edition,
                not_signed_off_already,
                qualified_for_what_is_left,
                disclosure_current,
                readable,
                consistent,
                guard(InvalidTransition)(translation_facts_match),
                no_open_blocking_comment,
                outside_advice_in,
            ),
            asks_checklist=True,
            completes=completes_the_policy,
            label_detail=sign_off_number,
            records=record_sign_off,
            schedulable=True,
            notifies=its_authors,
            notice=pgettext_lazy("review notice", "Approved"),
            explanation=gettext_lazy(
                "A reviewer who is not its author, did not edit this version, declared no "
                "conflict of interest on its topics and renewed their disclosure within the last "
                "year signs off the exact text, answering the board's checklist. Once enough of "
                "the right people have signed off the same revision (the sign-off rules below), "
                "that text is what readers see; until then the article stays under review. Any "
                "edit starts the sign-offs again. Not while a comment a reviewer marked as "
                "blocking is open. A translation is signed off by reviewers who read its "
                "language, against an approved edition of its English original (or, while the "
                "original waits for the board, against the text readers see provisionally: the "
                "translation then shows the same “pending review” caution)."
            ),
        ),
        Move(
            name="confirm_current",
            label=gettext_noop("Confirm still current"),
            sources=frozenset({ReviewState.APPROVED}),
            groups=frozenset({REVIEWERS}),
            guards=(has_a_revision, not_its_author, no_flagged_reference, no_go_live_waiting),
            records=record_review,
            explanation=gettext_lazy(
                "A reviewer checks an approved article against the current literature and "
                "confirms that it stands: the text does not change, the change log records the "
                "review, and the next review date moves. Not while a reference it cites is "
                "flagged (retracted, superseded, or about a withdrawn drug)."
            ),
        ),
        Move(
            name="comment",
            label=gettext_noop("Post comment"),
            sources=ALL_STATES,
            groups=frozenset({AUTHORS, EDITORS, REVIEWERS, ADMINS}),
            guards=(no_conflict_as_a_reviewer,),
            button=False,
            explanation=gettext_lazy(
                "Authors, editors, reviewers and admins comment on the review's timeline; a "
                "reviewer with a declared conflict of interest on its topics does not (unless "
                "they wrote it)."
            ),
        ),
        Move(
            name="withdraw",
            label=gettext_noop("Withdraw"),
            sources=ALL_STATES - {ReviewState.WITHDRAWN},
            target=ReviewState.WITHDRAWN,
            groups=frozenset({REVIEWERS, ADMINS}),
            comment_required=True,
            guards=(readers_see_it,),
            records=take_down,
            notifies=its_authors,
            notice=pgettext_lazy("review notice", "Withdrawn"),
            dangerous=True,
            explanation=gettext_lazy(
                "Whatever readers can see is taken down at once, with the reason shown to them, "
                "until the board approves the article again; from then on the article, its "
                "change log and its feed entry carry a dated notice of the withdrawal, and of "
                "the clinically meaningful error corrected, if the approving reviewer declares "
                "one. Withdrawing an article withdraws its translations; so does a correction, "
                "until they are updated, unless the sign-off policy says otherwise."
            ),
        ),
    )
}

BUTTON_MOVES = tuple(move for move in MOVES.values() if move.button and not move.edits_text)
STATE_MOVES = tuple(move.name for move in BUTTON_MOVES)


@dataclass(frozen=True)
class Refusal:
    error: type[WorkflowError]
    message: str
    offered: bool  # show the button disabled with this message (else leave it out)
    remedy: Remedy | None = None  # where they can lift it themselves

    def exception(self) -> WorkflowError:
        return self.error(self.message)


def refusal(move: Move, *, article: Article, user: User) -> Refusal | None:
    """Why `user` may not make `move` on `article` now, or None if they may."""
    if not groups_of(user) & move.groups:
        names = pgettext("list separator", " or ").join(
            str(GROUP_NAMES[group]) for group in sorted(move.groups)
        )
        message = gettext("Only %(groups)s may %(move)s.") % {
            "groups": names,
            "move": gettext(move.label).lower(),
        }
        return Refusal(NotAllowed, message, offered=False)
    if article.state not in move.sources:
        message = gettext("%(move)s is not possible: this article is %(state)s.") % {
            "move": gettext(move.label),
            "state": STATE_NAMES[article.state].lower(),
        }
        return Refusal(InvalidTransition, message, offered=False)
    for rule in move.guards:
        message = rule.check(article, user)
        if message:
            return Refusal(rule.error, message, rule.offered, rule.remedy)
    return None


# The three steps of the public tracker, and which step each state stands on.
TRACKER_STEPS = (  # readers see them in their language
    (ReviewState.SUBMITTED, pgettext_lazy("review step", "Submitted")),
    (ReviewState.UNDER_REVIEW, pgettext_lazy("review step", "Under Review")),
    (ReviewState.APPROVED, pgettext_lazy("review step", "Approved")),
)
TRACKER_STEP_OF_STATE = {
    ReviewState.DRAFT: ReviewState.SUBMITTED,
    ReviewState.SUBMITTED: ReviewState.SUBMITTED,
    ReviewState.UNDER_REVIEW: ReviewState.UNDER_REVIEW,
    ReviewState.CHANGES_REQUESTED: ReviewState.UNDER_REVIEW,
    # Read only for a provisional edition: an approved article shows one only while its approval
    # waits to go live (review.golive), and the text shown is still the one pending review.
    ReviewState.APPROVED: ReviewState.UNDER_REVIEW,
    ReviewState.WITHDRAWN: ReviewState.SUBMITTED,
}
