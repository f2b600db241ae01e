import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "email_url",
    [
        "consolemail://",
        "smtp+tls://user:secret@mail.example.org:587",
        "filemail:///tmp/vetted-mail",
    ],
)
def test_every_email_url_builds_a_working_mailer(monkeypatch, settings, email_url):
    from django.core import mail

    monkeypatch.setenv("EMAIL_URL", email_url)
    settings.MAILERS = importlib.reload(importlib.import_module("config.settings.base")).MAILERS
    backend = mail.mailers["default"]
    assert isinstance(backend, BaseEmailBackend)
    assert not hasattr(backend, "timeout") or backend.timeout in (None, 10)


def _production(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Start Django under the production settings with only `env`, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, *(args or ("-c", "import django; django.setup()"))],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            **env,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_its_secrets():
    result = _production({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_the_development_key():
    result = _production(
        {"SECRET_KEY": "django-insecure-x", "ALLOWED_HOSTS": "a", "DATABASE_URL": "sqlite:///x",
         "CACHE_URL": "rediscache://127.0.0.1:6379/1"}
    )  # fmt: skip
    assert result.returncode != 0 and "development key" in result.stderr


SECRETS = {
    "SECRET_KEY": "s" * 50,
    "ALLOWED_HOSTS": "vetted.example.org",
    "DATABASE_URL": "sqlite:///x",
    "EMAIL_URL": "smtp+tls://user:secret@mail.example.org:587",
    "VETTED_SITE_URL": "https://vetted.example.org",
    "VETTED_EDITION_KEYS": "k1:" + "e" * 64,
}
# What the README's production section has a deployment set.
DOCUMENTED = {
    **SECRETS,
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghij",
    "DATABASE_URL": "postgres://vetted@127.0.0.1:5432/vetted",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}
SECURITY_SETTINGS = (
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER", "VETTED_REQUIRE_2FA",
)  # fmt: skip


def _production_settings(env: dict) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SECURITY_SETTINGS!r}}}))"
    )
    result = _production(env, "-c", code)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_production_refuses_to_start_without_a_shared_cache():
    result = _production({name: v for name, v in SECRETS.items() if name != "EMAIL_URL"})
    assert result.returncode != 0 and "REDIS_URL" in result.stderr


@pytest.mark.parametrize(
    "cache",
    [{"CACHE_URL": "rediscache://127.0.0.1:6379/1"}, {"REDIS_URL": "redis://127.0.0.1:6379/1"}],
)
def test_production_starts_with_its_secrets(cache):
    result = _production({**SECRETS, **cache})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("email_url", ["", "consolemail://", "memorymail://", "dummymail://"])
def test_production_refuses_mail_that_reaches_nobody(email_url):
    env = {**DOCUMENTED, "EMAIL_URL": email_url}

    result = _production(env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "production needs a mail server" in result.stderr


def test_production_refuses_to_start_without_an_email_url():
    env = {name: value for name, value in DOCUMENTED.items() if name != "EMAIL_URL"}

    result = _production(env)

    assert result.returncode != 0 and "EMAIL_URL is not set" in result.stderr


def test_production_refuses_to_start_without_the_sites_address():
    env = {name: value for name, value in DOCUMENTED.items() if name != "VETTED_SITE_URL"}

    result = _production(env)

    assert result.returncode != 0 and "VETTED_SITE_URL is not set" in result.stderr


@pytest.mark.parametrize(
    "value",
    ["vetted.example.org", "ftp://vetted.example.org", "https://", "https://example.org/vetted",
     "https://example.org/?x=1"],
)  # fmt: skip
def test_a_site_address_that_is_not_a_scheme_and_host_is_refused(value):
    from config.settings.base import site_address

    with pytest.raises(ImproperlyConfigured, match="VETTED_SITE_URL"):
        site_address(value)


def test_the_site_address_is_kept_without_a_trailing_slash():
    from config.settings.base import site_address

    assert site_address("https://vetted.example.org/") == "https://vetted.example.org"
    assert site_address("http://127.0.0.1:8000") == "http://127.0.0.1:8000"


def test_production_is_https_only_and_asks_for_a_second_factor_by_default():
    assert _production_settings(DOCUMENTED) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "VETTED_REQUIRE_2FA": True,
    }


def test_production_security_switches_use_djangos_own_names():
    switched = _production_settings(
        {
            **DOCUMENTED,
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "VETTED_REQUIRE_2FA": "false",
        }
    )

    assert switched["SECURE_SSL_REDIRECT"] is False
    assert switched["SECURE_HSTS_SECONDS"] == 0
    assert switched["SESSION_COOKIE_SECURE"] is False
    assert switched["CSRF_COOKIE_SECURE"] is False
    assert switched["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert switched["VETTED_REQUIRE_2FA"] is False


def test_production_passes_the_deploy_check_with_the_documented_variables():
    result = _production(DOCUMENTED, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("switch", "warning"),
    [
        ("AXES_ENABLED", "(accounts.W001) Sign-in throttling is off"),
        ("VETTED_REQUIRE_2FA", "(accounts.W002) The second factor is off"),
    ],
)
def test_the_deploy_check_warns_when_a_sign_in_protection_is_switched_off(switch, warning):
    env = {**DOCUMENTED, switch: "false"}

    result = _production(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert warning in result.stderr


def test_development_and_tests_ask_no_second_factor(settings):
    assert settings.VETTED_REQUIRE_2FA is False


@pytest.mark.parametrize(
    "keys", ["", "dev:development-only-edition-key-not-a-secret", "k1:short", "not a key"]
)
def test_production_refuses_to_start_without_keys_of_its_own_for_editions(keys):
    result = _production({**SECRETS, "CACHE_URL": "rediscache://127.0.0.1:6379/1",
                          "VETTED_EDITION_KEYS": keys})  # fmt: skip
    assert result.returncode != 0 and "VETTED_EDITION_KEYS" in result.stderr
