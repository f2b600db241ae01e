import importlib
import subprocess
import sys

import pytest
from django.core.mail.backends.base import BaseEmailBackend


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


def _production(env: dict) -> subprocess.CompletedProcess:
    code = "import django; django.setup()"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            **env,
        },
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
}


def test_production_refuses_to_start_without_a_shared_cache():
    result = _production(SECRETS)
    assert result.returncode != 0 and "REDIS_URL" in result.stderr


@pytest.mark.parametrize(
    "cache",
    [{"CACHE_URL": "rediscache://127.0.0.1:6379/1"}, {"REDIS_URL": "redis://127.0.0.1:6379/1"}],
)
def test_production_starts_with_its_secrets(cache):
    result = _production({**SECRETS, **cache})
    assert result.returncode == 0, result.stderr
