"""Articles, the references they cite, and the disclaimers shown with them.

Every model here is registered with django-reversion: nothing is
ever lost, and an approval can pin the exact revision it approved.
"""

import reversion
from django.conf import settings
from django.db import models
from django.urls import reverse


class ReviewState(models.TextChoices):
    # The moves between these states are review.workflow's; only review.services writes them.
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under Review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


WORKFLOW_FIELDS = [
    "state",
    "live_revision",
    "approved_by",
    "approved_at",
    "approved_sha256",
    "submitted_revision",
    "withdrawn_at",
    "withdrawal_reason",
    "co_authors",
]
UNAPPROVED_PUBLIC_STATES = (
    ReviewState.SUBMITTED,
    ReviewState.UNDER_REVIEW,
    ReviewState.CHANGES_REQUESTED,
)


@reversion.register()
class Topic(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@reversion.register()
class Reference(models.Model):
    """A source an article cites. Its `key` is what the Markdown names: `[@key]`."""

    class Kind(models.TextChoices):
        GUIDELINE = "guideline", "Guideline"
        RESEARCH = "research", "Research"
        SYSTEMATIC_REVIEW = "systematic_review", "Systematic review"
        TRIAL = "trial", "Clinical trial"
        OTHER = "other", "Other"

    key = models.SlugField(
        max_length=80, unique=True, help_text="Cite it in an article body as [@key]."
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.RESEARCH)
    title = models.CharField(max_length=500)
    source = models.CharField(
        max_length=300, blank=True, help_text="Journal, or the body that issued it."
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    authors = models.CharField(max_length=500, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PMID", max_length=20, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


class ArticleQuerySet(models.QuerySet):
    def public(self) -> "ArticleQuerySet":
        """Articles a reader may open: approved ones, and, when allowed, those in review.

        An approved article whose next revision is in review (or a draft) keeps its approved
        text live; a never-approved one shows only the text last submitted, never a draft. A
        withdrawn article stays hidden until the board approves it again.
        """
        shown = models.Q(live_revision__isnull=False)
        if settings.VETTED_SHOW_UNAPPROVED:
            shown |= models.Q(state__in=UNAPPROVED_PUBLIC_STATES, submitted_revision__isnull=False)
        return self.filter(shown, withdrawn_at__isnull=True)


# Citations travel with the article: reverting an article restores its reference list. The review
# fields are left out: they are not text, ReviewEvent is their history, and a revert must not
# move an article through review behind the board's back. Apps above this one may add what
# else an article's revision carries (personalization adds its variants).
ARTICLE_VERSIONING = {"follow": ["citations"], "exclude": WORKFLOW_FIELDS}


@reversion.register(**ARTICLE_VERSIONING)
class Article(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300, help_text="The question the article answers.")
    summary = models.TextField(blank=True, help_text="The answer in a sentence or two.")
    body = models.TextField(help_text="Markdown. Cite references as [@key].")
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles"
    )
    state = models.CharField(
        max_length=20, choices=ReviewState, default=ReviewState.DRAFT, editable=False
    )
    literature_current_through = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The approved text readers see. Only review.services writes these four fields.
    live_revision = models.ForeignKey(
        "reversion.Revision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    # The text readers of a never-approved article may see (with the caution): the revision
    # last submitted, never a later working save.
    submitted_revision = models.ForeignKey(
        "reversion.Revision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # Set by a withdrawal, cleared only by the next approval: until then readers get 410 with
    # the reason, whatever the article's state while it is revised and resubmitted.
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(blank=True, editable=False)
    # Authors besides `author` who may edit and submit this article (and so may not approve it).
    co_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_authored_articles"
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("public:article", kwargs={"slug": self.slug})

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def public_revision_id(self) -> int | None:
        """The revision readers are shown (the same rule as Article.objects.public()), or None."""
        if self.withdrawn_at is not None:
            return None
        if self.live_revision_id is not None:
            return self.live_revision_id
        if settings.VETTED_SHOW_UNAPPROVED and self.state in UNAPPROVED_PUBLIC_STATES:
            return self.submitted_revision_id
        return None

    @property
    def is_public(self) -> bool:
        return self.public_revision_id is not None


# References are versioned on their own; a revision's references are read as they stood then
# (articles.selectors), so reverting an article never deletes or rewrites a shared reference.
@reversion.register()
class Citation(models.Model):
    """An article's use of a reference; `position` is its number, by first appearance."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "reference"], name="unique_citation"),
            models.UniqueConstraint(
                fields=["article", "position"], name="unique_citation_position"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.position}] {self.reference.key}"


@reversion.register()
class Disclaimer(models.Model):
    """The notice under every article; one per audience, edited by admins, versioned."""

    class Audience(models.TextChoices):
        PROFESSIONAL = "professional", "Health professionals"
        LAY = "lay", "Patients and the public"

    audience = models.CharField(max_length=20, choices=Audience, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.title} ({self.get_audience_display()})"
