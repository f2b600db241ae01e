"""Which settings each way of starting Vetted runs when DJANGO_SETTINGS_MODULE is not set: the web
servers' entry points production (which refuses to start without its secrets), manage.py the
development settings, and Celery none (it is told, by `make worker` or the environment)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.config.test_settings import DOCUMENTED

ROOT = Path(__file__).resolve().parents[2]
SERVER_ENTRY_POINTS = ["config.wsgi", "config.asgi"]
WHICH_SETTINGS = "from django.conf import settings; print(settings.VETTED_ENVIRONMENT)"


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Run Python with only `env` (no DJANGO_SETTINGS_MODULE unless it is given)."""
    return subprocess.run(
        [sys.executable, *args],
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("entry_point", SERVER_ENTRY_POINTS)
def test_a_server_started_without_settings_refuses_to_run_without_production_secrets(entry_point):
    result = _run({}, "-c", f"import {entry_point}")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("entry_point", SERVER_ENTRY_POINTS)
def test_a_server_started_without_settings_runs_production(entry_point):
    result = _run(DOCUMENTED, "-c", f"import {entry_point}; {WHICH_SETTINGS}")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["production"]


@pytest.mark.parametrize("entry_point", SERVER_ENTRY_POINTS)
def test_a_server_told_the_development_settings_runs_them(entry_point):
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.base", "DATABASE_URL": "sqlite:///x"}

    result = _run(env, "-c", f"import {entry_point}; {WHICH_SETTINGS}")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["development"]


def test_manage_py_runs_the_development_settings_by_default():
    result = _run({"DATABASE_URL": "sqlite:///x"}, "manage.py", "shell", "-c", WHICH_SETTINGS)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "development"


def test_loading_the_celery_app_chooses_no_settings():
    result = _run({}, "-c", "import os, config; print(os.environ.get('DJANGO_SETTINGS_MODULE'))")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["None"]


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "config.settings.base"),
        ({"DJANGO_SETTINGS_MODULE": "config.settings.production"}, "config.settings.production"),
    ],
)
@pytest.mark.parametrize("target", ["worker", "beat"])
def test_make_names_the_settings_for_the_worker_and_beat(environment, expected, target):
    result = subprocess.run(
        ["make", "--dry-run", target],
        env={"PATH": "/usr/bin:/bin", **environment},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    celery = [line for line in result.stdout.splitlines() if "celery -A config" in line]
    queues = " -Q celery,bulk" if target == "worker" else ""  # the bulk republishing queue too
    assert celery == [
        f"DJANGO_SETTINGS_MODULE={expected} .venv/bin/celery -A config {target}{queues} "
        "--loglevel=info"
    ]
