"""Reads for contributor pages, bylines and the conflict-of-interest guard."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.models import ContributorProfile, User
from articles.memo import read_once
from articles.models import Article, Edition, EditionCredit, Topic

from .models import Disclosure


@dataclass(frozen=True)
class Conflict:
    topic: str
    declared_on: date


@read_once
def declared_conflict(*, user: User, article: Article) -> Conflict | None:
    """A topic of the article on which the user's disclosure in force (their newest) declares a
    conflict, the first by name: one query."""
    in_force = Disclosure.objects.filter(contributor__user_id=user.pk).order_by(
        "-declared_on", "-id"
    )
    found = (
        Disclosure.conflict_topics.through.objects.filter(
            disclosure_id=Subquery(in_force.values("pk")[:1]), topic__articles=article
        )
        .order_by("topic__name")
        .values_list("topic__name", "disclosure__declared_on")
        .first()
    )
    return Conflict(*found) if found else None


def without_declared_conflict(users: QuerySet[User], *, article: Article) -> QuerySet[User]:
    """The users whose disclosure in force (their newest) declares no conflict on any of the
    article's topics, as declared_conflict reads it, in one query."""
    in_force = Disclosure.objects.filter(contributor__user_id=OuterRef("pk")).order_by(
        "-declared_on", "-id"
    )
    conflicting = Disclosure.conflict_topics.through.objects.filter(
        disclosure_id=OuterRef("disclosure_in_force"),
        topic_id__in=article.topics.values("pk"),
    )
    return users.annotate(disclosure_in_force=Subquery(in_force.values("pk")[:1])).filter(
        ~Exists(conflicting)
    )


@dataclass(frozen=True)
class DisclosureEntry:
    disclosure: Disclosure
    topics: list[Topic]
    in_force: bool  # the newest: earlier ones are history
    due_for_renewal: bool  # in force and declared a year ago or more


def disclosures_of(profile: ContributorProfile, *, today: date) -> list[DisclosureEntry]:
    """Every disclosure, newest (the one in force) first."""
    disclosures = profile.disclosures.prefetch_related(
        Prefetch("conflict_topics", queryset=Topic.objects.order_by("name"))
    )
    return [
        DisclosureEntry(
            disclosure=disclosure,
            topics=list(disclosure.conflict_topics.all()),
            in_force=index == 0,
            due_for_renewal=index == 0 and disclosure.is_due_for_renewal(today),
        )
        for index, disclosure in enumerate(disclosures)
    ]


def editions_of(user: User) -> QuerySet[EditionCredit]:
    """The approved editions readers can open that credit the person (they wrote it or signed it
    off, as the edition recorded it), newest first, as their credits: `credit.edition` (with its
    article's slug) and `credit.role`. Read along the credits' index, a page at a time."""
    return (
        EditionCredit.objects.filter(user=user, article__withdrawn_at__isnull=True)
        .select_related("edition__article")
        .only(
            "role", "edition", "edition__article", *(f"edition__{name}" for name in LISTED_FIELDS)
        )
        .order_by("-published_at", "-edition_id")
    )


# What the contributor page lists of an edition.
LISTED_FIELDS = ("title", "number", "published_at", "article__slug", "article__translation_of")


@dataclass(frozen=True)
class Credit:
    name: str
    credentials: str
    slug: str = ""  # their public contributor page, if they have one


@dataclass(frozen=True)
class Byline:
    authors: tuple[Credit, ...]
    approver: Credit | None  # who completed the approval, as the edition recorded them
    # Everyone who signed the edition off, in order, as the edition recorded them (empty before
    # approval; the approver alone for an edition written before sign-offs were kept).
    approvers: tuple[Credit, ...] = ()


# What a byline reads of a person (not their e-mail or password hash).
CREDITED_FIELDS = (
    "username", "first_name", "last_name", "display_name", "credentials",
    "contributor_profile__slug", "contributor_profile__is_public",
)  # fmt: skip


def byline(article: Article, edition: Edition) -> Byline:
    """Who wrote this edition and who approved it, in one query.

    Who is credited is the edition's, as published (a co-author added to a later draft is not
    on this page); authors are named as they are now (a change of name or of a public profile
    is a change of the pages' surroundings: publishing.services.change_surroundings), the
    approver as the edition recorded them on the day, linked to the page of the user who
    approved."""
    usernames = [credited["username"] for credited in edition.authors]
    approvers = edition.approvers if edition.is_approved else []
    people = (
        User.objects.filter(
            Q(username__in=usernames)
            | Q(username__in=[signed["username"] for signed in approvers])
            | Q(pk=edition.approved_by_id)
        )
        .select_related("contributor_profile")
        .only(*CREDITED_FIELDS)
    )
    slugs, credits, slug_of = {}, {}, {}
    for person in people:
        profile = getattr(person, "contributor_profile", None)
        slugs[person.pk] = profile.slug if profile and profile.is_public else ""
        slug_of[person.username] = slugs[person.pk]
        credits[person.username] = Credit(person.public_name, person.credentials, slugs[person.pk])
    named = [credits[name] for name in usernames if name in credits]
    authors, co_authors = named[:1], named[1:]
    approver = None
    if edition.is_approved:
        approver = Credit(
            edition.approver_name,
            edition.approver_credentials,
            slugs.get(edition.approved_by_id, ""),
        )
    signed = tuple(
        Credit(s["name"], s["credentials"], slug_of.get(s["username"], "")) for s in approvers
    )
    return Byline(
        tuple(authors + sorted(co_authors, key=lambda c: c.name)),
        approver,
        signed or ((approver,) if approver else ()),
    )


@dataclass(frozen=True)
class DisclosureStatus:
    """Where a person's disclosure stands: the one in force (None: none on file)."""

    disclosure: Disclosure | None
    renewal_due_on: date | None
    due: bool  # missing, or declared a year ago or more: they cannot approve until they renew


@read_once
def disclosure_status(user: User, *, today: date) -> DisclosureStatus:
    current = Disclosure.objects.current_for(user.pk)
    if current is None:
        return DisclosureStatus(None, None, True)
    return DisclosureStatus(current, current.renewal_due_on, current.is_due_for_renewal(today))
