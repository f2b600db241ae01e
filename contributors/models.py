"""What contributors declare: dated conflict-of-interest disclosures, renewed yearly.

An app of its own, above `articles` (a disclosure names the topics it conflicts with) and below
`review` (whose approve move refuses a reviewer with a conflict on the article's topics).
"""

from datetime import date

import reversion
from django.db import models

from accounts.models import ContributorProfile
from articles.models import Topic

RENEWAL_MONTHS = 12


def a_year_after(day: date) -> date:
    """The same day a year later (29 February renews on 1 March)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)


class DisclosureQuerySet(models.QuerySet):
    def current_for(self, user_id: int) -> "Disclosure | None":
        """The person's newest disclosure: the statement in force."""
        return self.filter(contributor__user_id=user_id).order_by("-declared_on", "-id").first()


@reversion.register()
class Disclosure(models.Model):
    """A contributor's conflict-of-interest statement as declared on one day.

    The newest disclosure is the one in force and replaces those before it (a renewal restates
    every conflict). A declared conflict stands, however old, until a newer disclosure leaves it
    out: an overdue renewal never clears a conflict.
    """

    contributor = models.ForeignKey(
        ContributorProfile, on_delete=models.PROTECT, related_name="disclosures"
    )
    declared_on = models.DateField()
    none_to_declare = models.BooleanField(
        default=False, help_text="The contributor declared no conflict of interest."
    )
    statement = models.TextField(blank=True, help_text="What was declared, shown to readers.")
    conflict_topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="+",
        help_text="Topics with a conflict: the contributor may not approve articles on them.",
    )

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(none_to_declare=True) | ~models.Q(statement=""),
                name="disclosure_says_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contributor.slug}: disclosure of {self.declared_on:%Y-%m-%d}"

    @property
    def renewal_due_on(self) -> date:
        return a_year_after(self.declared_on)

    def is_due_for_renewal(self, today: date) -> bool:
        return today >= self.renewal_due_on
