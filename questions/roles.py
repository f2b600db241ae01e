"""The reader roles a question may be tagged with: personalization's, by slug."""

from django.utils import translation

from personalization.models import ReaderRole

# The roles DESIGN.md seeds, used while the site has no reader roles yet.
DEFAULT_READER_ROLES: tuple[tuple[str, str], ...] = (
    ("patient", "Patient"),
    ("caregiver", "Caregiver or family member"),
    ("student", "Student"),
    ("nurse", "Nurse or allied health professional"),
    ("physician", "Physician"),
)


def reader_roles() -> list[tuple[str, str]]:
    """(slug, label) of every reader role, labelled in the active language (the English label
    where no other is written); the design's list on a site not seeded yet."""
    language = translation.get_language()
    roles = ReaderRole.objects.only("slug", "label", "label_es")
    return [(role.slug, role.label_for(language)) for role in roles] or list(DEFAULT_READER_ROLES)


def known_role(slug: str, roles: list[tuple[str, str]] | None = None) -> str:
    """`slug` if it names a reader role, else "" (an unknown value is dropped, never echoed)."""
    return slug if slug in dict(reader_roles() if roles is None else roles) else ""
