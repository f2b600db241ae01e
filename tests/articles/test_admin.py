"""The admin as a write path: every save is a revision by the signed-in user; revert and recover."""

import pytest
from reversion.models import Version

from articles.evidence import SYNTAX_HELP
from articles.models import Article, Reference, ReviewState
from articles.services import save_article, save_reference
from review import services
from tests.factories import SIGNED_CHECKLIST

pytestmark = pytest.mark.django_db

NO_CITATION_FORMS = {
    "citations-TOTAL_FORMS": "0",
    "citations-INITIAL_FORMS": "0",
    "citations-MIN_NUM_FORMS": "0",
    "citations-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


def article_form(**fields):
    data = {
        "title": "Is the admin a write path?",
        "slug": "admin-article",
        "summary": "Yes.",
        "body": "It is.[@nccn-2024]",
        "literature_current_through": "2025-07-21",
        "review_interval_months": "12",
        **NO_CITATION_FORMS,
    }
    data.update(fields)
    return data


def reference_form(**fields):
    data = {"key": "esmo-2022", "kind": "guideline", "title": "ESMO guideline", "year": "2022"}
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def versions_of(obj):
    return Version.objects.get_for_object(obj).order_by("pk")


def form_errors(response):
    return response.context["adminform"].form.errors if response.context else None


def resubmit(response):
    """The data a browser would post back from an admin change form, as the page shows it."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if value is None:
                continue
            data[field.html_name] = [str(v) for v in value] if isinstance(value, list) else value
    return data


# --- every save is a revision ----------------------------------------------------------------


def test_adding_an_article_in_the_admin_records_a_revision_by_the_admin(
    admin, admin_user, make_reference
):
    make_reference("nccn-2024")

    response = admin.post("/admin/articles/article/add/", article_form())

    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get(slug="admin-article")
    assert article.author == admin_user
    [version] = versions_of(article)
    assert version.revision.user == admin_user
    assert version.revision.comment
    assert [c.reference.key for c in article.citations.all()] == ["nccn-2024"]


def test_dangling_marker_in_the_admin_is_a_form_error_and_nothing_is_written(admin):
    versions = Version.objects.count()

    response = admin.post("/admin/articles/article/add/", article_form(body="See[@ghost]."))

    assert response.status_code == 200
    assert "[@ghost]" in str(form_errors(response)["body"])
    assert not Article.objects.exists()
    assert Version.objects.count() == versions


def test_the_admin_reports_every_problem_of_the_body_each_with_its_line(admin, make_reference):
    make_reference("nccn-2024")
    body = "It is.[@nccn-2024] {grade 3D}\n\nSee[@ghost]."

    response = admin.post("/admin/articles/article/add/", article_form(body=body))

    assert response.status_code == 200
    assert form_errors(response)["body"] == [
        "Line 1: {grade 3D} is not an evidence grade. " + SYNTAX_HELP,
        "Line 3: [@ghost] names no reference. Add the reference first, or correct the marker.",
    ]
    assert not Article.objects.exists()


def test_deeply_nested_body_in_the_admin_is_a_form_error_not_a_server_error(admin):
    response = admin.post("/admin/articles/article/add/", article_form(body="- " * 3000 + "x"))

    assert response.status_code == 200
    assert "too deeply" in str(form_errors(response)["body"])
    assert not Article.objects.exists()


def test_editing_an_article_in_the_admin_adds_a_revision_by_the_admin(
    admin, admin_user, make_article
):
    article = make_article(slug="admin-article")

    response = admin.post(
        f"/admin/articles/article/{article.pk}/change/", article_form(summary="Edited.")
    )

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.summary == "Edited."
    versions = versions_of(article)
    assert versions.count() == 2
    assert versions.last().revision.user == admin_user


def test_adding_a_reference_in_the_admin_records_a_revision_by_the_admin(admin, admin_user):
    response = admin.post("/admin/articles/reference/add/", reference_form())

    assert response.status_code == 302, form_errors(response)
    reference = Reference.objects.get(key="esmo-2022")
    [version] = versions_of(reference)
    assert version.revision.user == admin_user
    assert version.revision.comment


def test_changing_a_reference_in_the_admin_adds_a_revision_by_the_admin(
    admin, admin_user, make_reference
):
    reference = make_reference("esmo-2022")

    response = admin.post(
        f"/admin/articles/reference/{reference.pk}/change/",
        reference_form(title="ESMO clinical practice guideline"),
    )

    assert response.status_code == 302, form_errors(response)
    reference.refresh_from_db()
    assert reference.title == "ESMO clinical practice guideline"
    versions = versions_of(reference)
    assert versions.count() == 2
    assert versions.last().revision.user == admin_user


def test_invalid_reference_in_the_admin_writes_no_revision(admin):
    versions = Version.objects.count()

    response = admin.post("/admin/articles/reference/add/", reference_form(key="Bad Key!"))

    assert response.status_code == 200
    assert "key" in form_errors(response)
    assert not Reference.objects.exists()
    assert Version.objects.count() == versions


# --- revert and recover ----------------------------------------------------------------------


def save_twice(author, first_body, second_body):
    article = save_article(
        article=Article(slug="rewritten", title="Which source?", summary="Yes.", body=first_body),
        by=author,
        comment="First",
    )
    article.body = second_body
    save_article(article=article, by=author, comment="Rewritten")
    return article


def revert_url(article):
    first = versions_of(article).first()
    return f"/admin/articles/article/{article.pk}/history/{first.pk}/"


def test_the_history_page_of_an_old_version_shows_its_text_without_reverting(admin, author):
    article = save_twice(author, "Old answer.", "New answer.")

    response = admin.get(revert_url(article))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Restore this version" in html
    assert "<del>New </del><ins>Old </ins>" in html
    article.refresh_from_db()
    assert article.body.rstrip() == "New answer."


def test_reverting_an_article_restores_its_old_body_as_a_new_revision(admin, admin_user, author):
    article = save_twice(author, "Old answer.", "New answer.")
    url = revert_url(article)

    response = admin.post(url, {})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body.rstrip() == "Old answer."
    versions = versions_of(article)
    assert versions.count() == 3
    assert versions.last().revision.user == admin_user


def test_reverting_an_article_restores_its_old_body_and_citations(
    admin, admin_user, author, make_reference
):
    make_reference("first")
    make_reference("second")
    article = save_twice(author, "Old answer.[@first]", "New answer.[@second]")
    url = revert_url(article)

    response = admin.get(url)
    assert response.status_code == 200
    response = admin.post(url, {})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body.rstrip() == "Old answer.[@first]"
    assert [(c.position, c.reference.key) for c in article.citations.all()] == [(1, "first")]
    assert Reference.objects.filter(key="second").exists()
    assert versions_of(article).last().revision.user == admin_user


@pytest.fixture
def approved_then_edited(author, reviewer, seen):
    """An approved article whose author has since saved a new draft; the approved text is live."""
    article = save_twice(author, "Old answer.", "Approved answer.")
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    services.make_move(
        "approve",
        article=article,
        by=reviewer,
        seen_revision_id=seen(article),
        checklist=SIGNED_CHECKLIST,
    )
    services.edit_article(
        article=article,
        by=author,
        seen_revision_id=seen(article),
        title=article.title,
        summary="",
        body="Draft answer.",
        literature_current_through=None,
        comment="Next draft",
    )
    article.refresh_from_db()
    return article


def test_reverting_the_working_text_keeps_the_approved_text_live(admin, approved_then_edited):
    live = approved_then_edited.live_revision_id
    approver = approved_then_edited.approved_by_id
    url = revert_url(approved_then_edited)

    admin.post(url, {})

    approved_then_edited.refresh_from_db()
    assert approved_then_edited.live_revision_id == live
    assert approved_then_edited.approved_by_id == approver


def test_an_article_under_review_cannot_be_reverted(admin, author, reviewer, seen):
    article = save_twice(author, "Old answer.", "Reviewed answer.")
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    services.make_move("start_review", article=article, by=reviewer, seen_revision_id=seen(article))
    url = revert_url(article)

    response = admin.post(url, {})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body.rstrip() == "Reviewed answer."
    assert article.state == ReviewState.UNDER_REVIEW


def test_recovering_a_deleted_reference_brings_the_row_back(admin, admin_user, author):
    reference = save_reference(
        reference=Reference(key="uncited", title="An uncited source", year=2020),
        by=author,
        comment="Added",
    )
    reference_pk = reference.pk
    response = admin.post(f"/admin/articles/reference/{reference_pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Reference.objects.filter(key="uncited").exists()
    [deleted] = Version.objects.get_deleted(Reference)
    url = f"/admin/articles/reference/recover/{deleted.pk}/"
    # The recover list names it, found through the admin's log of deletions (config.recover).
    listed = admin.get("/admin/articles/reference/recover/").content.decode()
    assert f'href="{url}"' in listed and "An uncited source" in listed

    response = admin.post(url, resubmit(admin.get(url)))

    assert response.status_code == 302, form_errors(response)
    admin.get("/admin/articles/reference/recover/")  # shows (and so spends) the success message
    assert url not in admin.get("/admin/articles/reference/recover/").content.decode()
    recovered = Reference.objects.get(key="uncited")
    assert recovered.pk == reference_pk
    assert recovered.title == "An uncited source"
    assert versions_of(recovered).last().revision.user == admin_user


def test_a_cited_reference_cannot_be_deleted_in_the_admin(admin, make_article):
    make_article()
    reference = Reference.objects.get(key="nccn-2024")

    admin.post(f"/admin/articles/reference/{reference.pk}/delete/", {"post": "yes"})

    assert Reference.objects.filter(pk=reference.pk).exists()


def test_the_admin_history_compares_any_two_versions(admin, author):
    article = save_twice(author, "Platinum doublet first.", "Platinum triplet first.")
    first, second = (v.revision_id for v in versions_of(article))

    history = admin.get(f"/admin/articles/article/{article.pk}/history/").content.decode()
    assert "Compare versions" in history

    response = admin.get(f"/admin/articles/article/{article.pk}/compare/?from={first}&to={second}")
    assert response.status_code == 200
    assert "<del>doublet </del><ins>triplet </ins>" in response.content.decode()

    foreign = admin.get(f"/admin/articles/article/{article.pk}/compare/?from=1&to=999999")
    assert foreign.status_code == 302  # back to the history, with a message


def test_the_admin_history_is_a_page_of_versions_at_a_time(admin, author, monkeypatch):
    monkeypatch.setattr("review.admin.HISTORY_PER_PAGE", 1)
    article = save_twice(author, "Platinum doublet first.", "Platinum triplet first.")
    first, second = (v.revision_id for v in versions_of(article))
    newest = admin.get(f"/admin/articles/article/{article.pk}/history/").content.decode()
    assert f'value="{second}"' in newest and f'value="{first}"' not in newest
    assert 'href="?page=2" rel="next">Older versions' in newest
    older = admin.get(f"/admin/articles/article/{article.pk}/history/?page=2").content.decode()
    assert f'value="{first}"' in older and 'rel="next"' not in older


def test_a_deep_page_of_the_article_list_shows_its_rows_in_order(admin, make_article):
    from review.admin import ArticleAdmin

    for n in range(5):
        make_article(slug=f"listed-{n}", title=f"Listed {n}?")
    ArticleAdmin.list_per_page = 2
    try:
        page = admin.get("/admin/articles/article/?p=2&o=1").content.decode()
    finally:
        ArticleAdmin.list_per_page = 50
    shown = [n for n in range(5) if f"Listed {n}?" in page]
    assert shown == [2, 3] and page.index("Listed 2?") < page.index("Listed 3?")


# --- co-authors and the review interval ------------------------------------------------------


@pytest.fixture
def approved_in_admin(make_article, author, reviewer, professional_disclaimer):
    from articles.selectors import latest_revision_id

    article = make_article(slug="admin-article")
    for name, by in (("submit", author), ("start_review", reviewer), ("approve", reviewer)):
        services.make_move(name, article=article, by=by, checklist=SIGNED_CHECKLIST,
                           seen_revision_id=latest_revision_id(article))  # fmt: skip
    article.refresh_from_db()
    return article


def test_the_admin_sets_co_authors_and_the_review_interval_without_reopening_the_text(
    admin, admin_user, approved_in_admin, editor, reviewer2
):
    page = admin.get(f"/admin/articles/article/{approved_in_admin.pk}/change/")
    data = resubmit(page)
    data.update(co_authors=[str(editor.pk), str(reviewer2.pk)], review_interval_months="6")
    versions = versions_of(approved_in_admin).count()

    response = admin.post(f"/admin/articles/article/{approved_in_admin.pk}/change/", data)

    assert response.status_code == 302, form_errors(response)
    approved_in_admin.refresh_from_db()
    assert set(approved_in_admin.co_authors.all()) == {editor, reviewer2}
    assert approved_in_admin.review_interval_months == 6
    assert approved_in_admin.state == ReviewState.APPROVED  # not an edit of the text
    assert versions_of(approved_in_admin).count() == versions
    note = approved_in_admin.review_events.latest("pk")
    assert note.actor == admin_user
    assert "Co-authors: Dr. Tomas Lind, Jo Mensah." in note.comment
    assert "Reviewed every 6 months (was 12), from the next edition." in note.comment
    # The form shows what was saved.
    shown = resubmit(admin.get(f"/admin/articles/article/{approved_in_admin.pk}/change/"))
    assert sorted(shown["co_authors"]) == sorted([str(editor.pk), str(reviewer2.pk)])


def test_a_co_author_set_in_the_admin_may_not_approve_it(admin, make_article, author, reviewer):
    from articles.selectors import latest_revision_id
    from review.errors import NotAllowed

    article = make_article(slug="admin-article")
    data = resubmit(admin.get(f"/admin/articles/article/{article.pk}/change/"))
    data["co_authors"] = [str(reviewer.pk)]
    assert admin.post(f"/admin/articles/article/{article.pk}/change/", data).status_code == 302
    for name in ("submit", "start_review"):
        services.make_move(name, article=article, by=author if name == "submit" else reviewer,
                           seen_revision_id=latest_revision_id(article))  # fmt: skip
    with pytest.raises(NotAllowed, match="You are an author of this article"):
        services.make_move("approve", article=article, by=reviewer, checklist=SIGNED_CHECKLIST,
                           seen_revision_id=latest_revision_id(article))  # fmt: skip


def test_the_author_is_not_also_a_co_author_and_the_interval_has_bounds(
    admin, make_article, author
):
    article = make_article(slug="admin-article")
    data = resubmit(admin.get(f"/admin/articles/article/{article.pk}/change/"))
    data.update(co_authors=[str(author.pk)], review_interval_months="0")

    response = admin.post(f"/admin/articles/article/{article.pk}/change/", data)

    assert response.status_code == 200
    errors = form_errors(response)
    assert "is not one of the available choices" in errors["co_authors"][0]  # not offered
    assert "review_interval_months" in errors
    assert not article.co_authors.exists()


def test_whoever_adds_an_article_is_its_author_not_its_co_author(admin, admin_user, make_reference):
    make_reference("nccn-2024")
    response = admin.post("/admin/articles/article/add/",
                          article_form(co_authors=[str(admin_user.pk)]))  # fmt: skip
    assert response.status_code == 200
    assert form_errors(response)["co_authors"] == [
        "The article's author is not also its co-author."
    ]
    assert not Article.objects.exists()


def test_a_new_article_in_the_admin_gets_its_co_authors(admin, editor, make_reference):
    make_reference("nccn-2024")
    data = article_form(co_authors=[str(editor.pk)], review_interval_months="3")

    response = admin.post("/admin/articles/article/add/", data)

    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get(slug="admin-article")
    assert list(article.co_authors.all()) == [editor]
    assert article.review_interval_months == 3


def test_an_articles_address_is_fixed_once_it_exists(admin, make_article):
    article = make_article(slug="admin-article")
    data = resubmit(admin.get(f"/admin/articles/article/{article.pk}/change/"))
    assert "slug" not in data  # shown, not editable: the edit would not move it
    data.update(slug="another-address", summary="Edited.")
    assert admin.post(f"/admin/articles/article/{article.pk}/change/", data).status_code == 302
    assert Article.objects.get(pk=article.pk).slug == "admin-article"


def test_a_changed_review_interval_sets_the_next_editions_review_date(
    admin, approved_in_admin, reviewer2
):
    from articles.selectors import latest_revision_id
    from publishing.editions import add_months

    data = resubmit(admin.get(f"/admin/articles/article/{approved_in_admin.pk}/change/"))
    data["review_interval_months"] = "6"
    admin.post(f"/admin/articles/article/{approved_in_admin.pk}/change/", data)
    first = approved_in_admin.public_edition
    assert first.next_review_due == add_months(first.published_at.date(), 12)  # as published
    services.make_move("confirm_current", article=approved_in_admin, by=reviewer2,
                       seen_revision_id=latest_revision_id(approved_in_admin))  # fmt: skip
    approved_in_admin.refresh_from_db()
    second = approved_in_admin.public_edition
    assert second.next_review_due == add_months(second.published_at.date(), 6)


def test_a_much_cited_reference_names_the_first_citing_articles_and_links_them_all(
    admin, make_article, monkeypatch
):
    monkeypatch.setattr("articles.admin.CITED_BY_SHOWN", 2)
    for n in range(3):
        make_article(slug=f"citing-{n}", title=f"Citing {n}?")
    reference = Reference.objects.get(key="nccn-2024")
    page = admin.get(f"/admin/articles/reference/{reference.pk}/change/").content.decode()
    assert "Citing 0?" in page and "Citing 1?" in page and "Citing 2?" not in page
    link = f"/admin/articles/article/?citations__reference__id__exact={reference.pk}"
    assert "3 articles cite it in all" in page and link in page
    listed = admin.get(link).content.decode()
    assert all(f"Citing {n}?" in listed for n in range(3))


def test_restoring_a_reference_leaves_the_others_saved_with_it_as_they_are(admin, author):
    """An import saves a file's references in one revision; restoring one restores it alone."""
    import reversion

    with reversion.create_revision():
        first = Reference.objects.create(key="first", title="First as imported", year=2020)
        second = Reference.objects.create(key="second", title="Second as imported", year=2021)
    imported = versions_of(first).get()
    for reference, title in ((first, "First, corrected"), (second, "Second, corrected")):
        reference.title = title
        save_reference(reference=reference, by=author, comment="Corrected")
    url = f"/admin/articles/reference/{first.pk}/history/{imported.pk}/"
    shown = admin.get(url)
    assert shown.status_code == 200 and "First as imported" in shown.content.decode()

    response = admin.post(url, resubmit(shown))

    assert response.status_code == 302, form_errors(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.title == "First as imported"
    assert second.title == "Second, corrected"  # untouched by the restore


def _queries_of(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_change_form_reads_the_same_queries_however_many_references_are_cited(
    admin, make_article, make_reference
):
    """Each citation row names its reference: read with the citations, not one query each."""
    keys = [f"ref-{n}" for n in range(6)]
    for key in keys:
        make_reference(key)
    one = make_article(slug="one", body="Cites one.[@ref-0]\n")
    six = make_article(slug="six", body="Cites six." + "".join(f"[@{k}]" for k in keys) + "\n")
    assert six.citations.count() == 6
    url = "/admin/articles/article/{}/change/"
    assert _queries_of(admin, url.format(six.pk)) == _queries_of(admin, url.format(one.pk))
