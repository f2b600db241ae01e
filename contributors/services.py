"""What a contributor declares themselves: their conflict-of-interest disclosure, renewed yearly.

A renewal is a new Disclosure (the newest is the one in force; earlier ones stay as history on
the contributor's page), written in its own django-reversion revision with the person as its
user. Admins keep the rest of a contributor page (contributors.admin).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import ContributorProfile, User
from articles.models import Topic

from .models import Disclosure


@dataclass(frozen=True)
class Renewal:
    disclosure: Disclosure
    profile_created: bool  # the person had no contributor page: one was made, not yet public


def renew_disclosure(
    *,
    by: User,
    none_to_declare: bool,
    statement: str,
    conflict_topics: Iterable[Topic] = (),
    today: date | None = None,
) -> Renewal:
    """Declare `by`'s interests as of today: the disclosure in force from now, for a year."""
    topics, statement = list(conflict_topics), statement.strip()
    if none_to_declare and topics:
        raise ValidationError("A disclosure with nothing to declare lists no conflicts.")
    if not none_to_declare and not statement:
        raise ValidationError(
            "Say what you declare, or tick \u201cI have no conflict of interest to declare\u201d."
        )
    if len(statement) > 5000:
        raise ValidationError("The statement is limited to 5,000 characters.")
    with transaction.atomic(), reversion.create_revision():
        profile, created = _profile_of(by)
        disclosure = Disclosure.objects.create(
            contributor=profile,
            declared_on=today or timezone.localdate(),
            none_to_declare=none_to_declare,
            statement=statement,
        )
        disclosure.conflict_topics.set(topics)
        reversion.set_user(by)
        reversion.set_comment("Renewed their disclosure" if not created else "First disclosure")
    return Renewal(disclosure, created)


def _profile_of(user: User) -> tuple[ContributorProfile, bool]:
    """The person's contributor page, made for them if they have none: private until an admin,
    who checks the credentials and affiliations readers will see, makes it public."""
    profile = ContributorProfile.objects.select_for_update().filter(user=user).first()
    if profile is not None:
        return profile, False
    base = slugify(user.public_name) or slugify(user.username) or f"contributor-{user.pk}"
    slug, n = base[:70], 1
    while ContributorProfile.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base[:70]}-{n}"
    return ContributorProfile.objects.create(user=user, slug=slug, is_public=False), True
