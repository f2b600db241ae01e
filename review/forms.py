from django import forms
from django.conf import settings

from articles.models import Article, Reference
from articles.services import normalize_markdown

from .models import SpecialistInvitation


class ArticleEditForm(forms.Form):
    title = forms.CharField(label="Question (title)", max_length=300)
    summary = forms.CharField(
        label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label="Body (Markdown; cite references as [@key])",
        widget=forms.Textarea(attrs={"rows": 24}),
        max_length=settings.VETTED_MAX_BODY_CHARS,
    )
    literature_current_through = forms.DateField(
        label="Literature current through",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    comment = forms.CharField(label="What changed, and why", max_length=1000, required=False)
    seen_revision_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_body(self) -> str:
        # One line-ending convention before anything compares it with the stored text.
        return normalize_markdown(self.cleaned_data["body"])


class NewArticleForm(ArticleEditForm):
    slug = forms.SlugField(label="Address (slug)", max_length=120)

    field_order = ["title", "slug", "summary", "body", "literature_current_through", "comment"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Article.objects.filter(slug=slug).exists():
            raise forms.ValidationError("Another article already uses this address.")
        return slug


class MoveForm(forms.Form):
    comment = forms.CharField(
        label="Comment", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(
        label="What changed, for readers", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    seen_revision_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Moves whose form offers it (Move.schedulable): publish on that day, not now.
    go_live_on = forms.DateField(
        label="Publish on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add a comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label="Reviewer", queryset=None)

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers


class VariantForm(forms.Form):
    summary = forms.CharField(
        label="Summary in this reader's words", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    body = forms.CharField(
        label="Body (Markdown; cite references as [@key])",
        widget=forms.Textarea(attrs={"rows": 24}),
        max_length=settings.VETTED_MAX_BODY_CHARS,
        required=False,
    )
    comment = forms.CharField(label="What changed, and why", max_length=1000, required=False)
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
        help_texts = {"key": "Lower-case words joined by hyphens; cite it as [@key]."}


class InviteSpecialistForm(forms.Form):
    name = forms.CharField(label="Specialist's name", max_length=150)
    email = forms.EmailField(label="E-mail address")
    credentials = forms.CharField(
        label="Credentials", max_length=200,
        help_text='Shown with their advice, e.g. "MD, thoracic oncology, Karolinska".',
    )  # fmt: skip
    days = forms.IntegerField(label="Link works for (days)", min_value=1, max_value=60, initial=14)


class AdviceForm(forms.Form):
    recommendation = forms.ChoiceField(
        label="Your recommendation",
        choices=SpecialistInvitation.Recommendation.choices,
        widget=forms.RadioSelect,
    )
    advice = forms.CharField(
        label="Your comments for the board", required=False, max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What should change, and why; cite sources where you can. Required unless the "
        "text is ready to approve.",
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        ready = SpecialistInvitation.Recommendation.READY
        if data.get("recommendation") not in (None, ready) and not data.get("advice", "").strip():
            self.add_error("advice", "Say what should change before the board approves it.")
        return data


class GoLiveForm(forms.Form):
    go_live_on = forms.DateField(label="Publish on", widget=forms.DateInput(attrs={"type": "date"}))


class ReReviewForm(forms.Form):
    due_on = forms.DateField(label="Re-review on", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Why (optional)", max_length=200, required=False)
