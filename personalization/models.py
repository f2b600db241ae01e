"""Who is reading, and the language made for them: roles, per-role variants, the glossary."""

import reversion
from django.db import models

from articles.models import Article, is_spanish

from .glossary import Term


class Audience(models.TextChoices):
    LAY = "lay", "Patients and the public"
    PROFESSIONAL = "professional", "Health professionals"


@reversion.register()
class ReaderRole(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100)
    description = models.CharField(max_length=200, blank=True)
    # The Spanish texts of the same role; blank until written, and then the English shows.
    label_es = models.CharField("label (Spanish)", max_length=100, blank=True)
    description_es = models.CharField("description (Spanish)", max_length=200, blank=True)
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

    def label_for(self, language: str | None) -> str:
        """The label in `language`; the English one where no Spanish label is written yet."""
        return (is_spanish(language) and self.label_es) or self.label

    def description_for(self, language: str | None) -> str:
        """The description in `language`, falling back to the English one as the label does."""
        return (is_spanish(language) and self.description_es) or self.description


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


class GlossaryTermQuerySet(models.QuerySet):
    def terms_for(self, language: str | None) -> list[Term]:
        """The terms to explain in a text of `language`: in Spanish, only the entries whose
        Spanish term is written (an English term in a Spanish text would explain nothing)."""
        return [t for t in (entry.term_for(language) for entry in self) if t is not None]


@reversion.register()
class GlossaryTerm(models.Model):
    """A technical term explained in plain words to lay readers, where it first appears.

    One entry per concept, in both languages: Spanish readers meet "neutropenia" and
    "inmunoterapia", not the English words, so the Spanish term has its own spellings.
    """

    term = models.CharField(max_length=100, unique=True)
    aliases = models.CharField(
        max_length=500, blank=True, help_text="Other spellings, separated by commas."
    )
    explanation = models.CharField(max_length=300)
    term_es = models.CharField(
        "term (Spanish)", max_length=100, blank=True,
        help_text="As a Spanish text writes it; blank: not explained in Spanish texts.",
    )  # fmt: skip
    aliases_es = models.CharField(
        "aliases (Spanish)", max_length=500, blank=True,
        help_text="Other Spanish spellings (plurals, long forms), separated by commas.",
    )  # fmt: skip
    explanation_es = models.CharField("explanation (Spanish)", max_length=300, blank=True)

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    @property
    def surface_forms(self) -> list[str]:
        return [self.term, *_split(self.aliases)]

    @property
    def surface_forms_es(self) -> list[str]:
        return [self.term_es, *_split(self.aliases_es)] if self.term_es else []

    def term_for(self, language: str | None) -> Term | None:
        """This entry as the glossary pass takes it, for a text in `language`; None for a
        Spanish text while the entry has no Spanish term and explanation."""
        if not is_spanish(language):
            return Term(self.term, tuple(self.surface_forms), self.explanation)
        if not (self.term_es and self.explanation_es):
            return None
        return Term(self.term_es, tuple(self.surface_forms_es), self.explanation_es)


def _split(aliases: str) -> list[str]:
    return [a.strip() for a in aliases.split(",") if a.strip()]
