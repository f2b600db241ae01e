from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse


class User(AbstractUser):
    """A person who signs in: author, reviewer, editor or admin."""

    display_name = models.CharField(
        max_length=150, blank=True, help_text="The name shown on articles and approvals."
    )
    credentials = models.CharField(
        max_length=150,
        blank=True,
        help_text='Shown after the name on approvals, e.g. "MD, Thoracic Oncology".',
    )
    # A slug, not a foreign key: reader roles live in an app above this one.
    preferred_reader_role = models.SlugField(max_length=50, blank=True)
    # The language they chose with the switcher (public.language); blank: never chose.
    preferred_language = models.CharField(
        max_length=10, blank=True, choices=settings.LANGUAGES, default=""
    )

    @property
    def public_name(self) -> str:
        return public_name(self.display_name, self.first_name, self.last_name, self.username)

    @property
    def mail_language(self) -> str:
        """The language e-mails to them are written in: their choice, else the site's."""
        return self.preferred_language or settings.LANGUAGE_CODE

    def __str__(self) -> str:
        return self.public_name


def public_name(display_name: str, first_name: str, last_name: str, username: str) -> str:
    """The name a person is shown by: the one they chose, else their full name, else their
    username (for lists read as values, without a User for each row)."""
    return display_name or f"{first_name} {last_name}".strip() or username


class ContributorProfile(models.Model):
    """The public page of an author or reviewer (`/contributors/<slug>/`), shown only when public.

    A profile of its own rather than fields on User: most users (editors, admins) have none, and
    the slug is unique among those who do. Disclosures live in the contributors app, which may
    name topics; this app is the bottom layer and names nothing above it.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="contributor_profile")
    slug = models.SlugField(max_length=80, unique=True, help_text="The page's address.")
    board_role = models.CharField(
        max_length=200,
        blank=True,
        help_text='e.g. "Medical Advisory Board, thoracic oncology".',
    )
    affiliations = models.TextField(blank=True, help_text="One affiliation per line.")
    bio = models.TextField(blank=True, help_text="Plain text, shown to readers.")
    is_public = models.BooleanField(
        default=False, help_text="Readers see the page, and bylines link to it."
    )
    # What a reviewer is qualified to sign off (review.policy asks for them by name).
    specialties = models.CharField(
        max_length=300,
        blank=True,
        help_text='What this reviewer is qualified in, comma-separated, e.g. "oncology, '
        "thoracic oncology\". A topic's sign-off policy may require one of them.",
    )
    plain_language_reviewer = models.BooleanField(
        default=False,
        help_text="Qualified to sign off reader versions written for patients and the public.",
    )
    # What a reviewer reads well enough to sign off a text in it: a translation is approved only
    # by someone who reads its language (review.workflow.reads_the_language).
    languages = models.CharField(
        max_length=100,
        blank=True,
        default="en",
        help_text='The languages this reviewer reads, as codes, comma-separated, e.g. "en, es". '
        "Only a reviewer who reads a translation's language may review and approve it.",
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.user.public_name} ({self.slug})"

    def get_absolute_url(self) -> str:
        return reverse("public:contributor", kwargs={"slug": self.slug})

    @property
    def specialty_list(self) -> list[str]:
        return [name.strip() for name in self.specialties.split(",") if name.strip()]

    def has_specialty(self, name: str) -> bool:
        return name.strip().casefold() in {mine.casefold() for mine in self.specialty_list}

    @property
    def language_codes(self) -> list[str]:
        return [code.strip().lower() for code in self.languages.split(",") if code.strip()]

    @property
    def language_names(self) -> list[str]:
        """The languages by name, as the site's settings name them ("English", "Español")."""
        names = dict(settings.LANGUAGES)
        return [names.get(code, code) for code in self.language_codes]

    def reads(self, language: str) -> bool:
        return language.lower() in self.language_codes

    @property
    def affiliation_list(self) -> list[str]:
        return [line.strip() for line in self.affiliations.splitlines() if line.strip()]
