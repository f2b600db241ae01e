"""Fixtures shared by the whole suite: users in their groups, and articles built by services;
and the rule for tests that need PostgreSQL or Redis."""

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from articles.models import Article, Disclaimer, Reference
from articles.selectors import latest_revision_id
from articles.services import save_article, save_reference
from config.celery import app as celery_app
from review.workflow import ADMINS, AUTHORS, EDITORS, REVIEWERS
from tests.factories import SIGNED_CHECKLIST, UserFactory

# Originals and their Spanish translations through review (tests/translation_fixtures.py).
pytest_plugins = ["tests.translation_fixtures"]

# Tests that need a real service say so: @pytest.mark.needs_postgres, and
# @pytest.mark.needs_redis("broker") / ("cache"). A run is configured for a service when its
# environment variable is set: DATABASE_URL for PostgreSQL; CELERY_BROKER_URL for the Redis broker;
# CACHE_URL (or REDIS_URL) for the Redis cache.
# - Not configured: skipped, with the reason. The SQLite pass of .ci/run is a run without them.
# - Configured but unreachable: the test fails. The run asked for the service and it is missing.
# - Configured for something else (DATABASE_URL=sqlite://...): skipped, except with CI=true, where
#   a pass configured for the wrong thing is a mistake and fails.
# - VETTED_REQUIRE_SERVICES=postgres,redis (comma-separated) makes the services it names required:
#   their tests fail, never skip, when the run is not configured for them. The PostgreSQL + Redis
#   pass of .ci/run sets it, so a missing or misspelt URL there cannot turn into quiet skips.
REQUIRABLE_SERVICES = ("postgres", "redis")
REDIS_USES = {"broker": "CELERY_BROKER_URL", "cache": "CACHE_URL"}
_REQUIRED = pytest.StashKey[set[str]]()


def _required_services() -> set[str]:
    names = {name.strip() for name in os.environ.get("VETTED_REQUIRE_SERVICES", "").split(",")}
    names.discard("")
    if unknown := names - set(REQUIRABLE_SERVICES):
        raise pytest.UsageError(
            f"VETTED_REQUIRE_SERVICES names {', '.join(sorted(unknown))}; "
            f"it takes {', '.join(REQUIRABLE_SERVICES)}"
        )
    return names


def pytest_configure(config):
    config.stash[_REQUIRED] = _required_services()  # a misspelt name stops the run here


@dataclass(frozen=True)
class Unavailable:
    """Why a service is not there for a test, and whether the run was configured for it."""

    reason: str
    configured: bool
    reachable: bool = True


@functools.cache
def _postgres() -> Unavailable | None:
    if not os.environ.get("DATABASE_URL"):
        return Unavailable("DATABASE_URL is not set", configured=False)
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        engine = db["ENGINE"].rsplit(".", 1)[-1]
        return Unavailable(f"DATABASE_URL points at {engine}", configured=True)
    import psycopg

    try:  # the server's own database: the configured one need not exist for a test run
        psycopg.connect(
            dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
            port=db["PORT"] or None, connect_timeout=3,
        ).close()  # fmt: skip
    except psycopg.Error as exc:
        reason = f"DATABASE_URL is set but {db['HOST']}:{db['PORT'] or 5432} fails: {exc}"
        return Unavailable(reason, configured=True, reachable=False)
    return None


@functools.cache
def _redis(use: str) -> Unavailable | None:
    variable = REDIS_USES[use]
    if use == "broker":
        url = settings.CELERY_BROKER_URL
        configured = bool(os.environ.get(variable))
    else:
        location = settings.CACHES["default"].get("LOCATION") or ""
        url = location[0] if isinstance(location, list | tuple) else location
        configured = bool(os.environ.get(variable) or os.environ.get("REDIS_URL"))
    if not configured:
        return Unavailable(f"{variable} is not set", configured=False)
    if not url.startswith(("redis://", "rediss://")):
        return Unavailable(f"{variable} is not a redis:// URL", configured=True)
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as exc:
        reason = f"{variable} is set but Redis fails: {exc}"
        return Unavailable(reason, configured=True, reachable=False)
    return None


def _needed_services(item) -> list[tuple[str, str, Callable[[], Unavailable | None]]]:
    """(name in VETTED_REQUIRE_SERVICES, what the test needs, its check) for each marker."""
    needs = []
    if item.get_closest_marker("needs_postgres"):
        needs.append(("postgres", "PostgreSQL", _postgres))
    for marker in item.iter_markers("needs_redis"):
        for use in marker.args or tuple(REDIS_USES):
            if use not in REDIS_USES:
                raise pytest.UsageError(f"needs_redis takes {', '.join(REDIS_USES)}, not {use!r}")
            needs.append(("redis", f"Redis as the {use}", functools.partial(_redis, use)))
    return needs


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Skip a test whose service this run is not configured for; fail it when the run asked
    for the service and it is not there (the rule is in the comment above)."""
    on_ci = os.environ.get("CI", "").lower() == "true"
    for name, what, check in _needed_services(item):
        unavailable = check()
        if unavailable is None:
            continue
        if name in item.config.stash[_REQUIRED]:
            pytest.fail(
                f"needs {what}, which VETTED_REQUIRE_SERVICES requires: {unavailable.reason}",
                pytrace=False,
            )
        if not unavailable.reachable or (unavailable.configured and on_ci):
            pytest.fail(f"needs {what}: {unavailable.reason}", pytrace=False)
        pytest.skip(f"needs {what}: {unavailable.reason} (the PostgreSQL + Redis pass of .ci/run)")


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process unless a test starts a real worker (see tests/review/test_worker.py)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with empty caches: the shared one, and this process's pages and roles
    (a test's rolled-back ids are used again by the next test)."""
    from django.core.cache import cache

    from public import page_cache

    def clear() -> None:
        cache.clear()
        page_cache.forget_pages_here()
        page_cache.forget_furniture()

    clear()
    yield
    clear()


def _member(group_name: str, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get_or_create(name=group_name)[0])
    return user


@pytest.fixture
def author(db):
    return _member(AUTHORS, username="author", display_name="Sam Carter")


@pytest.fixture
def editor(db):
    return _member(EDITORS, username="editor", display_name="Jo Mensah")


def _board_member(**fields):
    """A reviewer as the board keeps them: with a (private) contributor page and a disclosure
    declared today, so they may approve (tests of profiles and disclosures start from
    tests.contributor_factories.fresh_profile)."""
    from tests.contributor_factories import with_disclosure

    return with_disclosure(_member(REVIEWERS, **fields))


@pytest.fixture
def reviewer(db):
    return _board_member(
        username="reviewer", display_name="Dr. Ana Reyes", credentials="MD, Oncology"
    )


@pytest.fixture
def reviewer2(db):
    return _board_member(username="reviewer2", display_name="Dr. Tomas Lind")


@pytest.fixture
def admin_user(db):
    return _member(ADMINS, username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def make_reference(author):
    def make(key: str = "nccn-2024", **fields) -> Reference:
        existing = Reference.objects.filter(key=key).first()
        if existing is not None:
            return existing
        fields.setdefault("title", f"Reference {key}")
        fields.setdefault("source", "Journal of Examples")
        fields.setdefault("year", 2024)
        return save_reference(reference=Reference(key=key, **fields), by=author, comment="Added")

    return make


@pytest.fixture
def make_article(author, make_reference):
    def make(slug: str = "an-article", body: str | None = None, by=None, **fields) -> Article:
        if body is None:
            make_reference("nccn-2024")
            body = "## Answer\n\nPlatinum doublet first.[@nccn-2024]\n"
        fields.setdefault("summary", "Platinum-based chemotherapy comes first.")
        article = Article(
            slug=slug, title=fields.pop("title", "What is the answer?"), body=body, **fields
        )
        return save_article(article=article, by=by or author, comment="Created")

    return make


@pytest.fixture
def professional_disclaimer(db):
    return Disclaimer.objects.create(
        audience=Disclaimer.Audience.PROFESSIONAL,
        title="Professional medical disclaimer",
        body="For health professionals. Verify against primary literature.",
    )


@pytest.fixture
def seen():
    """The revision id a person looking at the article now would have seen."""
    return latest_revision_id


@pytest.fixture
def publish_provisionally(editor, seen):
    """Show a submitted, never-approved article to readers, with the pending-review caution,
    as an editor does (submitting alone publishes nothing)."""
    from review.services import make_move

    def publish(article: Article) -> Article:
        make_move("publish_provisionally", article=article, by=editor,
                  seen_revision_id=seen(article))  # fmt: skip
        article.refresh_from_db()
        return article

    return publish


@pytest.fixture
def public_article(make_article, author, seen, professional_disclaimer,
                   publish_provisionally) -> Article:  # fmt: skip
    """An article readers can open: submitted and published provisionally, so shown with the
    pending-review caution."""
    from review.services import make_move

    article = make_article()
    make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    return publish_provisionally(article)


@pytest.fixture
def demo_approved(db, monkeypatch) -> Article:
    """The demo article (load_demo), approved as the board would: its oncology topic needs two
    sign-offs, which `reviewer` and `reviewer2` give."""
    import os

    from django.core.management import call_command

    from accounts.models import User
    from review.services import make_move

    monkeypatch.setenv("DEMO_PASSWORD", "test-demo-password")
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    article = Article.objects.get(slug="nsclc-her2-exon-20-first-line")
    reviewer = User.objects.get(username="reviewer")
    reviewer2 = User.objects.get(username="reviewer2")
    for name, by in (("start_review", reviewer), ("approve", reviewer), ("approve", reviewer2)):
        make_move(
            name,
            article=article,
            by=by,
            seen_revision_id=latest_revision_id(article),
            checklist=SIGNED_CHECKLIST,
        )
    article.refresh_from_db()
    return article


@pytest.fixture
def keep_the_test_connection():
    """A test that calls the WSGI app itself, not Django's test client: the app would close the
    database connection after each request, and on PostgreSQL the test's transaction with it.
    Do as the test client does: leave the connection alone."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
