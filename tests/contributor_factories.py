"""Builders of contributor pages and disclosures (tests/accounts, tests/review)."""

import factory
from django.utils import timezone

from accounts.models import ContributorProfile
from contributors.models import Disclosure


class ContributorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContributorProfile

    slug = factory.LazyAttribute(lambda p: p.user.username.replace("_", "-"))
    is_public = True


class DisclosureFactory(factory.django.DjangoModelFactory):
    """A disclosure declaring the conflict topics passed as `conflict_topics=[...]`, if any."""

    class Meta:
        model = Disclosure
        skip_postgeneration_save = True

    declared_on = factory.LazyFunction(timezone.localdate)
    statement = "Consulting fees from a maker of a drug discussed."

    @factory.post_generation
    def conflict_topics(disclosure, create, extracted, **kwargs):
        if create and extracted:
            disclosure.conflict_topics.set(extracted)


def with_disclosure(user):
    """`user` as the board keeps its members: a (private) contributor page and a disclosure of
    today with nothing to declare, so they may approve. Returns the user."""
    profile = ContributorProfile.objects.filter(user=user).first()
    profile = profile or ContributorProfileFactory(user=user, is_public=False)
    DisclosureFactory(contributor=profile, none_to_declare=True, statement="")
    return user


def fresh_profile(user, **fields) -> ContributorProfile:
    """A new contributor page for `user`, replacing the one the board fixtures give reviewers
    (with its disclosures): for tests that build a page and its disclosures themselves."""
    existing = ContributorProfile.objects.filter(user=user).first()
    if existing is not None:
        Disclosure.objects.filter(contributor=existing).delete()
        existing.delete()
    return ContributorProfileFactory(user=user, **fields)
