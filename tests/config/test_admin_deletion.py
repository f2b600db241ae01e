"""The admin's delete confirmations (config.deletion): a row the records hold is refused at once,
naming what holds it, and nothing is deleted; any other lists exactly what Django's own
collection lists, reading only the relations that have rows."""

import pytest
from django.contrib import admin as django_admin
from django.contrib.admin.utils import get_deleted_objects
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from articles.models import Article
from config.deletion import RefusedQuickly

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


def _refused(admin, url: str, *holding: str) -> None:
    page = admin.get(url).content.decode()
    assert "would require deleting the following protected related objects" in page
    for kind in holding:
        assert f"<li>{kind}</li>" in page
    admin.post(url, {"post": "yes"})  # confirmed anyway: nothing is deleted


# `original` (tests.translation_fixtures): an article `reviewer` approved, whose edition, review
# events and sign-off are records.
def test_an_approved_article_cannot_be_deleted_and_the_page_says_what_holds_it(admin, original):
    _refused(admin, f"/admin/articles/article/{original.pk}/delete/",
             "Editions", "Review events", "Publication log")  # fmt: skip
    assert Article.objects.filter(pk=original.pk).exists()


def test_a_person_who_signed_off_an_edition_cannot_be_deleted(admin, original, reviewer):
    _refused(admin, f"/admin/accounts/user/{reviewer.pk}/delete/", "Sign offs", "Review events")
    assert User.objects.filter(pk=reviewer.pk).exists()


def test_a_person_nothing_holds_is_listed_as_django_lists_them_and_deleted(admin, db):
    newcomer = User.objects.create_user("newcomer", password="x" * 16)
    newcomer.groups.add(Group.objects.get_or_create(name="Authors")[0])
    url = f"/admin/accounts/user/{newcomer.pk}/delete/"

    with CaptureQueriesContext(connection) as queries:
        page = admin.get(url).content.decode()
    assert "Are you sure you want to delete the user" in page
    assert "User-group relationships: 1" in page
    # the signed-in admin, the user, which relations have rows, the one that has
    assert len(queries) <= 8, [q["sql"][:80] for q in queries]
    admin.post(url, {"post": "yes"})
    assert not User.objects.filter(pk=newcomer.pk).exists()


def test_the_listing_is_djangos_own_for_an_article_with_rows_in_several_relations(
    admin_user, make_article, make_reference
):
    """A draft nobody submitted: its citations and revisions' rows cascade, several levels."""
    make_reference("nccn-2024")
    article = make_article(slug="draft", title="A draft?")
    assert article.citations.exists()
    request = RequestFactory().get("/")
    request.user = admin_user
    site = django_admin.site
    model_admin = site.get_model_admin(Article)
    assert isinstance(model_admin, RefusedQuickly)

    ours = model_admin.get_deleted_objects([article], request)
    djangos = get_deleted_objects([article], request, site)
    assert ours == djangos
    assert ours[1]  # it lists something
