"""The reader's question form, with its bot traps, and the editors' small action forms."""

import functools
import time
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from articles.models import Article

from .models import Question
from .roles import known_role, reader_roles
from .selectors import DRAFT_TITLE_MAX_CHARS, draft_authors
from .services import slug_taken_message

QUESTION_MIN_CHARS = 10
QUESTION_MAX_CHARS = 2000
ANSWER_MAX_CHARS = 5000
_STARTED_SALT = "questions.form-started"
# Invisible characters that reorder text; in a name or address they only serve to spoof.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class _StartSigner(signing.TimestampSigner):
    """Signs when the form was shown; `at` lets tests (and nothing else) pick the moment."""

    def __init__(self, at: float | None = None) -> None:
        super().__init__(salt=_STARTED_SALT)
        self.at = at

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time() if self.at is None else self.at))


def started_token(at: float | None = None) -> str:
    """A signed note of when the form was shown (now, unless `at` says otherwise)."""
    return _StartSigner(at).sign("question-form")


def seconds_since_started(token: str) -> float | None:
    """How long ago `token` was signed, or None if it is missing or forged."""
    try:
        _StartSigner().unsign(token)
        timestamp = signing.b62_decode(token.rsplit(":", 2)[1])
    except (signing.BadSignature, IndexError, ValueError):
        return None
    return time.time() - timestamp


def _is_control(char: str, allowed: str = "") -> bool:
    return char not in allowed and unicodedata.category(char) == "Cc"


class _LabelledForm(forms.Form):
    """Rendered field by field with `as_field_group`: labels read as written, no colon added."""

    error_css_class = "has-error"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class QuestionTextField(forms.CharField):
    """Multi-line text: browsers send CRLF, so line endings are normalized before counting."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            if any(_is_control(char, allowed="\n\t") for char in value):
                raise forms.ValidationError(
                    "Your question contains invisible control characters. Please retype it "
                    "rather than pasting it.",
                    code="control_characters",
                )
        return super().to_python(value)


class _SingleLineMixin:
    """No control characters at all, CR and LF included (they would split e-mail headers)."""

    def to_python(self, value):
        if isinstance(value, str) and any(
            _is_control(char) or char in _BIDI_CONTROLS for char in value
        ):
            raise forms.ValidationError(
                "This must be a single line of ordinary text.", code="control_characters"
            )
        return super().to_python(value)


class NameField(_SingleLineMixin, forms.CharField):
    pass


class ReplyEmailField(_SingleLineMixin, forms.EmailField):
    pass


class RoleField(forms.Field):
    """A reader role slug; anything else becomes "" silently, so it is never echoed back."""

    widget = forms.Select

    def to_python(self, value) -> str:
        return known_role(value) if isinstance(value, str) else ""


class QuestionForm(_LabelledForm):
    question = QuestionTextField(
        label="Your question",
        min_length=QUESTION_MIN_CHARS,
        max_length=QUESTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"Between {QUESTION_MIN_CHARS} and {QUESTION_MAX_CHARS:,} characters.",
    )
    name = NameField(label="Your first name (optional)", required=False, max_length=100)
    email = ReplyEmailField(
        label="Your e-mail address (optional, only if you would like a reply)",
        required=False,
        max_length=254,
    )
    role = RoleField(label="I am asking as (optional)", required=False)
    consent = forms.BooleanField(label="", required=True)
    # The trap: people never see this field, so anything in it was typed by a program.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args, roles: list[tuple[str, str]] | None = None, timed: bool = True, **kwargs
    ):
        # Prefixed ids: the form sits on the article page beside other forms.
        kwargs.setdefault("auto_id", "question_%s")
        super().__init__(*args, **kwargs)
        self.fields["role"].widget.choices = [
            ("", "Prefer not to say"),
            *(reader_roles() if roles is None else roles),
        ]
        self.fields["consent"].label = (
            "I understand this is not for emergencies or personal medical advice, and I agree "
            "that Vetted keeps my question, with personal details removed, for up to "
            f"{settings.VETTED_QUESTION_RETENTION_DAYS} days to answer it and improve its articles."
        )
        self.fields["consent"].error_messages["required"] = (
            "Please tick this box to send your question."
        )
        if not self.is_bound and timed:
            self.initial.setdefault("started", started_token())

    def looks_automated(self) -> bool:
        """A filled trap, or a form sent faster than a person could: a bot, answered politely."""
        if self.data.get("website", ""):
            return True
        elapsed = seconds_since_started(self.data.get("started", ""))
        return elapsed is not None and elapsed < settings.VETTED_QUESTION_MIN_SECONDS

    def needs_confirmation(self) -> bool:
        """Sent from the article page (untimed) with nothing else wrong: show it back to the
        reader to confirm, on a timed page."""
        codes = {error.code for error in self.non_field_errors().as_data()}
        return codes == {"stale_form"} and not any(self.errors.get(f) for f in self.fields)

    def clean(self):
        cleaned = super().clean()
        # A missing or altered timestamp is not proof of a bot (an old page, a rotated key):
        # ask the person to send again, keeping what they typed, with a fresh timestamp.
        if seconds_since_started(self.data.get("started", "")) is None:
            data = self.data.copy()
            data["started"] = started_token()
            self.data = data
            raise forms.ValidationError(
                "Please check your question and press “Send question” to send it.",
                code="stale_form",
            )
        return cleaned


def blank_question_form(
    role_slug: str = "", roles: list[tuple[str, str]] | None = None, timed: bool = True
) -> QuestionForm:
    """An empty question form, with the reader's role (if known) chosen; untimed on the article
    page, which is the same for everyone (the reader then confirms on a timed page)."""
    roles = reader_roles() if roles is None else roles
    return QuestionForm(
        initial={"role": known_role(role_slug or "", roles)}, roles=roles, timed=timed
    )


@functools.lru_cache(maxsize=64)
def article_page_fields(role_slug: str, roles: tuple[tuple[str, str], ...]) -> SafeString:
    """The untimed form's fields as every article page of this role shows them: rendered once
    per role and list of roles, not once per page (most of a page's rendering time)."""
    form = blank_question_form(role_slug, roles=list(roles), timed=False)
    return mark_safe(render_to_string("questions/includes/form_fields.html", {"form": form}))


class QueueFilterForm(_LabelledForm):
    STATUS_CHOICES = [
        ("open", "Open (new or triaged)"),
        *Question.Status.choices,
        ("all", "All"),
    ]

    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    article = forms.CharField(
        label="Article (its address, or words from its title)",
        required=False,
        max_length=200,
        strip=True,
        help_text="For example nsclc-her2-exon-20-first-line, or HER2 exon 20.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class AnswerForm(_LabelledForm):
    answer = forms.CharField(
        label="Answer", max_length=ANSWER_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, reply_by_email: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = (
            "Answer (e-mailed to the reader)"
            if reply_by_email
            else "Answer (kept here; the reader left no address)"
        )


class DuplicateForm(_LabelledForm):
    original = forms.ModelChoiceField(label="This question repeats", queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["original"].queryset = candidates
        self.fields["original"].label_from_instance = lambda q: (
            f"#{q.pk} ({q.get_status_display().lower()}): {q.text[:80]}"
        )


class ChangeRequestForm(_LabelledForm):
    note = forms.CharField(
        label="What should change in the article (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AuthorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        name = user.public_name
        return name if name == user.username else f"{name} ({user.username})"


class DraftArticleForm(_LabelledForm):
    """Turn a question into a draft: whose it is, and its title and address, confirmed by hand."""

    author = AuthorChoiceField(
        label="Author",
        queryset=User.objects.none(),
        empty_label="Choose an author",
        help_text="The draft goes to their submissions; they write it and submit it for review.",
        error_messages={
            "required": "Choose the author who will write this article.",
            "invalid_choice": "Choose one of the authors listed: only active members of the "
            "Authors group can be given a draft.",
        },
    )
    title = forms.CharField(
        label="Title (the question the article answers)",
        max_length=DRAFT_TITLE_MAX_CHARS,
        error_messages={"required": "Give the draft a title."},
    )
    slug = forms.SlugField(
        label="Address (slug)",
        max_length=Article._meta.get_field("slug").max_length,
        help_text="Lower-case words joined by hyphens; readers will see it in the article's "
        "link, so keep the reader's own words out of it.",
        error_messages={"required": "Give the draft an address."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "draft_%s")
        super().__init__(*args, **kwargs)
        self.fields["author"].queryset = draft_authors()

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if Article.objects.filter(slug=slug).exists():
            raise forms.ValidationError(slug_taken_message(slug), code="slug_taken")
        return slug
