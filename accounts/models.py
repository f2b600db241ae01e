from django.contrib.auth.models import AbstractUser
from django.db import models


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

    @property
    def public_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def __str__(self) -> str:
        return self.public_name
