"""Production: PostgreSQL, Redis, a real broker and real secrets, or no start at all."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MAILERS, cache_from_env, edition_keys, env, sqlite_for_concurrent_writers

VETTED_ENVIRONMENT = "production"
DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

# No defaults here: a missing secret is a refusal to start, not a silent fallback.
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
sqlite_for_concurrent_writers(DATABASES["default"])
# A shared cache: article pages and rows are cached, and a withdrawal in one worker must reach
# every other worker at once, which a per-process memory cache cannot do.
CACHES = {"default": cache_from_env(default=None)}
if SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY is the development key; set a real one.")
VETTED_EDITION_KEYS = edition_keys(env.str("VETTED_EDITION_KEYS", default=""))
if not VETTED_EDITION_KEYS or "dev" in VETTED_EDITION_KEYS:
    raise ImproperlyConfigured(
        "VETTED_EDITION_KEYS is not set: production seals editions with keys of its own, e.g. "
        "VETTED_EDITION_KEYS=k2026:$(openssl rand -hex 32)"
    )

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Mail must reach people: review notices, reminders and answers to readers go by e-mail.
MAIL_GOING_NOWHERE = {
    "django.core.mail.backends.console.EmailBackend": "prints mail to the console",
    "django.core.mail.backends.locmem.EmailBackend": "keeps mail in memory",
    "django.core.mail.backends.dummy.EmailBackend": "throws mail away",
}
if not env.str("EMAIL_URL", default=""):
    raise ImproperlyConfigured(
        "EMAIL_URL is not set: production needs a mail server, "
        "e.g. EMAIL_URL=smtp+tls://user:password@mail.example.org:587"
    )
if MAILERS["default"]["BACKEND"] in MAIL_GOING_NOWHERE:
    raise ImproperlyConfigured(
        f"EMAIL_URL={env.str('EMAIL_URL')} {MAIL_GOING_NOWHERE[MAILERS['default']['BACKEND']]}: "
        "production needs a mail server, e.g. smtp+tls://user:password@mail.example.org:587"
    )

# Every absolute link (How to cite, the page's JSON-LD and canonical address, feeds, the API,
# the sitemap, e-mails) is built from the site's address, never from a request's Host: pages
# are stored and shared. The development default (127.0.0.1:8000) would be wrong everywhere.
if not env.str("VETTED_SITE_URL", default=""):
    raise ImproperlyConfigured(
        "VETTED_SITE_URL is not set: production needs the site's address for its links, "
        "e.g. VETTED_SITE_URL=https://vetted.example.org"
    )

# HTTPS only, safe by default; each can be switched off under Django's own name.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers often probe over plain HTTP; the health check answers there too.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading puts the domain in browsers' built-in lists, which takes months to undo: a decision
# for whoever owns the domain (SECURE_HSTS_PRELOAD=true), not a default.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a TLS-terminating proxy, name the header it sets, e.g.
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https (the proxy must overwrite any such header
# a client sends). Unset: only a direct HTTPS connection counts as secure.
SECURE_PROXY_SSL_HEADER = env.tuple("SECURE_PROXY_SSL_HEADER", default=None)
if SECURE_PROXY_SSL_HEADER is not None and len(SECURE_PROXY_SSL_HEADER) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER takes a header and a value, e.g. HTTP_X_FORWARDED_PROTO,https"
    )

# Board members and admins confirm each sign-in with a second factor.
VETTED_REQUIRE_2FA = env.bool("VETTED_REQUIRE_2FA", default=True)
