"""Upgrading hides what submitting used to show: a never-approved article nobody published."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.test import Client
from django.utils import timezone

from publishing import editions
from publishing.models import PublicationEntry

migration = importlib.import_module("publishing.migrations.0002_hide_what_nobody_published")


def test_a_never_approved_article_shown_on_submission_is_hidden_and_logged(
    make_article, author, seen, professional_disclaimer, approved
):
    from review.services import make_move

    shown_by_submitting = make_article(slug="john-smith-question", title="My name is John Smith?")
    make_move("submit", article=shown_by_submitting, by=author,
              seen_revision_id=seen(shown_by_submitting))  # fmt: skip
    # As submitting did before publishing was an act.
    editions.write_pending(shown_by_submitting, revision_id=seen(shown_by_submitting),
                           at=timezone.now())  # fmt: skip
    shown_by_submitting.save(update_fields=["public_edition", "published_at"])
    client = Client()
    assert client.get("/articles/john-smith-question/").status_code == 200

    migration.hide_what_nobody_published(apps, SimpleNamespace(connection=connection))

    assert client.get("/articles/john-smith-question/").status_code == 404
    assert "john-smith-question" not in client.get("/search/", {"q": "John Smith"}).content.decode()
    assert PublicationEntry.objects.filter(article=shown_by_submitting, kind="hidden").exists()
    assert client.get(approved.get_absolute_url()).status_code == 200  # approved ones stay
