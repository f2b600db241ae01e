"""Who is reading, and the language made for them: roles, per-role variants, the glossary."""

import reversion
from django.db import models

from articles.models import Article


class Audience(models.TextChoices):
    LAY = "lay", "Patients and the public"
    PROFESSIONAL = "professional", "Health professionals"


@reversion.register()
class ReaderRole(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100)
    description = models.CharField(max_length=200, blank=True)
    audience = models.CharField(max_length=20, choices=Audience)
    target_grade = models.DecimalField(
        max_digits=4, decimal_places=1, help_text="The reading grade this role's text aims at."
    )
    order = models.PositiveSmallIntegerField(default=0)
    fallback = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Whose version to show when this role has none (e.g. caregiver → patient).",
    )

    class Meta:
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label

    @property
    def is_lay(self) -> bool:
        return self.audience == Audience.LAY


@reversion.register()
class ArticleVariant(models.Model):
    """The summary and body of an article rewritten for one reader role.

    Part of the article's revision (followed from Article), reviewed and approved with it.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="variants")
    role = models.ForeignKey(ReaderRole, on_delete=models.PROTECT, related_name="variants")
    summary = models.TextField(blank=True)
    body = models.TextField(help_text="Markdown. Cite references as [@key].")

    class Meta:
        ordering = ["role__order"]
        constraints = [
            models.UniqueConstraint(fields=["article", "role"], name="one_variant_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.article} — for {self.role}"


@reversion.register()
class GlossaryTerm(models.Model):
    """A technical term explained in plain words to lay readers, where it first appears."""

    term = models.CharField(max_length=100, unique=True)
    aliases = models.CharField(
        max_length=500, blank=True, help_text="Other spellings, separated by commas."
    )
    explanation = models.CharField(max_length=300)

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    @property
    def surface_forms(self) -> list[str]:
        return [self.term, *(a.strip() for a in self.aliases.split(",") if a.strip())]
