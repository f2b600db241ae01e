"""Settings shared by every environment, read from the environment with django-environ.

Development needs nothing set: SQLite, local-memory cache, Celery tasks run eagerly, e-mail to
the console. Production (config.settings.production) refuses to start without its secrets.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only-key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "reversion",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "outbox",
    "articles",
    "contributors",
    "personalization",
    "publishing",
    "review",
    "questions",
    "public",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a parameter into a query or a session.
    "config.middleware.RefuseNulMiddleware",
    # Headers every response carries, the fast path's included.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Anonymous readers' article pages from the page store, before the middleware they do not
    # need (the one fast path: public.fast_path).
    "public.fast_path.StoredArticlePageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The address's language (/es/…), or the reader's choice where there is no Spanish address;
    # after authentication: a signed-in reader's profile remembers the choice.
    "public.language.ReaderLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "config.two_factor.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "review.middleware.WorkflowErrorMiddleware",
    # Last, so that it turns a lockout flagged by any sign-in view into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True


def sqlite_for_concurrent_writers(database: dict) -> dict:
    """On SQLite, take the write lock when a transaction begins and wait for it.

    A deferred transaction reads first, then cannot upgrade to a write while another holds the
    lock, and fails at once with "database is locked"; an immediate one queues for the busy
    timeout instead, so concurrent review moves meet the row checks and are refused cleanly.
    """
    if database["ENGINE"] == "django.db.backends.sqlite3":
        options = database.setdefault("OPTIONS", {})
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", env.int("SQLITE_TIMEOUT", default=20))
    return database


sqlite_for_concurrent_writers(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_env(default: str | None) -> dict:
    """CACHE_URL, else REDIS_URL. A redis:// URL means django-redis, which keeps one client per
    connection pool (Django's own backend builds a client for every call)."""
    url = env.str("CACHE_URL", default="")
    if not url:
        url = env.str("REDIS_URL") if default is None else env.str("REDIS_URL", default=default)
    return cache_config(url)


def cache_config(url: str) -> dict:
    """The CACHES entry for a URL. Redis errors are logged and ignored: a cache outage makes
    reads slower (pages come from the database), never errors; /healthz still reports it, as
    its test value is not kept. Short timeouts, so a Redis that does not answer costs each
    request little."""
    config = env.cache_url_config(url)
    if config["BACKEND"].startswith("django_redis."):
        config["OPTIONS"] = {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            **config.get("OPTIONS", {}),
        }
    return config


CACHES = {"default": cache_from_env(default="locmemcache://")}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# With cache errors ignored the rate limiter gets no count; let questions through, as
# questions.views does when the cache raises, instead of refusing every reader.
RATELIMIT_FAIL_OPEN = True

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/review/"
LOGOUT_REDIRECT_URL = "/"
# A password-reset link works once, for this long (the e-mail says so). Django's three days is
# long for a link that opens an account able to approve medical content.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English keeps the unprefixed addresses; Spanish readers' pages live under /es/ (DESIGN).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Unset or empty: mail is printed to the console (production refuses that).
_email = env.email_url_config(env.str("EMAIL_URL", default="") or "consolemail://")
_email_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
    "file_path": _email.get("EMAIL_FILE_PATH"),
    # Only SMTP waits on a network; a slow mail server must not hold a worker forever.
    "timeout": 10 if "smtp" in _email["EMAIL_BACKEND"] else None,
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {name: value for name, value in _email_options.items() if value},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Vetted <editors@vetted.invalid>")

# Celery: with no broker configured, tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it has finished, and a worker process that dies mid-task hands its
# task back (rather than acknowledging it as lost); each worker process holds one task at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A task taken by a worker that is then killed outright returns to the queue after this long
# (Redis's default is an hour). Longer than the outbox's sending lease, which is longer than the
# SMTP timeout: a slow but live worker never has its task handed to another.
VETTED_BROKER_VISIBILITY_TIMEOUT = env.int("VETTED_BROKER_VISIBILITY_TIMEOUT", default=15 * 60)
# With the broker down, a publish fails in well under a second (no long back-off before its one
# retry): the change is stored already and the outbox sweep sends it later.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 2,
    "visibility_timeout": VETTED_BROKER_VISIBILITY_TIMEOUT,
    # How often a worker looks for such abandoned tasks (kombu's default works out at 100 s).
    "unacked_restore_interval": env.int("VETTED_BROKER_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": 1,
}
CELERY_TIMEZONE = TIME_ZONE
# A publish that cannot reach the broker fails at once; the outbox sweep sends it later.
CELERY_TASK_PUBLISH_RETRY = False
# A change of what surrounds every page may republish every baked page: its own queue, so it
# never holds up a withdrawal (run a worker on both queues, or one per queue).
CELERY_TASK_ROUTES = {"publishing.tasks.republish": {"queue": "bulk"}}
CELERY_BEAT_SCHEDULE = {
    "review-reminders": {
        "task": "review.tasks.remind_reviewers",
        "schedule": crontab(hour=7, minute=0),
    },
    # The one mail sweep: due retries, and whatever the broker missed or a lost worker left.
    "outbox-sweep": {"task": "outbox.tasks.sweep_outbox", "schedule": 60.0},
    "reviews-due": {
        "task": "review.tasks.flag_reviews_due",
        "schedule": crontab(hour=6, minute=30),
    },
    # Publication log deliveries the broker missed, failed ones due again, lost workers'.
    "publication-sweep": {
        "task": "publishing.tasks.sweep_publication_log",
        "schedule": env.float("VETTED_PUBLISH_SWEEP_SECONDS", default=15.0),
    },
    # Assignments' reminders and escalation, scheduled go-lives and re-reviews (review.schedule,
    # review.golive); each is idempotent and catches up on days it missed.
    "review-assignments-due": {
        "task": "review.tasks.remind_assignments_due",
        "schedule": crontab(hour=7, minute=15),
    },
    "review-go-live": {"task": "review.tasks.publish_scheduled", "schedule": crontab(minute=5)},
    "review-re-reviews": {
        "task": "review.tasks.start_re_reviews",
        "schedule": crontab(hour=6, minute=45),
    },
    "question-purge": {
        "task": "questions.tasks.purge_expired_questions",
        "schedule": crontab(hour=3, minute=30),
    },
}

# No scripts, styles, frames or forms from anywhere but this site.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Vetted's own settings.
VETTED_ENVIRONMENT = "development"
# Articles that were never approved are shown with a "pending review" caution; off hides them.
VETTED_SHOW_UNAPPROVED = env.bool("VETTED_SHOW_UNAPPROVED", default=True)
# Where the baked site lives (manage.py bake; deploy/nginx.conf serves it). Empty: no baking.
VETTED_BAKE_DIR = env.str("VETTED_BAKE_DIR", default="")
# Article bodies longer than this are refused where content is saved.
VETTED_MAX_BODY_CHARS = env.int("VETTED_MAX_BODY_CHARS", default=200_000)
# A reader-role version reading above its role's target grade is a warning on the review page;
# with this on, it also blocks approval.
VETTED_READABILITY_BLOCKS_APPROVAL = env.bool("VETTED_READABILITY_BLOCKS_APPROVAL", default=False)
# A figure, drug or trial in a reader version that the default text lacks is listed on the
# review page; with this on, it also blocks approval.
VETTED_CONSISTENCY_BLOCKS_APPROVAL = env.bool("VETTED_CONSISTENCY_BLOCKS_APPROVAL", default=False)
# A figure, drug, trial or grade on one side only of a translation and the English edition it
# translates is listed on its review page; with this on, it also blocks approval.
VETTED_TRANSLATION_FACTS_BLOCK_APPROVAL = env.bool(
    "VETTED_TRANSLATION_FACTS_BLOCK_APPROVAL", default=False
)
# Reviewers are reminded of articles waiting in review longer than this.
VETTED_REVIEW_REMINDER_DAYS = env.int("VETTED_REVIEW_REMINDER_DAYS", default=3)
# Days past an article's review date before its page tells readers it is overdue for review.
VETTED_REVIEW_GRACE_DAYS = env.int("VETTED_REVIEW_GRACE_DAYS", default=30)
# Follow-up questions: how long they are kept, how fast a person can plausibly type one, how
# many one client address may send.
VETTED_QUESTION_RETENTION_DAYS = env.int("VETTED_QUESTION_RETENTION_DAYS", default=180)
VETTED_QUESTION_MIN_SECONDS = env.float("VETTED_QUESTION_MIN_SECONDS", default=3)
VETTED_QUESTION_RATE = env.str("VETTED_QUESTION_RATE", default="5/h")


def site_address(value: str) -> str:
    """VETTED_SITE_URL as the origin every absolute link starts with (config.site): a scheme
    and a host, nothing after them. A path would be doubled by reverse(), which already adds
    the script prefix, so it is refused rather than guessed at."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"VETTED_SITE_URL={value!r} is not a site address: give its scheme and host, "
            "e.g. https://vetted.example.org"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"VETTED_SITE_URL={value!r} has more than a scheme and host: give the site's "
            "address alone, e.g. https://vetted.example.org"
        )
    return f"{parts.scheme}://{parts.netloc}"


# The site's address, the one source of every absolute link: pages are stored and shared (the
# page store, baked files, edge caches), so no link may come from the Host a request named.
# Production refuses to start without it (config.settings.production).
VETTED_SITE_URL = site_address(env.str("VETTED_SITE_URL", default="http://127.0.0.1:8000"))


def edge_caches_from_env() -> dict[str, dict]:
    """The edge caches a publication or withdrawal purges (publishing.edge): each one whose
    variables are set; none in development. The *_API_URL and CLOUDFRONT_ENDPOINT_URL variables
    send a cache's purges elsewhere than its vendor's API (tests point them at a fake)."""
    caches: dict[str, dict] = {}
    for number, url in enumerate(env.list("VETTED_VARNISH_URL", default=[]), start=1):
        name = "varnish" if number == 1 else f"varnish-{number}"
        caches[name] = {"BACKEND": "publishing.edge.VarnishPurger", "LOCATION": url}
    if env.str("CLOUDFLARE_ZONE_ID", default=""):
        caches["cloudflare"] = {
            "BACKEND": "publishing.edge.CloudflarePurger",
            "ZONE_ID": env.str("CLOUDFLARE_ZONE_ID"),
            "API_TOKEN": env.str("CLOUDFLARE_API_TOKEN"),
            "PURGE_BY": env.str("CLOUDFLARE_PURGE_BY", default="tags"),
            "BASE_URL": VETTED_SITE_URL,
            **_given(API_URL=env.str("CLOUDFLARE_API_URL", default="")),
        }
    if env.str("CLOUDFRONT_DISTRIBUTION_ID", default=""):
        # Credentials come from boto3's own chain (AWS_ACCESS_KEY_ID ..., or an instance role).
        caches["cloudfront"] = {
            "BACKEND": "publishing.edge.CloudFrontPurger",
            "DISTRIBUTION_ID": env.str("CLOUDFRONT_DISTRIBUTION_ID"),
            **_given(ENDPOINT_URL=env.str("CLOUDFRONT_ENDPOINT_URL", default="")),
        }
    if env.str("FASTLY_SERVICE_ID", default=""):
        caches["fastly"] = {
            "BACKEND": "publishing.edge.FastlyPurger",
            "SERVICE_ID": env.str("FASTLY_SERVICE_ID"),
            "API_TOKEN": env.str("FASTLY_API_TOKEN"),
            **_given(API_URL=env.str("FASTLY_API_URL", default="")),
        }
    return caches


def _given(**options: str) -> dict[str, str]:
    """The options that are set; the others keep the purger's defaults."""
    return {name: value for name, value in options.items() if value}


VETTED_EDGE_CACHES = edge_caches_from_env()
# Behind N reverse proxies that append to X-Forwarded-For (0: REMOTE_ADDR is the client).
VETTED_TRUSTED_PROXY_COUNT = env.int("VETTED_TRUSTED_PROXY_COUNT", default=0)
if VETTED_TRUSTED_PROXY_COUNT:
    RATELIMIT_IP_META_KEY = "questions.client_address.forwarded_client_ip"
VETTED_RENDER_CACHE_SECONDS = env.int("VETTED_RENDER_CACHE_SECONDS", default=24 * 3600)
# The outbox: a failed e-mail is tried again after 1, 2, 4, 8 ... minutes, and marked failed
# after its last attempt. One left "sending" past the lease (its worker was lost) is sent again;
# the lease must outlast the SMTP timeout (10 s a step) by far.
VETTED_MAIL_MAX_ATTEMPTS = env.int("VETTED_MAIL_MAX_ATTEMPTS", default=6)
VETTED_MAIL_FIRST_RETRY_SECONDS = env.int("VETTED_MAIL_FIRST_RETRY_SECONDS", default=60)
VETTED_MAIL_SENDING_LEASE_SECONDS = env.int("VETTED_MAIL_SENDING_LEASE_SECONDS", default=10 * 60)

# The publication log: a delivery to a surface (baked files, edge) that fails is tried again
# after 5, 10, 20 ... seconds (at most an hour apart), and marked failed after its last attempt;
# one left "applying" past its lease (its worker was lost) is applied again.


def edition_keys(value: str) -> dict[str, bytes]:
    """VETTED_EDITION_KEYS: "id:secret" pairs, comma-separated, the first one sealing new
    editions and every one verifying those it sealed (rotate by putting a new pair first and
    keeping the old ones until `verify_editions --reseal` has moved every edition on)."""
    keys: dict[str, bytes] = {}
    for pair in filter(None, (part.strip() for part in value.split(","))):
        key_id, _, secret = pair.partition(":")
        if not key_id.isidentifier() or len(key_id) > 20 or len(secret) < 32:
            raise ImproperlyConfigured(
                "VETTED_EDITION_KEYS: give id:secret pairs, each id a short name (letters, "
                "digits, _) and each secret at least 32 characters, e.g. "
                "VETTED_EDITION_KEYS=k2026:$(openssl rand -hex 32)"
            )
        keys[key_id] = secret.encode()
    return keys


# The keys that seal each edition (publishing.editions): kept out of the database, so whoever
# can write an edition's row cannot make a forged one verify. Development has a fixed key;
# production refuses to start without its own.
VETTED_EDITION_KEYS = edition_keys(
    env.str("VETTED_EDITION_KEYS", default="dev:development-only-edition-key-not-a-secret")
)
VETTED_PUBLISH_FIRST_RETRY_SECONDS = env.int("VETTED_PUBLISH_FIRST_RETRY_SECONDS", default=5)
VETTED_PUBLISH_MAX_ATTEMPTS = env.int("VETTED_PUBLISH_MAX_ATTEMPTS", default=12)
VETTED_PUBLISH_LEASE_SECONDS = env.int("VETTED_PUBLISH_LEASE_SECONDS", default=120)

# The read-only JSON API (api/): anonymous, JSON only, rate limited per client address in the
# shared cache (with the cache down it lets requests through, as the question form does).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerAddressThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env.str("VETTED_API_RATE", default="120/min")},
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vetted API",
    "DESCRIPTION": (
        "Read-only JSON of what the medical advisory board approved: articles as published, "
        "their numbered editions and the references they cite. Nothing unapproved is ever here."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page loads Swagger UI from our own static files (drf-spectacular-sidecar), as the
    # Content-Security-Policy allows scripts from this site only.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "tryItOutEnabled": False},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_refusals",
    ],
}

# Sign-in throttling (django-axes), on /accounts/login/ and /admin/login/ alike. An account is
# locked at one address after AXES_FAILURE_LIMIT wrong passwords from there (others behind the same
# address still sign in), and everywhere once wrong passwords for it came from
# VETTED_SIGN_IN_ADDRESS_LIMIT different addresses (accounts.throttle), for AXES_COOLOFF_MINUTES
# after the last failure. The address is the one the question form counts by
# (VETTED_TRUSTED_PROXY_COUNT), so a forged X-Forwarded-For changes nothing.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.throttle.AccountAtAddressHandler"
VETTED_SIGN_IN_ADDRESS_LIMIT = env.int("VETTED_SIGN_IN_ADDRESS_LIMIT", default=5)
AXES_CLIENT_IP_CALLABLE = "questions.client_address.forwarded_client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True

# Second factor (django-otp): Reviewers and Admins, and anyone who can reach the admin, confirm a
# TOTP code or a recovery code before /review/ or /admin/. Off in development, tests and the demo.
VETTED_REQUIRE_2FA = env.bool("VETTED_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "Vetted"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
