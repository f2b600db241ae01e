"""Articles, the references they cite, and the disclaimers shown with them.

Every model here is registered with django-reversion: nothing is
ever lost, and an approval can pin the exact revision it approved.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from .rendering import render_body


class ReviewState(models.TextChoices):
    # The moves between these states are review.workflow's; only review.services writes them.
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under Review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


# What waits for the board: the "Awaiting review" queue, its index, the reminders.
AWAITING_REVIEW = (ReviewState.SUBMITTED, ReviewState.UNDER_REVIEW)

# Where a new draft's answer goes (questions' drafts start with it); while the body still holds
# it, the text is not ready and cannot be submitted (review.workflow).
DRAFT_PLACEHOLDER = "Write the answer here, and cite its references."


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
    "public_edition",
    "published_at",
    "next_review_due",
    "state_changed_at",
    "review_due_since",
    "review_due_reason",
    "public_notices",
]


@dataclass(frozen=True)
class TopicName:
    """A topic's name as a page of one language shows it. `lang` is "en" where the page's
    language has no name written yet and the English one stands in: `html` marks it, so a
    screen reader says it in English."""

    text: str
    lang: str = ""

    @property
    def sort_key(self) -> str:
        """For lists in alphabetical order: "Úlcera" among the U's, not after the Z's."""
        spelled = unicodedata.normalize("NFKD", self.text.casefold())
        return "".join(c for c in spelled if not unicodedata.combining(c))

    @property
    def html(self) -> SafeString:
        """For a page: the text, escaped, in a `<span lang>` where it is not the page's."""
        if self.lang:
            return format_html('<span lang="{}">{}</span>', self.lang, self.text)
        return escape(self.text)


def topic_name(name: str, name_es: str, language: str | None) -> TopicName:
    """The name readers of `language` see: the Spanish one for Spanish readers once written, else
    the English (marked as English for anyone but English readers)."""
    if is_spanish(language) and name_es:
        return TopicName(name_es)
    return TopicName(name, lang="" if is_english(language) else "en")


@reversion.register()
class Topic(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    # Blank until written; Spanish pages show the English name, marked as English, meanwhile.
    name_es = models.CharField(
        "name (Spanish)",
        max_length=100,
        blank=True,
        help_text="What Spanish pages call the topic, e.g. “Cáncer de pulmón”.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def name_for(self, language: str | None) -> TopicName:
        return topic_name(self.name, self.name_es, language)


validate_doi = RegexValidator(
    r"^10\.\d{4,9}/\S+$",
    "Enter a DOI such as 10.1056/NEJMoa2112431 (a link to doi.org is shortened to it).",
    code="invalid_doi",
)
validate_pmid = RegexValidator(
    r"^\d{1,8}$", "Enter a PubMed ID: 1 to 8 digits, such as 34534430.", code="invalid_pmid"
)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalize_doi(value: str) -> str:
    """A DOI as stored: no resolver link or "doi:" before it, lower-case (DOIs ignore case)."""
    return _DOI_PREFIX.sub("", value.strip()).strip().lower()


def normalize_pmid(value: str) -> str:
    return re.sub(r"^pmid:\s*", "", value.strip(), flags=re.IGNORECASE)


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
    # Where in the journal: what a reader needs to find the paper, and what a citation names.
    volume = models.CharField(max_length=30, blank=True, default="")
    issue = models.CharField(max_length=30, blank=True, default="")
    pages = models.CharField(
        max_length=50, blank=True, default="", help_text="As the journal prints them: 241-251."
    )
    authors = models.CharField(max_length=500, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[validate_doi])
    pmid = models.CharField("PMID", max_length=20, blank=True, validators=[validate_pmid])
    url = models.URLField("URL", max_length=500, blank=True)
    # A warning an admin raised about this source: every article citing it goes back to the
    # board (review.services.flag_reference), and its reviewers see the flag.
    flag = models.CharField(
        max_length=20, blank=True,
        choices=[
            ("retracted", "Retracted"),
            ("superseded", "Superseded by newer evidence"),
            ("market_withdrawal", "The drug it concerns was withdrawn from a market"),
        ],
    )  # fmt: skip
    flagged_on = models.DateField(null=True, blank=True)
    flag_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["key"]
        constraints = [
            # The backstop for clean(): two imports racing each other cannot both add a DOI.
            models.UniqueConstraint(
                Lower("doi"),
                condition=~models.Q(doi=""),
                name="unique_reference_doi",
                violation_error_message="Another reference has this DOI.",
            ),
            models.UniqueConstraint(
                fields=["pmid"],
                condition=~models.Q(pmid=""),
                name="unique_reference_pmid",
                violation_error_message="Another reference has this PMID.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    def clean_fields(self, exclude=None) -> None:
        # Before the validators, so a pasted https://doi.org/… link is accepted as its DOI.
        self.doi = normalize_doi(self.doi)
        self.pmid = normalize_pmid(self.pmid)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        """Refuse a second reference to the same work, naming the one that exists."""
        others = Reference.objects.exclude(pk=self.pk) if self.pk else Reference.objects.all()
        errors = {}
        if self.doi and (same := others.filter(doi__iexact=self.doi).first()):
            errors["doi"] = ValidationError(
                "[@%(key)s] already has this DOI.", code="duplicate_doi", params={"key": same.key}
            )
        if self.pmid and (same := others.filter(pmid=self.pmid).first()):
            errors["pmid"] = ValidationError(
                "[@%(key)s] already has this PMID.", code="duplicate_pmid", params={"key": same.key}
            )
        if errors:
            raise ValidationError(errors)


class ArticleQuerySet(models.QuerySet):
    def public(self, language: str | None = "en") -> "ArticleQuerySet":
        """Articles a reader of `language` may open (None: of any language): approved ones,
        and, when allowed, those in review. English readers' lists, search and feeds list the
        English originals; a translation is listed only to readers of its language.

        An approved article whose next revision is in review (or a draft) keeps its approved
        text live; a never-approved one is shown only once an editor published its submitted
        text provisionally, never a draft. A withdrawn article stays hidden until the board
        approves it again.
        """
        shown = self.filter(readable())
        return shown if language is None else shown.filter(language=language)

    def translations(self) -> "ArticleQuerySet":
        return self.filter(translation_of__isnull=False)


def readable(prefix: str = "") -> models.Q:
    """What Article.objects.public() keeps, also through a relation (prefix "article__")."""
    shown = models.Q(**{f"{prefix}public_edition__isnull": False,
                        f"{prefix}withdrawn_at__isnull": True})  # fmt: skip
    if not settings.VETTED_SHOW_UNAPPROVED:
        shown &= models.Q(**{f"{prefix}live_revision__isnull": False})
    return shown


def translated_url(english_slug: str, language: str, name: str = "public:article", **kwargs) -> str:
    """A translation's public address (its page, or with `name` another of its pages: an
    edition's): its original's, under the language's prefix (`/es/articles/<english-slug>/`);
    its own slug (`<english-slug>-es`) is internal. Written from the English address, so it
    holds whichever language is active."""
    with translation.override(settings.LANGUAGE_CODE):
        english = reverse(name, kwargs={"slug": english_slug, **kwargs})
    return f"/{language}{english}"


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
    # The revision last submitted: what the board reviews, and what an editor may publish
    # provisionally (with the caution) while the article was never approved; never a later
    # working save.
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
    # What readers are shown, as it was published: the current approved edition, or for a
    # never-approved article that an editor published provisionally, the snapshot of the text
    # submitted then. Only review.services writes these two; `published_at` orders the public
    # lists.
    public_edition = models.ForeignKey(
        "Edition", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        editable=False,
    )  # fmt: skip
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The public edition's review date, beside it: the Review due list counts what is overdue
    # without reading 5,000 editions.
    next_review_due = models.DateField(null=True, blank=True, editable=False)
    # The review cycle: how often the board looks again, and why (since when) a review is due —
    # its interval ran out, or a reference it cites was flagged. Set by review tasks and moves.
    review_interval_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=(
            "Months between reviews (1 to 60); shorter for fast-moving topics. A change counts "
            "from the next edition: the current one keeps the review date it was published with."
        ),
    )
    review_due_since = models.DateTimeField(null=True, blank=True, editable=False)
    review_due_reason = models.CharField(max_length=300, blank=True, editable=False)
    # The version of what readers are told beside the edition without it being part of it: the
    # flags on the references it cites ("Retracted"). Only publishing.services.notices_changed
    # moves it; the public pointer's key names it, so a flag raised or cleared is seen at once.
    public_notices = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # When the article entered its review state (the queues' "in this state for" and order).
    state_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Authors besides `author` who may edit and submit this article (and so may not approve it).
    co_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_authored_articles"
    )
    # The language readers read it in. A translation is an article of its own (its own review,
    # editions and withdrawals) of another language, `translation_of` the English original: one
    # per language, never a translation of a translation. It is written against one approved
    # edition of the original, `translates_edition`, part of its text; each of its editions
    # records the original's edition it translates (Edition.translates).
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default="en", editable=False
    )
    translation_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="translations",
        editable=False,
    )  # fmt: skip
    translates_edition = models.ForeignKey(
        "Edition", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The approved edition of the original this text translates.",
    )  # fmt: skip

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["state", "state_changed_at"], name="article_state_since"),
            # An author's own articles on their dashboard, newest change first.
            models.Index(fields=["author", "-updated_at", "-id"], name="article_author_recent"),
            # The board's queue of what awaits review, longest waiting first.
            models.Index(
                fields=["state_changed_at", "id"],
                condition=models.Q(state__in=AWAITING_REVIEW),
                name="article_awaiting",
            ),
            models.Index(
                fields=["review_due_since"],
                condition=models.Q(review_due_since__isnull=False),
                name="article_review_due",
            ),
            # The public lists of each language: newest published first, only what readers may
            # open; with whether it was ever approved, so a deep page reads the index alone.
            models.Index(
                fields=["language", "-published_at", "-id"],
                condition=models.Q(public_edition__isnull=False, withdrawn_at__isnull=True),
                include=["live_revision"],
                name="article_public_newest",
            ),
            # The admin's list of every article, most recently changed first.
            models.Index(fields=["-updated_at", "-id"], name="article_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                condition=models.Q(translation_of__isnull=False),
                name="one_translation_per_language",
            ),
            # Originals are English; a translation is of another language.
            models.CheckConstraint(
                condition=models.Q(translation_of__isnull=True, language="en")
                | (models.Q(translation_of__isnull=False) & ~models.Q(language="en")),
                name="translations_are_not_english",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.translation_of_id is not None:
            return translated_url(self.translation_of.slug, self.language)
        return reverse("public:article", kwargs={"slug": self.slug})

    @property
    def public_slug(self) -> str:
        """The slug of its public addresses: a translation's are its original's, under its
        language's prefix (the edition permalinks `/es/articles/<slug>/editions/<n>/`)."""
        return self.translation_of.slug if self.translation_of_id is not None else self.slug

    @property
    def is_translation(self) -> bool:
        return self.translation_of_id is not None

    @property
    def is_due_for_review(self) -> bool:
        return self.review_due_since is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_public(self) -> bool:
        """The same rule as Article.objects.public(), for an article already in hand."""
        if self.withdrawn_at is not None or self.public_edition_id is None:
            return False
        return self.live_revision_id is not None or settings.VETTED_SHOW_UNAPPROVED


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
    # Rendered when saved, so no reader's request renders Markdown.
    body_html = models.TextField(editable=False, default="")
    # The same notice for Spanish pages; blank until written, and then the English shows.
    title_es = models.CharField("title (Spanish)", max_length=200, blank=True)
    body_es = models.TextField("body (Spanish)", blank=True, help_text="Markdown.")
    body_html_es = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.title} ({self.get_audience_display()})"

    def save(self, *args, **kwargs):
        self.body_html = render_body(self.body, frozenset()).html
        self.body_html_es = render_body(self.body_es, frozenset()).html if self.body_es else ""
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html", "body_html_es"}
        super().save(*args, **kwargs)

    @classmethod
    def for_audience(cls, audience: str, language: str | None) -> "DisclaimerText | None":
        """The notice an audience's page shows in `language`; None while there is none."""
        disclaimer = cls.objects.filter(audience=audience).first()
        return disclaimer.text_for(language) if disclaimer is not None else None

    def text_for(self, language: str | None) -> "DisclaimerText":
        """The title and rendered body in `language`: the Spanish ones when both are written
        (a Spanish title over an English body would misstate what the notice says), else the
        English ones."""
        if is_spanish(language) and self.title_es and self.body_es:
            return DisclaimerText(language="es", title=self.title_es, html=self.body_html_es)
        return DisclaimerText(language="en", title=self.title, html=self.body_html)


@dataclass(frozen=True)
class DisclaimerText:
    language: str  # the language the text is in, for the page's lang attribute where it differs
    title: str
    html: str


def is_spanish(language: str | None) -> bool:
    """Whether a language code ("es", "es-mx") asks for the Spanish texts."""
    return (language or "").lower().split("-")[0] == "es"


def is_english(language: str | None) -> bool:
    """Whether a language code ("en", "en-gb"; none active: the site's) asks for English."""
    return (language or settings.LANGUAGE_CODE).lower().split("-")[0] == "en"


class ImmutableEdition(Exception):
    """Editions are the record of what was published: never changed, never deleted."""


class EditionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableEdition("Editions are never changed.")

    def delete(self):
        raise ImmutableEdition("Editions are never deleted.")

    def approved(self) -> "EditionQuerySet":
        return self.filter(kind=Edition.Kind.APPROVED)


class Edition(models.Model):
    """What readers were shown, exactly as published: written once when the board approves a
    revision (or, for a never-approved article, when an editor publishes its submitted text
    provisionally) and never changed.

    Readers, search and permalinks read editions only; reviewers work on revisions.
    `renditions` holds the page of every reader role as rendered then (glossary applied), so an
    old edition reads the same after any later change of code, references or roles.
    """

    class Kind(models.TextChoices):
        APPROVED = "approved", "Approved edition"
        PENDING = "pending", "Submitted, awaiting review"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="editions")
    kind = models.CharField(max_length=10, choices=Kind)
    number = models.PositiveIntegerField(null=True, blank=True)  # 1, 2, 3… approved only
    revision = models.ForeignKey("reversion.Revision", on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # As they were on the day: a later change of name or credentials does not rewrite history.
    approver_name = models.CharField(max_length=200, blank=True)
    approver_credentials = models.CharField(max_length=200, blank=True)
    # Everyone who signed off the approved revision (the last of them is `approved_by`), as
    # publishing.editions.Approver: [{name, credentials, username, specialties, signed_at,
    # checklist: [{key, question, answer, reason}]}].
    approvers = models.JSONField(default=list)
    # The same people, for finding the editions a person signed off (their contributor page).
    signed_off_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="signed_off_editions"
    )
    published_at = models.DateTimeField()
    change_note = models.TextField(blank=True)
    # SHA-256 of everything readers can be shown from the pinned revision (the approval's
    # fingerprint), and of the pinned revision's stored versions as they were at publication.
    content_sha256 = models.CharField(max_length=64)
    revision_sha256 = models.CharField(max_length=64, blank=True)
    # The seal (publishing.editions): an HMAC-SHA256, under the key named by seal_key_id (a
    # setting, never in the database), of each field a reader or a client can be shown (`seals`)
    # and of them all (`stored_sha256`); `manage.py verify_editions` checks it and names what
    # differs. Version 1 and 2: an unkeyed SHA-256 of fewer fields, from before the keys.
    stored_sha256 = models.CharField(max_length=64)
    stored_sha256_version = models.PositiveSmallIntegerField(default=1)
    seal_key_id = models.CharField(max_length=20, blank=True)
    seals = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    literature_current_through = models.DateField(null=True, blank=True)
    text_updated_at = models.DateTimeField(null=True, blank=True)
    # When the board means to look at it again (published_at + the article's review interval).
    next_review_due = models.DateField(null=True, blank=True)
    # Who wrote it and what it is about, as published: [{name, credentials, username}], [{name,
    # slug}].
    authors = models.JSONField(default=list)
    topics = models.JSONField(default=list)
    renditions = models.JSONField()  # role slug ("" for the default text) → the page's text
    change_log = models.JSONField(default=list)  # every approved edition up to this one
    search_text = models.TextField(blank=True)  # every word a reader of any role can read
    # A translation's edition: the original's approved edition it translates (its article's
    # `translates_edition` when published). Readers are told when the original has moved on.
    translates = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="translations"
    )

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            # The feeds and contributors' pages: approved editions, newest first.
            models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(kind="approved"),
                name="edition_approved_newest",
            ),
            # The admin's list of every edition, newest first.
            models.Index(fields=["-published_at", "-id"], name="edition_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"],
                condition=models.Q(number__isnull=False),
                name="one_number_per_edition",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="pending", number__isnull=True)
                | models.Q(kind="approved", number__isnull=False),
                name="approved_editions_are_numbered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (edition {self.number})" if self.number else self.title

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableEdition("Editions are never changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        article = self.article
        if article.translation_of_id is not None:
            return translated_url(
                article.public_slug, article.language, "public:edition", number=self.number
            )
        return reverse("public:edition", kwargs={"slug": article.slug, "number": self.number})

    def delete(self, *args, **kwargs):
        raise ImmutableEdition("Editions are never deleted.")

    @property
    def is_approved(self) -> bool:
        return self.kind == self.Kind.APPROVED

    def is_overdue(self, today: date) -> bool:
        """Past its review date and the grace period: the page says so."""
        if self.next_review_due is None:
            return False
        return today > self.next_review_due + timedelta(days=settings.VETTED_REVIEW_GRACE_DAYS)


class EditionReference(models.Model):
    """A reference an edition cites, in any reader's version: the index the API's references
    are read along (which published articles cite a key, and the newest one's wording), so no
    list has to open every edition. Written with the edition, never changed."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="cited_keys")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    published_at = models.DateTimeField()  # the edition's: the newest citing edition first

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="one_row_per_cited_key"),
        ]
        indexes = [models.Index(F("key"), F("published_at").desc(), name="cited_key_newest")]

    def __str__(self) -> str:
        return f"{self.key} in {self.edition_id}"


class PublicCitation(models.Model):
    """A reference key the edition readers are shown now cites: one row per published article
    (approved, not withdrawn) and key. Kept by the publication acts alone (publishing.citations),
    in their transactions, as the search entries are; the references API reads along it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    published_at = models.DateTimeField()  # the edition's

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "key"], name="one_public_citation"),
        ]
        indexes = [
            models.Index(F("key"), F("published_at").desc(), F("edition").desc(),
                         name="public_citation_newest"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.key} in article {self.article_id}"


class PublicTopicListing(models.Model):
    """An article on a topic's public list: one row per published article (its public edition,
    not withdrawn) and topic that edition names. Kept by the publication acts alone
    (publishing.topic_lists), in their transactions, so a topic page follows what was published,
    not a draft's topics, and reads a page of this index at any depth instead of walking every
    public article newest first to find the topic's."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)  # the article's: a list shows its own language
    published_at = models.DateTimeField()  # the article's public edition's
    # Its text was approved by the board (live_revision), not only published provisionally:
    # the lists skip the provisional ones unless VETTED_SHOW_UNAPPROVED (articles.readable).
    approved = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "topic"], name="one_topic_listing"),
        ]
        indexes = [
            models.Index(fields=["topic", "language", "-published_at", "-article", "approved"],
                         name="topic_listing_newest"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"article {self.article_id} on topic {self.topic_id}"


class PublicReferenceUse(models.Model):
    """How many published articles cite a key now, and the newest edition among them (whose
    wording of the reference the API shows): kept with PublicCitation, so the references list
    is a page of these rows, however many articles cite each."""

    key = models.CharField(max_length=100, unique=True)
    articles = models.PositiveIntegerField(default=0)
    newest_edition = models.ForeignKey(
        Edition, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["key"], condition=models.Q(articles__gt=0), name="reference_in_use"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.articles} articles"


class EditionCredit(models.Model):
    """A person an approved edition credits, as it recorded them (author, co-author, or a board
    member who signed it off): the index a contributor's page is read along, newest first, so
    a busy author's page reads a page of rows, not every edition. Written with the edition."""

    class Role(models.TextChoices):
        AUTHOR = "author", "Author"
        CO_AUTHOR = "co_author", "Co-author"
        SIGNED_OFF = "signed_off", "Signed off"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="credits")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12, choices=Role)
    published_at = models.DateTimeField()  # the edition's: a person's newest first

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="one_credit_per_person"),
        ]
        indexes = [
            models.Index(
                F("user"), F("published_at").desc(), F("edition").desc(), name="credit_newest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.role}) in {self.edition_id}"


def cited_keys(renditions: dict) -> list[str]:
    """Every reference key an edition's pages list, once, in the order first listed."""
    keys = {ref["key"]: None for page in renditions.values() for ref in page["references"]}
    return list(keys)


class SearchEntry(models.Model):
    """PostgreSQL's search index of one public article: the weighted `tsvector` of its public
    edition (title A, summary B, every other word readers can read C), GIN-indexed, with that of
    its title and summary alone and its publication time.

    Written only by articles.search. Unmanaged: the migration creates it on PostgreSQL alone;
    SQLite keeps the same entries in an FTS5 table (see articles/search.py).
    """

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.DO_NOTHING, related_name="search_entry"
    )
    published_at = models.DateTimeField()  # the edition's: matches are windowed newest first
    language = models.CharField(max_length=8, default="en")  # its article's: a query reads its own
    title_document = SearchVectorField()  # the title and summary alone
    document = SearchVectorField()  # everything readers can read

    class Meta:
        managed = False
        db_table = "articles_searchentry"

    def __str__(self) -> str:
        return f"Search entry of article {self.article_id}"
