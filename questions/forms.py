"""The reader's question form, with its bot traps, and the editors' small action forms."""

import functools
import time
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from articles.models import Article

from .roles import known_role, reader_roles
from .scrubbing import scrub
from .selectors import DRAFT_TITLE_MAX_CHARS, draft_authors
from .services import slug_taken_message
from .workflow import STATUS_NAMES

QUESTION_MIN_CHARS = 10
QUESTION_MAX_CHARS = 2000
ANSWER_MAX_CHARS = 5000
_STARTED_SALT = "questions.form-started"
# The hidden field questions.js adds to the article page's form on the reader's first keystroke.
TYPING_STARTED = "typing_started"
EDIT_ORIGINAL = "edit_original"  # the check page's "Edit my original wording" button
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
                    _(
                        "Your question contains invisible control characters. Please retype it "
                        "rather than pasting it."
                    ),
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
                _("This must be a single line of ordinary text."), code="control_characters"
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
        label=_("Your question"),
        min_length=QUESTION_MIN_CHARS,
        max_length=QUESTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="",  # in the reader's language, with their digit grouping: __init__
        error_messages={
            "min_length": _(
                "Please write at least %(limit_value)d characters, so our editors can "
                "understand your question (it has %(show_value)d)."
            ),
            "max_length": _(
                "Please shorten your question to %(limit_value)d characters or fewer "
                "(it has %(show_value)d)."
            ),
        },
    )
    # The reader's words as typed, kept in their own page (never stored) while the box holds
    # the scrubbed text, for a reader who chooses to edit their original wording.
    original = QuestionTextField(
        required=False, max_length=QUESTION_MAX_CHARS, widget=forms.HiddenInput
    )
    name = NameField(label=_("Your first name (optional)"), required=False, max_length=100)
    email = ReplyEmailField(
        label=_("Your e-mail address (optional, only if you would like a reply)"),
        required=False,
        max_length=254,
    )
    role = RoleField(label=_("I am asking as (optional)"), required=False)
    consent = forms.BooleanField(label="", required=True)
    # The trap: people never see this field, so anything in it was typed by a program.
    website = forms.CharField(
        label=_("Leave this field empty"),
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
        self.roles = reader_roles() if roles is None else roles
        self.fields["question"].help_text = gettext("Between %(min)s and %(max)s characters.") % {
            "min": number_format(QUESTION_MIN_CHARS, force_grouping=True),
            "max": number_format(QUESTION_MAX_CHARS, force_grouping=True),
        }
        self.fields["role"].widget.choices = [("", gettext("Prefer not to say")), *self.roles]
        self.fields["consent"].label = gettext(
            "I understand this is not for emergencies or personal medical advice, and I agree "
            "that Vetted keeps my question, with personal details removed, for up to "
            "%(days)d days to answer it and improve its articles."
        ) % {"days": settings.VETTED_QUESTION_RETENTION_DAYS}
        self.fields["consent"].error_messages["required"] = gettext(
            "Please tick this box to send your question."
        )
        if self.is_bound:
            # Sent from the shared article page, whose form has no timestamp: the reader has
            # not seen their question as it will be kept yet.
            self.from_article_page = seconds_since_started(self.data.get("started", "")) is None
            # Whatever page comes next carries when this reader started, so the time they
            # spent on the article page still counts when they press "Send question" there.
            data = self.data.copy()
            data["started"] = self._reader_started()
            self.data = data
        elif timed:
            self.initial.setdefault("started", started_token())

    def _reader_started(self) -> str:
        """The signed moment this reader began: their form's page, their first keystroke on
        the article page (questions.js fetches it), or now when neither is there or genuine."""
        for name in ("started", TYPING_STARTED):
            token = self.data.get(name, "")
            if seconds_since_started(token) is not None:
                return token
        return started_token()

    def filled_trap(self) -> bool:
        """Anything in the hidden field was typed by a program: a bot, answered politely."""
        return bool(self.data.get("website", ""))

    def sent_too_fast(self) -> bool:
        """Sent sooner after the reader began than a person could: doubtful, so the reader is
        asked again (with their words kept), never told a lie."""
        elapsed = seconds_since_started(self.data["started"]) or 0.0
        return elapsed < settings.VETTED_QUESTION_MIN_SECONDS

    def wants_original(self) -> bool:
        """The reader pressed "Edit my original wording" on the check page."""
        return bool(self.data.get(EDIT_ORIGINAL)) and bool(self.cleaned_data.get("original"))


def blank_question_form(
    role_slug: str = "", roles: list[tuple[str, str]] | None = None, timed: bool = True
) -> QuestionForm:
    """An empty question form, with the reader's role (if known) chosen; untimed on the article
    page, which is the same for everyone (the reader then confirms on a timed page)."""
    roles = reader_roles() if roles is None else roles
    return QuestionForm(
        initial={"role": known_role(role_slug or "", roles)}, roles=roles, timed=timed
    )


def check_page_form(form: QuestionForm, *, box: str) -> QuestionForm:
    """The check page's form: `box` in the editable box, and the reader's own words kept
    aside (for "Edit my original wording") when scrubbing changed them."""
    original = form.cleaned_data.get("original") or form.cleaned_data["question"]
    data = form.data.copy()
    data["question"] = box
    changed_by_scrubbing = scrub(original).text != original
    data["original"] = original if changed_by_scrubbing and box != original else ""
    data.pop(EDIT_ORIGINAL, None)
    return QuestionForm(data, roles=form.roles)


@functools.lru_cache(maxsize=64)
def article_page_fields(
    role_slug: str, roles: tuple[tuple[str, str], ...], language: str = "en"
) -> SafeString:
    """The untimed form's fields as every article page of this role shows them: rendered once
    per role, list of roles and language (the active one, which the caller names), not once
    per page (most of a page's rendering time)."""
    form = blank_question_form(role_slug, roles=list(roles), timed=False)
    return mark_safe(render_to_string("questions/includes/form_fields.html", {"form": form}))


class QueueFilterForm(_LabelledForm):
    STATUS_CHOICES = [
        ("open", _("Open (new or triaged)")),
        *STATUS_NAMES.items(),
        ("all", _("All")),
    ]

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    article = forms.CharField(
        label=_("Article (its address, or words from its title)"),
        required=False,
        max_length=200,
        strip=True,
        help_text=_("For example nsclc-her2-exon-20-first-line, or HER2 exon 20."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class AnswerForm(_LabelledForm):
    answer = forms.CharField(
        label=_("Answer"), max_length=ANSWER_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, reply_by_email: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = (
            _("Answer (e-mailed to the reader)")
            if reply_by_email
            else _("Answer (kept here; the reader left no address)")
        )


class DuplicateForm(_LabelledForm):
    original = forms.ModelChoiceField(label=_("This question repeats"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["original"].queryset = candidates
        self.fields["original"].label_from_instance = lambda q: (
            f"#{q.pk} ({q.get_status_display().lower()}): {q.text[:80]}"
        )


class ChangeRequestForm(_LabelledForm):
    note = forms.CharField(
        label=_("What should change in the article (optional)"),
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
        label=_("Author"),
        queryset=User.objects.none(),
        empty_label=_("Choose an author"),
        help_text=_("The draft goes to their submissions; they write it and submit it for review."),
        error_messages={
            "required": _("Choose the author who will write this article."),
            "invalid_choice": _(
                "Choose one of the authors listed: only active members of the Authors group can "
                "be given a draft."
            ),
        },
    )
    title = forms.CharField(
        label=_("Title (the question the article answers)"),
        max_length=DRAFT_TITLE_MAX_CHARS,
        error_messages={"required": _("Give the draft a title.")},
    )
    slug = forms.SlugField(
        label=_("Address (slug)"),
        max_length=Article._meta.get_field("slug").max_length,
        help_text=_(
            "Lower-case words joined by hyphens; readers will see it in the article's link, so "
            "keep the reader's own words out of it."
        ),
        error_messages={"required": _("Give the draft an address.")},
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
