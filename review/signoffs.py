"""Where an article stands against its sign-off policy: who has signed off its current revision,
what the policy still needs, and whether one more person's sign-off would complete it.

Read by the approve move's guards and its target (review.workflow), its button and the review
page. Only sign-offs on the current revision count: an edit makes a new revision, which nobody
has signed off yet.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext

from accounts.models import User
from articles.models import Article
from articles.selectors import latest_revision_id
from personalization.models import ArticleVariant, Audience
from publishing.editions import Approver

from .models import SignOff
from .policy import Policy, policy_for


@dataclass(frozen=True)
class Qualifications:
    """What a reviewer is qualified in (their contributor profile), or as a sign-off kept it."""

    specialties: tuple[str, ...] = ()
    plain_language: bool = False

    def has_specialty(self, name: str) -> bool:
        return name.casefold() in {mine.casefold() for mine in self.specialties}


def qualifications_of(user: User) -> Qualifications:
    profile = getattr(user, "contributor_profile", None)
    if profile is None:
        return Qualifications()
    return Qualifications(tuple(profile.specialty_list), profile.plain_language_reviewer)


def _kept(sign_off: SignOff) -> Qualifications:
    return Qualifications(tuple(sign_off.specialties), sign_off.plain_language)


@dataclass(frozen=True)
class Requirement:
    """One sign-off among those the policy asks for must come from someone qualified so."""

    label: str  # "a reviewer with the oncology specialty", in the active language
    met_by: Callable[[Qualifications], bool]


def requirements(policy: Policy, article: Article) -> tuple[Requirement, ...]:
    """The qualifications the policy asks of at least one sign-off on this article."""
    needed = [
        Requirement(
            gettext("a reviewer with the %(specialty)s specialty") % {"specialty": name},
            lambda q, name=name: q.has_specialty(name),
        )
        for name in policy.specialties_required
    ]
    if policy.plain_language_required and has_lay_versions(article):
        needed.append(Requirement(gettext("a plain-language reviewer"), lambda q: q.plain_language))
    return tuple(needed)


def has_lay_versions(article: Article) -> bool:
    """Whether the article has a reader version written for patients or the public."""
    return ArticleVariant.objects.filter(article=article, role__audience=Audience.LAY).exists()


@dataclass(frozen=True)
class SignOffStatus:
    policy: Policy
    revision_id: int | None
    sign_offs: tuple[SignOff, ...]  # on the current revision, in order
    requirements: tuple[Requirement, ...]

    @property
    def count(self) -> int:
        return len(self.sign_offs)

    @property
    def required(self) -> int:
        return self.policy.approvals_required

    @property
    def missing(self) -> tuple[Requirement, ...]:
        """Qualifications nobody who signed off so far has."""
        return tuple(
            need
            for need in self.requirements
            if not any(need.met_by(_kept(done)) for done in self.sign_offs)
        )

    @property
    def complete(self) -> bool:
        return self.count >= self.required and not self.missing

    @property
    def one_left(self) -> bool:
        """Whether the next sign-off can complete the policy (the one that writes the note)."""
        return self.count + 1 >= self.required

    def signed_by(self, user: User) -> SignOff | None:
        return next((done for done in self.sign_offs if done.reviewer_id == user.pk), None)

    def completed_by(self, qualifications: Qualifications) -> bool:
        """Whether one more sign-off, from someone qualified so, completes the policy."""
        return self.count + 1 >= self.required and all(
            need.met_by(qualifications) for need in self.missing
        )

    def unmet_after(self, qualifications: Qualifications) -> tuple[Requirement, ...] | None:
        """The qualifications still missing after this person's sign-off, when the sign-offs
        left could no longer bring them in (else None: their sign-off may be given)."""
        unmet = tuple(need for need in self.missing if not need.met_by(qualifications))
        left_after = max(self.required - self.count - 1, 0)
        return unmet if len(unmet) > left_after else None

    @property
    def still_needed(self) -> list[str]:
        needed = []
        if self.count < self.required:
            more = self.required - self.count
            needed.append(
                ngettext("%(count)d more sign-off", "%(count)d more sign-offs", more)
                % {"count": more}
            )
        needed += [
            gettext("one from %(requirement)s") % {"requirement": need.label}
            for need in self.missing
        ]
        return needed

    @property
    def summary(self) -> str:
        """ "1 of 2 sign-offs; still needed: 1 more sign-off, one from a reviewer with …", in the
        active language (a record that keeps it is written in English)."""
        said = ngettext(
            "%(count)d of %(required)d sign-off", "%(count)d of %(required)d sign-offs",
            self.required,
        ) % {"count": self.count, "required": self.required}  # fmt: skip
        if self.still_needed:
            said = gettext("%(tally)s; still needed: %(needed)s") % {
                "tally": said,
                "needed": ", ".join(self.still_needed),
            }
        return said


def sign_off_status(article: Article) -> SignOffStatus:
    """The article's current revision against its policy (read under the caller's lock)."""
    revision_id = latest_revision_id(article)
    policy = policy_for(article)
    done = SignOff.objects.filter(article=article, revision_id=revision_id).select_related(
        "reviewer"
    )
    return SignOffStatus(
        policy=policy,
        revision_id=revision_id,
        sign_offs=tuple(done),
        requirements=requirements(policy, article),
    )


def approvers_of(article: Article, revision_id: int | None) -> list[Approver]:
    """Everyone who signed off the revision, as they were when they did, in order."""
    return [
        Approver(
            name=done.reviewer_name,
            credentials=done.credentials,
            username=done.reviewer.username,
            specialties=tuple(done.specialties),
            signed_at=done.signed_at,
            checklist=tuple(done.checklist),
        )
        for done in SignOff.objects.filter(article=article, revision_id=revision_id)
        .select_related("reviewer")
        .order_by("signed_at", "id")
    ]
