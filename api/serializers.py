"""The API's representations. Read-only: every field is output, from approved editions only."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.site import site_url


def _absolute(name: str, **kwargs) -> str:
    # At the site's address, not the request's host: the same answer (and ETag) for every
    # client, and links that work wherever the answer is passed on.
    return site_url(reverse(name, kwargs=kwargs))


def english_slug(article) -> str:
    """The address a client names an article by: a translation's is its original's (?lang=)."""
    return article.translation_of.slug if article.translation_of_id else article.slug


def _in_language(url: str, article) -> str:
    """An API link to a translation asks for its language again."""
    if article.language == settings.LANGUAGE_CODE:
        return url
    return f"{url}?{urlencode({'lang': article.language})}"


def _edition_page(article, number: int) -> str:
    # A translation's editions have no permanent pages of their own: its page, under its
    # language's address.
    if article.translation_of_id:
        return site_url(article.get_absolute_url())
    return _absolute("public:edition", slug=article.slug, number=number)


class TranslatesSerializer(serializers.Serializer):
    """For a translation: the English edition its text translates, and how far behind the
    original's newer text it is."""

    edition = serializers.IntegerField(help_text="The number of the English edition translated.")
    is_behind = serializers.BooleanField(
        help_text="The original has a newer approved edition that changed its text."
    )
    editions_behind = serializers.IntegerField(
        help_text="How many approved editions of the original since changed its text."
    )


class TopicSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.SerializerMethodField(
        help_text="In the language asked for (?lang=); the English name where none is written."
    )

    @extend_schema_field(serializers.CharField())
    def get_name(self, topic) -> str:
        request = self.context.get("request")  # ?lang= is checked by the view before this
        return topic.name_for(request.query_params.get("lang") if request else None).text


class ApproverSerializer(serializers.Serializer):
    """Who approved the edition, with the credentials shown that day."""

    name = serializers.CharField(source="approver_name")
    credentials = serializers.CharField(source="approver_credentials")


class SignedOffBySerializer(serializers.Serializer):
    """One board member who signed the edition off, with the credentials shown that day."""

    name = serializers.CharField()
    credentials = serializers.CharField()


class ChangeLogEntrySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    note = serializers.CharField()
    # Dated public notices (publishing.selectors.edition_notices): the clinically meaningful
    # error this edition corrects, and the withdrawal it ended.
    correction = serializers.CharField(default="", help_text="Empty unless it corrects an error.")
    withdrawn_at = serializers.DateTimeField(
        default=None, allow_null=True, help_text="Set when this edition ended a withdrawal."
    )
    withdrawal_reason = serializers.CharField(default="")


class ReferenceFieldsSerializer(serializers.Serializer):
    key = serializers.SlugField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    authors = serializers.CharField()
    doi = serializers.CharField(help_text="Empty when the reference has none.")
    pmid = serializers.CharField(help_text="Empty when the reference has none.")
    url = serializers.CharField(help_text="Empty when the reference has none.")
    volume = serializers.CharField(help_text="The journal volume; empty when not known.")
    issue = serializers.CharField(help_text="The journal issue; empty when not known.")
    pages = serializers.CharField(help_text="As the journal prints them; empty when not known.")


class CitedReferenceSerializer(ReferenceFieldsSerializer):
    number = serializers.IntegerField(help_text="Its number in the text, by first citation.")


class ArticleSummarySerializer(serializers.Serializer):
    """An article in a list: its current approved edition's title and default summary."""

    slug = serializers.SerializerMethodField(
        help_text="The article's address (a translation's: its English original's)."
    )
    language = serializers.CharField(help_text="The language of its text: en, es.")
    api_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The public page.")
    title = serializers.CharField(source="public_edition.title")
    summary = serializers.CharField(source="public_edition.summary")
    edition = serializers.IntegerField(source="public_edition.number")
    published_at = serializers.DateTimeField(help_text="When the current edition was approved.")
    topics = TopicSerializer(many=True, source="topics.all")
    translates = serializers.SerializerMethodField(help_text="Null for an English original.")

    @extend_schema_field(serializers.SlugField())
    def get_slug(self, article) -> str:
        return english_slug(article)

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, article) -> str:
        return _in_language(_absolute("api:article", slug=english_slug(article)), article)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, article) -> str:
        return site_url(article.get_absolute_url())

    @extend_schema_field(TranslatesSerializer(allow_null=True))
    def get_translates(self, article) -> dict | None:
        # The list's translations carry their lag (api.selectors.published_articles).
        if not article.translation_of_id or article.public_edition.translates is None:
            return None
        translated = article.public_edition.translates
        behind = article.editions_behind
        return {"edition": translated.number, "is_behind": behind > 0, "editions_behind": behind}


class EditionPageSerializer(serializers.Serializer):
    """One approved edition as a reader of the asked role was shown it (a ReaderPage)."""

    slug = serializers.SerializerMethodField(
        help_text="The article's address (a translation's: its English original's)."
    )
    language = serializers.CharField(
        source="article.language", help_text="The language of its text: en, es."
    )
    url = serializers.SerializerMethodField(
        help_text="The edition's permanent public page (a translation's: its page)."
    )
    edition = serializers.IntegerField(source="edition.number")
    title = serializers.CharField(source="edition.title")
    role = serializers.SerializerMethodField(
        help_text="The reader role asked for (?role=); null for the default text or an unknown "
        "role."
    )
    written_for = serializers.SerializerMethodField(
        help_text="Whose version this is: the role's own, the role it falls back to, or null "
        "for the default text (written for health professionals)."
    )
    summary = serializers.CharField()
    body_html = serializers.CharField(help_text="Sanitized HTML, as published.")
    references = CitedReferenceSerializer(many=True)
    approver = ApproverSerializer(source="edition")
    approvers = SignedOffBySerializer(
        many=True, source="edition.approvers",
        help_text="Everyone who signed this edition off, in order (empty for editions written "
        "before sign-offs were kept: see approver).",
    )  # fmt: skip
    published_at = serializers.DateTimeField(source="edition.published_at")
    change_note = serializers.CharField(source="edition.change_note")
    literature_current_through = serializers.DateField(
        source="edition.literature_current_through", allow_null=True
    )
    text_updated_at = serializers.DateTimeField(source="edition.text_updated_at", allow_null=True)
    change_log = ChangeLogEntrySerializer(many=True, source="edition.change_log")
    translates = serializers.SerializerMethodField(help_text="Null for an English original.")

    @extend_schema_field(serializers.SlugField())
    def get_slug(self, page) -> str:
        return english_slug(page.article)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, page) -> str:
        return _edition_page(page.article, page.edition.number)

    @extend_schema_field(TranslatesSerializer(allow_null=True))
    def get_translates(self, page) -> dict | None:
        lag = page.lag
        if lag is None:
            return None
        return {"edition": lag.translated_number, "is_behind": lag.is_behind,
                "editions_behind": lag.behind}  # fmt: skip

    @extend_schema_field(serializers.SlugField(allow_null=True))
    def get_role(self, page) -> str | None:
        return page.role.slug if page.role else None

    @extend_schema_field(serializers.SlugField(allow_null=True))
    def get_written_for(self, page) -> str | None:
        return page.written_for.slug if page.written_for else None


class ArticleSerializer(EditionPageSerializer):
    """The article as readers see it now: its current approved edition, and its topics."""

    url = serializers.SerializerMethodField(help_text="The public page.")
    topics = TopicSerializer(many=True, source="article.topics.all")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, page) -> str:
        return site_url(page.article.get_absolute_url())


class EditionSummarySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    note = serializers.CharField(source="change_note")
    approver = ApproverSerializer(source="*")
    api_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The edition's permanent public page.")

    translates = serializers.IntegerField(
        source="translates.number", allow_null=True, default=None,
        help_text="For a translation's edition: the number of the English edition it "
        "translates; null for an English original's.",
    )  # fmt: skip

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, edition) -> str:
        article = edition.article
        url = _absolute("api:edition", slug=english_slug(article), number=edition.number)
        return _in_language(url, article)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, edition) -> str:
        return _edition_page(edition.article, edition.number)


class PublishedReferenceSerializer(ReferenceFieldsSerializer):
    """A reference as the newest published edition citing it shows it."""

    api_url = serializers.SerializerMethodField()
    cited_by_count = serializers.IntegerField(help_text="How many published articles cite it.")
    cited_by_url = serializers.SerializerMethodField(
        help_text="The published articles citing it: the article list, filtered by `cites`."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, reference) -> str:
        return _absolute("api:reference", key=reference.key)

    @extend_schema_field(OpenApiTypes.URI)
    def get_cited_by_url(self, reference) -> str:
        return f"{_absolute('api:articles')}?{urlencode({'cites': reference.key})}"


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class WithdrawnSerializer(serializers.Serializer):
    detail = serializers.CharField()
    reason = serializers.CharField(help_text="The advisory board's reason, as shown to readers.")
    withdrawn_at = serializers.DateTimeField()


class InvalidParametersSerializer(serializers.Serializer):
    """400: each refused query parameter, with what was wrong with it."""

    changed_since = serializers.ListField(child=serializers.CharField(), required=False)
    lang = serializers.ListField(child=serializers.CharField(), required=False)
