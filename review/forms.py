from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Reference, Topic
from articles.services import normalize_markdown

from .models import SpecialistInvitation


def _date_input() -> forms.DateInput:
    """A browser's date picker: it reads and sends ISO dates only, so the value is never written
    the page language's way (a Spanish page would write 21/07/2025, which the picker drops)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ArticleEditForm(forms.Form):
    title = forms.CharField(label=_("Question (title)"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Body (Markdown; cite references as [@key])"),
        widget=forms.Textarea(attrs={"rows": 24}),
        max_length=settings.VETTED_MAX_BODY_CHARS,
    )
    literature_current_through = forms.DateField(
        label=_("Literature current through"),
        required=False,
        widget=_date_input(),
    )
    comment = forms.CharField(label=_("What changed, and why"), max_length=1000, required=False)
    seen_revision_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_body(self) -> str:
        # One line-ending convention before anything compares it with the stored text.
        return normalize_markdown(self.cleaned_data["body"])


class NewArticleForm(ArticleEditForm):
    slug = forms.SlugField(label=_("Address (slug)"), max_length=120)

    field_order = ["title", "slug", "summary", "body", "literature_current_through", "comment"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Article.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another article already uses this address."))
        return slug


class MoveForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label=_("What changed, for readers"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    seen_revision_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Moves whose form offers it (Move.schedulable): publish on that day, not now.
    go_live_on = forms.DateField(label=_("Publish on"), required=False, widget=_date_input())
    # An approval may declare that its text corrects a clinically meaningful error: readers are
    # told, dated, on the article, in its change log and in its feed entry.
    corrects_error = forms.BooleanField(
        label=_("This edition corrects a clinically meaningful error"), required=False
    )
    correction = forms.CharField(
        label=_("The correction, for readers"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        correction = cleaned.get("correction", "").strip()
        if cleaned.get("corrects_error") and not correction:
            self.add_error(
                "correction",
                _("Say, for readers, what the error was and what is correct now."),
            )
        elif correction and not cleaned.get("corrects_error"):
            self.add_error(
                "corrects_error",
                _(
                    "Tick “corrects a clinically meaningful error” to publish the "
                    "correction, or clear its text."
                ),
            )
        return cleaned

    @property
    def declared_correction(self) -> str:
        """The correction readers are told of, or "" (valid forms only)."""
        data = self.cleaned_data
        return data["correction"].strip() if data.get("corrects_error") else ""


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Add a comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    # Django's own words, said again here: its Spanish catalogue does not translate them yet.
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"), queryset=None, empty_label=_("- Select an option -")
    )

    def __init__(self, *args, reviewers, offered=None, **kwargs):
        """`reviewers`: whom the form accepts (the service says why it refuses one);
        `offered`: whom the list shows, when fewer (those the service would accept)."""
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        field.queryset = reviewers
        if offered is not None:
            field.widget.choices = [("", field.empty_label)] + [
                (user.pk, field.label_from_instance(user)) for user in offered
            ]


class VariantForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary in this reader's words"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    body = forms.CharField(
        label=_("Body (Markdown; cite references as [@key])"),
        widget=forms.Textarea(attrs={"rows": 24}),
        max_length=settings.VETTED_MAX_BODY_CHARS,
        required=False,
    )
    comment = forms.CharField(label=_("What changed, and why"), max_length=1000, required=False)
    seen_revision_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        return normalize_markdown(body) if body.strip() else ""


class ReferenceForm(forms.ModelForm):
    class Meta:
        model = Reference
        fields = [
            "key", "kind", "title", "source", "year", "volume", "issue", "pages", "authors", "doi",
            "pmid", "url",
        ]  # fmt: skip
        # The model's English names, said again here in the page's language (DOI, PMID and URL
        # are the same in every language).
        labels = {
            "key": _("Key"), "kind": _("Kind"), "title": _("Title"), "source": _("Source"),
            "year": _("Year"), "volume": _("Volume"), "issue": _("Issue"), "pages": _("Pages"),
            "authors": _("Authors"),
        }  # fmt: skip
        help_texts = {
            "key": _("Lower-case words joined by hyphens; cite it as [@key]."),
            "source": _("Journal, or the body that issued it."),
            "pages": _("As the journal prints them: 241-251."),
        }


class PassageCommentForm(forms.Form):
    """A comment on one passage. Without JavaScript the reviewer pastes the passage; with it,
    selecting the passage in the text fills the field (static/js/passage.js)."""

    text = forms.ChoiceField(label=_("Text"), required=False)  # "": the default text
    quote = forms.CharField(
        label=_("Passage"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Select it in a text above, or paste it exactly as it appears there."),
    )  # fmt: skip
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposed_wording = forms.CharField(
        label=_("Proposed wording (optional)"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the passage should say instead; the author can accept it with one "
                    "click."),
    )  # fmt: skip
    blocking = forms.BooleanField(
        label=_("Blocks approval until the author resolves it"), required=False
    )

    def __init__(self, *args, texts: list[tuple[str, str]], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["text"].choices = texts


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), max_length=5000)


class DisclosureRenewalForm(forms.Form):
    """A contributor's own disclosure, restated in full (the newest replaces those before it)."""

    none_to_declare = forms.BooleanField(
        label=_("I have no conflict of interest to declare"), required=False
    )
    statement = forms.CharField(
        label=_("What you declare (readers see it on your contributor page)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    conflict_topics = forms.ModelMultipleChoiceField(
        label=_("Topics on which you have a conflict (you take no part in reviewing them)"),
        queryset=Topic.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("none_to_declare") and cleaned.get("conflict_topics"):
            raise forms.ValidationError(
                _(
                    "You ticked “no conflict of interest” and chose conflict topics: "
                    "untick one or the other."
                )
            )
        if not cleaned.get("none_to_declare") and not cleaned.get("statement", "").strip():
            raise forms.ValidationError(
                _("Say what you declare, or tick “I have no conflict of interest to declare”.")
            )
        return cleaned


class InviteSpecialistForm(forms.Form):
    name = forms.CharField(label=_("Specialist's name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    credentials = forms.CharField(
        label=_("Credentials"), max_length=200,
        help_text=_('Shown with their advice, e.g. "MD, thoracic oncology, Karolinska".'),
    )  # fmt: skip
    days = forms.IntegerField(
        label=_("Link works for (days)"), min_value=1, max_value=60, initial=14
    )


class AdviceForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Your recommendation"),
        choices=SpecialistInvitation.Recommendation.choices,
        widget=forms.RadioSelect,
    )
    advice = forms.CharField(
        label=_("Your comments for the board"), required=False, max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What should change, and why; cite sources where you can. Required unless "
                    "the text is ready to approve."),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        ready = SpecialistInvitation.Recommendation.READY
        if data.get("recommendation") not in (None, ready) and not data.get("advice", "").strip():
            self.add_error("advice", _("Say what should change before the board approves it."))
        return data


class GoLiveForm(forms.Form):
    go_live_on = forms.DateField(label=_("Publish on"), widget=_date_input())


class ReReviewForm(forms.Form):
    due_on = forms.DateField(label=_("Re-review on"), widget=_date_input())
    reason = forms.CharField(label=_("Why (optional)"), max_length=200, required=False)
