"""Every address the site answers, timed at size: walks the URL configuration so none is missed.

Generate the data first, on a PostgreSQL database of its own (100 000 articles, one with 1 000
versions; 10 000 readers' questions and 5 000 articles due for review by default):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetted_gen DEMO_PASSWORD=… \\
        sh -c '.venv/bin/python manage.py migrate && .venv/bin/python manage.py load_demo &&
               .venv/bin/python manage.py generate_articles 100000 --versions-of-one 1000'

then, with the same DATABASE_URL (and a Redis database of its own as CACHE_URL, if wanted):

    .venv/bin/python bench/addresses.py [--requests 20] [--only REGEX]

Each URL pattern gets realistic requests (a published article, the busiest contributor, deep
pages, searches, the article with 1 000 versions), anonymous or signed in as the role that may
open it, or a reason it is not a page (a POST-only move, a redirect). A pattern with neither
fails the run, as does any 5xx. Through django.test.Client, in process: one warm-up request,
one with its queries recorded, then --requests timed ones. Prints p50, p95, queries and bytes
per address, with the targets (p95 < 50 ms, ≤ 10 queries, ≤ 2 MB; feeds and sitemaps < 20 ms)
marked where missed, and the process's resident memory at the end.
"""

import argparse
import os
import re
import resource
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
P95_MS, LIST_P95_MS, MAX_QUERIES, MAX_BYTES = 50.0, 20.0, 10, 2 * 1024 * 1024
LISTS = re.compile(r"^/(es/)?(feed/|topics/[^/]+/feed/|sitemap)")


@dataclass
class Sample:
    path: str
    who: str = "anonymous"  # or reviewer, editor, admin


@dataclass
class Result:
    name: str
    sample: Sample
    statuses: set[int] = field(default_factory=set)
    times_ms: list[float] = field(default_factory=list)
    queries: int = 0
    size: int = 0
    sql: list[str] = field(default_factory=list)  # the recorded request's queries

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def missed(self) -> list[str]:
        limit = LIST_P95_MS if LISTS.match(self.sample.path) else P95_MS
        missed = [f"p95 > {limit:g} ms"] if self.p95 > limit else []
        missed += [f"> {MAX_QUERIES} queries"] if self.queries > MAX_QUERIES else []
        missed += ["> 2 MB"] if self.size > MAX_BYTES else []
        return missed

    def row(self) -> str:
        status = ",".join(map(str, sorted(self.statuses)))
        mark = "; ".join(self.missed()) or "ok"
        return (
            f"| {self.name} | `{self.sample.path}` | {self.sample.who} | {status} | "
            f"{self.p50:,.1f} | {self.p95:,.1f} | {self.queries} | {self.size:,} | {mark} |"
        )


def main() -> int:
    args = _arguments()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DEBUG", "false")  # as production renders
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("VETTED_REQUIRE_2FA", "false")  # signed in by force_login
    # One client asks for every address: the API's per-address limit would answer 429.
    os.environ.setdefault("VETTED_API_RATE", "100000/min")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print(f"Note: measuring {connection.vendor}, not PostgreSQL.", file=sys.stderr)
    print(_dataset())
    samples, skipped, unwalked = _walk()
    if unwalked:
        print("No requests for these URL patterns (add them to bench/addresses.py):")
        print("\n".join(f"  {name}: {pattern}" for name, pattern in unwalked))
        return 1
    only = re.compile(args.only) if args.only else None
    clients: dict[str, object] = {}
    failures, results = [], []
    print()
    print("| address | request | as | status | p50 ms | p95 ms | queries | bytes | targets |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, sample in samples:
        if only and not only.search(name) and not only.search(sample.path):
            continue
        client = clients.get(sample.who) or clients.setdefault(sample.who, _client(sample.who))
        result = _measure(name, sample, client, args.requests)
        results.append(result)
        print(result.row(), flush=True)
        if args.queries:
            print("\n".join(f"    {sql[:300]}" for sql in result.sql))
        if any(status >= 500 for status in result.statuses):
            failures.append(f"{sample.path} answered {sorted(result.statuses)}")
    print()
    print(f"Not pages ({len(skipped)}): " + "; ".join(f"{n} ({why})" for n, why in skipped))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    missed = [r for r in results if r.missed()]
    print(f"{len(results)} requests; {len(missed)} miss a target; peak resident {rss:,.0f} MB.")
    if failures:
        print("5xx:\n  " + "\n  ".join(failures))
        return 1
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="Timed requests an address.")
    parser.add_argument("--only", help="Only addresses whose name or path matches this.")
    parser.add_argument(
        "--queries", action="store_true", help="Print each address's queries under its row."
    )
    return parser.parse_args()


def _dataset() -> str:
    from django.db.models import Count

    from articles.models import Article, Edition
    from questions.models import Question

    states = dict(Article.objects.values_list("state").annotate(n=Count("pk")).order_by())
    mix = ", ".join(f"{state} {n:,}" for state, n in sorted(states.items()))
    due = Article.objects.filter(review_due_since__isnull=False).count()
    return (
        f"{sum(states.values()):,} articles ({mix}); {Edition.objects.count():,} editions; "
        f"{Question.objects.count():,} questions; {due:,} due for review"
    )


def _client(who: str):
    from django.test import Client

    from accounts.models import User
    from review.workflow import EDITORS, REVIEWERS

    client = Client()
    users = User.objects.filter(is_active=True).order_by("pk")
    if who == "reviewer":
        client.force_login(users.filter(groups__name=REVIEWERS).first())
    elif who == "editor":
        client.force_login(users.filter(groups__name=EDITORS).first())
    elif who == "admin":
        client.force_login(users.filter(is_superuser=True).first())
    return client


def _measure(name: str, sample: Sample, client, requests: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(name, sample)
    response = client.get(sample.path)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(sample.path)
        result.size = _size(response)  # a streamed answer queries as it is read
    result.queries, result.sql = len(queries), [query["sql"] for query in queries]
    result.statuses.add(response.status_code)
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(sample.path)
        _size(response)  # a streamed answer is produced as it is read
        result.times_ms.append((time.perf_counter() - started) * 1000)
        result.statuses.add(response.status_code)
    return result


def _size(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


# What to request at each address ------------------------------------------------------------


def _walk() -> tuple[list[tuple[str, Sample]], list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, request) for every pattern; the patterns that are no page, with why; and any
    pattern this file does not know (a new address: give it requests or a reason)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    known = _samples()
    samples, skipped, unwalked = [], [], []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
                continue
            assert isinstance(pattern, URLPattern)
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            if name.startswith("admin:"):
                found = _admin_samples(name, route)
            else:
                found = known.get(name) or known.get(route)
            if isinstance(found, str):
                if (name, found) not in skipped:
                    skipped.append((name, found))
            elif found:
                samples.extend((name, sample) for sample in found)
            else:
                unwalked.append((name, route))

    walk(get_resolver().url_patterns, "", None)
    return samples, skipped, unwalked


def _samples() -> dict[str, list[Sample] | str]:
    from django.db.models import Count

    from accounts.models import ContributorProfile
    from articles.models import Article, Reference, ReviewState, Topic
    from questions.models import Question

    approved = Article.objects.filter(
        state=ReviewState.APPROVED, withdrawn_at__isnull=True, translation_of__isnull=True
    )  # English originals: a translation's addresses are its original's under /es/
    article = approved.order_by("-published_at").values_list("slug", flat=True).first()
    withdrawn = Article.objects.filter(withdrawn_at__isnull=False).values_list("slug", flat=True)
    many = (
        Article.objects.filter(slug__endswith="-many-versions")
        .order_by("-pk")
        .values_list("slug", flat=True)
        .first()
    ) or article
    topic = Topic.objects.annotate(n=Count("articles")).order_by("-n").first()
    busiest = (
        ContributorProfile.objects.filter(is_public=True)
        .annotate(n=Count("user__articles"))
        .order_by("-n")
        .values_list("slug", flat=True)
        .first()
    )
    reference = Reference.objects.order_by("key").values_list("key", flat=True).first()
    question = Question.objects.order_by("-pk").values_list("pk", flat=True).first()
    pages = approved.count() // 20
    translated = (
        Article.objects.filter(translation_of__isnull=False).values_list("slug", flat=True).first()
    )
    a, m = f"/articles/{article}", f"/review/articles/{many}"
    return {
        "public:home": [Sample("/"), Sample(f"/?page={max(pages // 2, 1)}"),
                        Sample(f"/?page={max(pages, 1)}"),
                        Sample(f"/es/?page={max(pages // 2, 1)}")],  # translated titles read
        "public:article": [Sample(f"{a}/"), Sample(f"{a}/?role=patient"),
                           Sample(f"/articles/{withdrawn.first()}/"), Sample(f"/es{a}/")],
        "public:article_for_role": [Sample(f"{a}/for/physician/"),
                                    Sample(f"/es{a}/for/physician/")],
        "public:edition": [Sample(f"{a}/editions/1/")],
        "public:contributor": [Sample(f"/contributors/{busiest}/"),
                               Sample(f"/contributors/{busiest}/?page=100")],
        "public:search": [Sample("/search/?q=hazard+ratio"), Sample("/es/search/?q=hazard+ratio"),
                          Sample("/search/?q=semaglutide+heart+failure&page=5")],
        "public:topic": [Sample(f"/topics/{topic.slug}/"),
                         Sample(f"/topics/{topic.slug}/?page=50"),
                         Sample(f"/es/topics/{topic.slug}/")],
        "public:editorial_policy": [Sample("/editorial-policy/")],
        "public:healthz": [Sample("/healthz")],
        "questions:ask": [Sample(f"{a}/questions/")],
        "questions:thanks": [Sample(f"{a}/questions/thanks/")],
        "questions:started": [Sample("/questions/started/")],
        "feed": [Sample("/feed/")],
        "topic_feed": [Sample(f"/topics/{topic.slug}/feed/")],
        "feed_es": [Sample("/es/feed/")],
        "topic_feed_es": [Sample(f"/es/topics/{topic.slug}/feed/")],
        "sitemap": [Sample("/sitemap.xml")],
        "sitemap_index": [Sample("/sitemap-index.xml")],
        "sitemap_section": [Sample("/sitemap-articles.xml"), Sample("/sitemap-articles.xml?p=2"),
                            Sample("/sitemap-pages.xml")],
        "robots": [Sample("/robots.txt")],
        "choose_language": "a redirect: the language switcher's choice, back to the page",
        "None": "favicon.ico: a redirect to the static file",
        "api:articles": [Sample("/api/v1/articles/"),
                         Sample(f"/api/v1/articles/?topic={topic.slug}"),
                         Sample(f"/api/v1/articles/?cites={reference}")],
        "api:article": [Sample(f"/api/v1/articles/{article}/"),
                        Sample(f"/api/v1/articles/{article}/?role=patient")],
        "api:editions": [Sample(f"/api/v1/articles/{many}/editions/")],
        "api:edition": [Sample(f"/api/v1/articles/{article}/editions/1/")],
        "api:references": [Sample("/api/v1/references/"), Sample("/api/v1/references/?page=2")],
        "api:reference": [Sample(f"/api/v1/references/{reference}/")],
        "api:schema": [Sample("/api/v1/schema/")],
        "api:docs": [Sample("/api/v1/docs/")],
        "api:None": "the API's JSON 404 for any other address",
        "login": [Sample("/accounts/login/")],
        "logout": "POST only",
        "password_reset": [Sample("/accounts/password-reset/")],
        "password_reset_done": [Sample("/accounts/password-reset/sent/")],
        "password_reset_confirm": "needs a token mailed to one user",
        "password_reset_complete": [Sample("/accounts/password-reset/done/")],
        "accounts:two_factor_verify": "only between a password and a second factor",
        "accounts:two_factor_setup": [Sample("/accounts/two-factor/setup/", "reviewer")],
        "accounts:recovery_codes": "only with a second factor set up",
        "accounts:new_recovery_codes": "POST only",
        "question_queue:list": [Sample("/review/questions/", "reviewer"),
                                Sample("/review/questions/?page=100", "reviewer"),
                                Sample("/review/questions/?status=answered", "reviewer")],
        "question_queue:detail": [Sample(f"/review/questions/{question}/", "reviewer")],
        **dict.fromkeys(
            ["question_queue:triage", "question_queue:spam", "question_queue:duplicate",
             "question_queue:answer", "question_queue:draft", "question_queue:request_change"],
            "POST only",
        ),
        "review:dashboard": [Sample("/review/", "reviewer"), Sample("/review/", "editor")],
        "review:new": [Sample("/review/new/", "editor")],
        "review:translations": [Sample("/review/translations/", "editor"),
                                Sample("/review/translations/?page=20", "editor")],
        "review:translate": "POST only",
        "review:update_translation": "POST only",
        "review:english_changes": [Sample(f"/review/articles/{translated}/english-changes/",
                                          "reviewer")] if translated
        else "no translation in the data (generate_articles writes English originals)",
        "review:references": [Sample("/review/references/", "editor"),
                              Sample("/review/references/?q=trial", "editor")],
        "review:due": [Sample("/review/due/", "reviewer"),
                       Sample("/review/due/?page=50", "reviewer"),
                       Sample("/review/due/?format=csv", "reviewer")],
        "review:reference_import": [Sample("/review/references/import/", "editor")],
        "review:reference_import_preview": "needs an uploaded file's token",
        "review:reference_import_save": "POST only",
        "review:article": [Sample(f"/review/articles/{article}/", "reviewer"),
                           Sample(f"{m}/", "reviewer")]
        + ([Sample(f"/review/articles/{translated}/", "reviewer")] if translated else []),
        "review:edit": [Sample(f"{m}/edit/", "editor")],
        "review:variant": [Sample(f"/review/articles/{article}/versions/patient/", "editor")],
        "review:history": [Sample(f"{m}/history/", "reviewer"),
                           Sample(f"{m}/history/?page=20", "reviewer")],
        "review:compare": [Sample(f"{m}/compare/", "reviewer")],
        "review:disclosure": [Sample("/review/disclosure/", "reviewer")],
        "review:desk_articles": [Sample("/review/desk/articles/?state=submitted", "editor"),
                                 Sample("/review/desk/articles/?state=submitted&page=100",
                                        "editor")],
        "review:specialist": "needs a specialist's link (its secret is only mailed)",
        **dict.fromkeys(
            ["review:passage_comment", "review:passage_reply", "review:passage_resolve",
             "review:passage_reopen", "review:passage_accept_wording", "review:invite_specialist",
             "review:revoke_invitation", "review:cancel_go_live", "review:reschedule_go_live",
             "review:schedule_re_review", "review:cancel_re_review"],
            "POST only",
        ),
        "review:comment": "POST only",
        "review:assign": "POST only",
        "review:move": "POST only",
    }  # fmt: skip


ADMIN_NAME = re.compile(r"^admin:(?P<app>[a-z_]+?)_(?P<model>[a-z]+)_(?P<view>[a-z]+)$")


def _admin_samples(name: str, route: str) -> list[Sample] | str | None:
    from django.apps import apps
    from reversion.models import Version

    if name == "admin:index":
        return [Sample("/admin/", "admin")]
    if name == "admin:app_list":
        return [Sample("/admin/articles/", "admin"), Sample("/admin/review/", "admin")]
    fixed = {
        "admin:login": "signed-in admins are sent on",
        "admin:logout": "POST only",
        "admin:password_change": [Sample("/admin/password_change/", "admin")],
        "admin:password_change_done": [Sample("/admin/password_change/done/", "admin")],
        "admin:autocomplete": [Sample(
            "/admin/autocomplete/?app_label=review&model_name=signoffpolicy&field_name=topic"
            "&term=lung", "admin")],
        "admin:jsi18n": [Sample("/admin/jsi18n/", "admin")],
        "admin:view_on_site": "a redirect to the object's page",
        "admin:None": "the admin's redirects (an object's bare address, unknown addresses)",
        "admin:otp_totp_totpdevice_config": "needs a device",
        "admin:otp_totp_totpdevice_qrcode": "needs a device",
        "admin:auth_user_password_change": "a form for one user's password",
    }  # fmt: skip
    if name in fixed:
        return fixed[name]
    match = ADMIN_NAME.match(name)
    if match is None:
        return None
    app, model_name, view = match["app"], match["model"], match["view"]
    model = apps.get_model(app, model_name)
    base = f"/admin/{app}/{model_name}/"
    obj = model._default_manager.order_by("-pk").first()
    if view == "changelist":
        samples = [Sample(base, "admin")]
        if model_name in ("article", "reviewevent", "question", "email", "publicationentry"):
            samples += [Sample(f"{base}?p=2000", "admin"), Sample(f"{base}?q=lung", "admin")]
        return samples
    if view in ("add", "recoverlist"):
        return [Sample(f"{base}{'recover/' if view == 'recoverlist' else 'add/'}", "admin")]
    if obj is None:
        return f"no {model._meta.verbose_name} to open"
    if view in ("change", "history", "delete"):
        return [Sample(f"{base}{obj.pk}/{view}/", "admin")]
    if view == "compare":
        return [Sample(f"{base}{obj.pk}/compare/", "admin")]
    if view == "revision":
        version = Version.objects.get_for_object(obj).order_by("-pk").first()
        if version is None:
            return f"no version of a {model._meta.verbose_name}"
        return [Sample(f"{base}{obj.pk}/history/{version.pk}/", "admin")]
    if view == "recover":
        deleted = Version.objects.get_deleted(model).first()
        if deleted is None:
            return f"no deleted {model._meta.verbose_name}"
        return [Sample(f"{base}recover/{deleted.pk}/", "admin")]
    return None


if __name__ == "__main__":
    sys.exit(main())
