"""The read-only JSON API of approved content. Thin views: the selectors decide what is shown."""

from datetime import UTC

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import get_language_info
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import generics
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.models import Article, EditionReference
from personalization.models import ReaderRole

from . import selectors
from .conditional import ConditionalGetMixin
from .pagination import NewestEditionFirst, NewestFirst, ReferencePages
from .serializers import (
    ArticleSerializer,
    ArticleSummarySerializer,
    EditionPageSerializer,
    EditionSummarySerializer,
    ErrorSerializer,
    InvalidParametersSerializer,
    PublishedReferenceSerializer,
    WithdrawnSerializer,
)

ROLE = OpenApiParameter(
    "role",
    OpenApiTypes.STR,
    description=(
        "A reader role's slug (patient, caregiver, student, nurse, physician, …): the version "
        "written for that role, else the one it falls back to, else the default text. Empty or "
        "absent, or a role that does not exist: the default text, and `role` is null in the "
        "answer."
    ),
    examples=[OpenApiExample("Default text", value=""), OpenApiExample("Patient", "patient")],
)
# The examples name the demo article (`manage.py load_demo`), so the docs page's examples work.
DEMO_SLUG = "nsclc-her2-exon-20-first-line"
SLUG = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The article's address.",
    examples=[OpenApiExample("The demo article", value=DEMO_SLUG)],
)  # fmt: skip
NUMBER = OpenApiParameter(
    "number", OpenApiTypes.INT, OpenApiParameter.PATH, description="The edition's number.",
    examples=[OpenApiExample("The first edition", value=1)],
)  # fmt: skip
KEY = OpenApiParameter(
    "key", OpenApiTypes.STR, OpenApiParameter.PATH, description="The reference's citation key.",
    examples=[OpenApiExample("A guideline", value="her2-ex20-guideline-overview")],
)  # fmt: skip
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such approved content.")
GONE = OpenApiResponse(
    WithdrawnSerializer,
    description="Withdrawn by the advisory board: every edition is hidden until it approves the "
    "article again.",
)
BAD_REQUEST = OpenApiResponse(InvalidParametersSerializer, description="A refused parameter.")
LANGUAGES = [code for code, _ in settings.LANGUAGES]
LANG = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    description=(
        f"The language of the text: {', '.join(LANGUAGES)} (absent or empty: en). Another "
        "language's answer is the article's translation into it, the board's approved edition "
        "of it, in the same shape, with `translates` saying which English edition it translates "
        "and whether the original has moved on since; 404 when the article has no approved "
        "translation into that language. Any other value is refused (400)."
    ),
    enum=["", *LANGUAGES],
    examples=[OpenApiExample("English", value="en"), OpenApiExample("Spanish", value="es")],
)


class Withdrawn(APIException):
    status_code = 410

    def __init__(self, article: Article) -> None:
        super().__init__(
            {
                "detail": "The advisory board withdrew this article.",
                "reason": article.withdrawal_reason,
                "withdrawn_at": article.withdrawn_at.isoformat(),
            }
        )


def readable_article(slug: str, language: str = settings.LANGUAGE_CODE) -> Article:
    """The approved article, or its approved translation into `language`; 410 with the reason
    while withdrawn; 404 if never approved."""
    article = selectors.ever_approved_article(slug)
    if article is None:
        raise NotFound("No approved article has this address.")
    if article.is_withdrawn:
        raise Withdrawn(article)
    if language == settings.LANGUAGE_CODE:
        return article
    translated = selectors.ever_approved_translation(article, language)
    if translated is None:
        name = get_language_info(language)["name"]
        raise NotFound(f"This article has no {name} translation approved by the board.")
    if translated.is_withdrawn:
        raise Withdrawn(translated)
    return translated


def asked_language(request) -> str:
    """The language ?lang= names (absent or empty: English); any other value is refused, with
    the languages there are, rather than answered in English as if it had been understood."""
    code = request.query_params.get("lang", "").strip() or settings.LANGUAGE_CODE
    if code not in LANGUAGES:
        raise ValidationError(
            {"lang": [f"{code[:20]!r} is not a language of this site: give one of "
                      f"{', '.join(LANGUAGES)}."]}
        )  # fmt: skip
    return code


def asked_role(request) -> tuple[ReaderRole | None, list[ReaderRole]]:
    """The role ?role= names, and all roles. An unknown or empty one reads the default text, as
    on the public page, and the answer's `role` is null: it is never echoed back."""
    roles = list(ReaderRole.objects.all())
    slug = request.query_params.get("role", "")
    return next((role for role in roles if role.slug == slug), None), roles


def parse_number(number: str) -> int:
    # The path takes any text so that a bad number gets this JSON 404, not the HTML one.
    if not number.isascii() or not number.isdigit():
        raise NotFound("Edition numbers are whole numbers: 1, 2, 3…")
    return int(number)


CHANGED_SINCE_FORMAT = "Give an ISO 8601 date and time, e.g. 2026-01-31T09:00:00Z."


class ArticleFilter(filters.FilterSet):
    topic = filters.CharFilter(
        field_name="topics__slug", help_text="Only articles on this topic (its slug)."
    )
    changed_since = filters.IsoDateTimeFilter(
        field_name="published_at",
        lookup_expr="gte",
        method="filter_changed_since",
        help_text="Only articles whose current edition was approved at or after this ISO 8601 "
        "time (e.g. 2026-01-31T09:00:00Z; without an offset, UTC).",
        error_messages={"invalid": CHANGED_SINCE_FORMAT},
    )

    cites = filters.CharFilter(
        method="filter_cites",
        help_text="Only articles whose current edition cites the reference with this key.",
    )

    class Meta:
        model = Article
        fields = ["topic", "changed_since", "cites"]

    def filter_cites(self, queryset, name: str, value: str):
        cited = EditionReference.objects.filter(edition=OuterRef("public_edition"), key=value)
        return queryset.filter(Exists(cited))

    def filter_changed_since(self, queryset, name: str, value):
        # In UTC: any offset Python accepts (up to ±23:59) then reaches the database as one it
        # accepts too (PostgreSQL refuses offsets past ±15:59).
        return queryset.filter(published_at__gte=value.astimezone(UTC))

    def is_valid(self) -> bool:
        # django-filter reads an empty value as no filter; a client that sent one meant a time.
        valid = super().is_valid()
        if "changed_since" in self.data and not self.data["changed_since"].strip():
            self.form.add_error("changed_since", CHANGED_SINCE_FORMAT)
            return False
        return valid


@extend_schema(
    summary="Published articles",
    description="Every article whose current approved edition readers may open, newest "
    "approval first (with `?lang=es`, the approved Spanish translations). Follow `next` to read "
    "on.",
    parameters=[LANG],
    responses={200: ArticleSummarySerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
)
class ArticleList(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = ArticleSummarySerializer
    pagination_class = NewestFirst
    filterset_class = ArticleFilter

    def get_queryset(self):
        return selectors.published_articles(asked_language(self.request))


class ArticleDetail(ConditionalGetMixin, APIView):
    @extend_schema(
        summary="An article as readers see it now",
        parameters=[SLUG, ROLE, LANG],
        responses={
            200: ArticleSerializer, 400: BAD_REQUEST, 404: NOT_FOUND, 410: GONE,
        },
    )  # fmt: skip
    def get(self, request, slug: str) -> Response:
        article = readable_article(slug, asked_language(request))
        role, roles = asked_role(request)
        page = selectors.reader_page(article.public_edition, role, roles)
        return Response(ArticleSerializer(page, context={"request": request}).data)


@extend_schema(
    summary="An article's approved editions",
    description="Newest first; each is kept for good at its permanent page.",
    parameters=[SLUG, LANG],
    responses={200: EditionSummarySerializer, 400: BAD_REQUEST, 404: NOT_FOUND, 410: GONE},
)
class EditionList(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = EditionSummarySerializer
    pagination_class = NewestEditionFirst
    filter_backends = []

    def get_queryset(self):
        article = readable_article(self.kwargs["slug"], asked_language(self.request))
        return article.editions.approved().select_related("article__translation_of", "translates")


class EditionDetail(ConditionalGetMixin, APIView):
    @extend_schema(
        summary="One approved edition, as published",
        parameters=[SLUG, NUMBER, ROLE, LANG],
        responses={
            200: EditionPageSerializer, 400: BAD_REQUEST, 404: NOT_FOUND, 410: GONE,
        },
    )  # fmt: skip
    def get(self, request, slug: str, number: str) -> Response:
        article = readable_article(slug, asked_language(request))
        edition = selectors.approved_edition(article, parse_number(number))
        if edition is None:
            raise NotFound("This article has no approved edition with that number.")
        role, roles = asked_role(request)
        page = selectors.reader_page(edition, role, roles)
        return Response(EditionPageSerializer(page, context={"request": request}).data)


@extend_schema(
    summary="References cited by published articles",
    description="Every reference a current approved edition cites, by key, as the newest such "
    "edition shows it. References that only drafts cite are not listed.",
    responses={200: PublishedReferenceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
)
class ReferenceList(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = PublishedReferenceSerializer
    pagination_class = ReferencePages
    filter_backends = []

    def get_queryset(self):
        return selectors.published_reference_keys().values_list("key", flat=True)

    def list(self, request, *args, **kwargs) -> Response:
        keys = list(self.paginate_queryset(self.get_queryset()))
        references = selectors.published_references(keys)
        return self.get_paginated_response(self.get_serializer(references, many=True).data)


class ReferenceDetail(ConditionalGetMixin, APIView):
    @extend_schema(
        summary="A reference cited by published articles",
        parameters=[KEY],
        responses={200: PublishedReferenceSerializer, 404: NOT_FOUND},
    )
    def get(self, request, key: str) -> Response:
        found = selectors.published_references([key])  # none: no published edition cites it
        if not found:
            raise NotFound("No published article cites a reference with this key.")
        [reference] = found
        return Response(PublishedReferenceSerializer(reference, context={"request": request}).data)


class Schema(SpectacularAPIView):
    """The OpenAPI document. It is a function of the code and the language it is written in
    (the API's addresses are relative: no server is named from the request; `?lang=` translates
    DRF's descriptions), so each process builds it once a version and language; building it
    took about 50 ms a request. Rendered as JSON or YAML per request, as asked."""

    _built: dict = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, translation.get_language())
        if key not in self._built:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            self._built[key] = generator.get_schema(request=None, public=self.serve_public)
        return Response(
            data=self._built[key],
            headers={
                "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'
            },
        )


class ApiDocs(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files, its start-up script a file of its own: the page
    needs nothing the Content-Security-Policy forbids."""

    template_name = "api/swagger_ui.html"


def no_such_resource(request: HttpRequest, **kwargs) -> JsonResponse:
    """Anything else under /api/v1/ answers in JSON too."""
    return JsonResponse({"detail": "No such API resource."}, status=404)
