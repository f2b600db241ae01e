import pytest
from django.contrib.auth.models import Group

from articles.models import Article, ReviewState
from articles.selectors import latest_revision_id
from review import services
from tests.factories import CHECKLIST_FIELDS, SIGNED_CHECKLIST, UserFactory


def _post_move(client, article, name, comment="", seen=None):
    return client.post(
        f"/review/articles/{article.slug}/{name}/",
        {
            "comment": comment,
            "seen_revision_id": seen or latest_revision_id(article),
            **CHECKLIST_FIELDS,
        },
    )


@pytest.fixture
def submitted(make_article, author, seen):
    article = make_article()
    services.make_move("submit", article=article, by=author, seen_revision_id=seen(article))
    return article


def test_review_area_needs_a_login(client, db):
    response = client.get("/review/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_with_no_role_is_refused_the_review_area(client, db):
    client.force_login(UserFactory(username="reader"))
    assert client.get("/review/").status_code == 403


def test_the_queue_shows_what_awaits_review_with_its_age(client, reviewer, submitted):
    client.force_login(reviewer)
    html = client.get("/review/").content.decode()
    assert "Awaiting review" in html and submitted.title in html
    assert "In this state for" in html


def test_my_submissions_lists_the_authors_articles(client, author, submitted):
    client.force_login(author)
    html = client.get("/review/").content.decode()
    assert "My submissions" in html and submitted.title in html
    assert "Awaiting review" not in html


def test_review_page_offers_only_the_moves_the_user_may_make(client, reviewer, author, submitted):
    client.force_login(reviewer)
    html = client.get(f"/review/articles/{submitted.slug}/").content.decode()
    assert ">Start review</button>" in html
    decision = html.split('id="actions-title"')[1].split("</section>")[0]
    assert ">Start review</button>" in decision and "Approve" not in decision
    client.force_login(author)
    html = client.get(f"/review/articles/{submitted.slug}/").content.decode()
    assert ">Start review</button>" not in html


def test_the_review_page_reads_changes_then_comments_then_checks_then_the_decision(
    client, reviewer, submitted
):
    client.force_login(reviewer)
    html = client.get(f"/review/articles/{submitted.slug}/").content.decode()
    order = ['id="diff-title"', 'id="comments-title"', 'id="checks-title"', 'id="actions-title"']
    assert all(heading in html for heading in order)
    assert [html.index(heading) for heading in order] == sorted(html.index(h) for h in order)


def test_the_author_sees_why_they_cannot_approve(client, author, reviewer, submitted):
    author.groups.add(Group.objects.get(name="Reviewers"))
    services.make_move(
        "start_review",
        article=submitted,
        by=reviewer,
        seen_revision_id=latest_revision_id(submitted),
    )
    client.force_login(author)
    html = client.get(f"/review/articles/{submitted.slug}/").content.decode()
    assert "another reviewer must approve it" in html


def test_moves_through_the_web_and_their_refusals(client, author, reviewer, submitted):
    client.force_login(author)
    assert _post_move(client, submitted, "start_review").status_code == 403
    client.force_login(reviewer)
    assert _post_move(client, submitted, "start_review").status_code == 302
    response = _post_move(client, submitted, "request_changes", comment="")
    assert response.status_code == 400
    assert "needs a comment" in response.content.decode()
    response = _post_move(client, submitted, "request_changes", comment="Cite ESMO", seen=1)
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed since you opened it" in body and "Cite ESMO" in body  # nothing lost
    assert Article.objects.get(pk=submitted.pk).state == ReviewState.UNDER_REVIEW


def test_moves_are_post_only(client, reviewer, submitted):
    client.force_login(reviewer)
    assert client.get(f"/review/articles/{submitted.slug}/start_review/").status_code == 405


def test_an_unknown_move_is_not_found(client, reviewer, submitted):
    client.force_login(reviewer)
    assert _post_move(client, submitted, "publish_now").status_code == 404


def test_edit_then_stale_edit_keeps_the_text_and_warns(client, author, make_article):
    article = make_article()
    client.force_login(author)
    old = latest_revision_id(article)
    form = {
        "title": "First", "summary": "", "body": article.body, "comment": "one",
        "literature_current_through": "", "seen_revision_id": old,
    }  # fmt: skip
    assert client.post(f"/review/articles/{article.slug}/edit/", form).status_code == 302
    response = client.post(
        f"/review/articles/{article.slug}/edit/", {**form, "title": "My second title"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed since you opened it" in html and "My second title" in html
    assert Article.objects.get(pk=article.pk).title == "First"


def test_edit_refuses_a_dangling_citation_and_keeps_the_text(client, author, make_article):
    article = make_article()
    client.force_login(author)
    response = client.post(
        f"/review/articles/{article.slug}/edit/",
        {"title": "T", "summary": "", "body": "New claim.[@ghost]", "comment": "",
         "literature_current_through": "", "seen_revision_id": latest_revision_id(article)},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Line 1: [@ghost] names no reference" in html


def test_edit_lists_every_problem_of_the_text_each_with_its_line(client, author, make_article):
    article = make_article()
    client.force_login(author)
    response = client.post(
        f"/review/articles/{article.slug}/edit/",
        {"title": "T", "summary": "", "body": "Give it. {grade 3D}\n\nNew claim.[@ghost]",
         "comment": "", "literature_current_through": "",
         "seen_revision_id": latest_revision_id(article)},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "<li>Line 1: {grade 3D} is not an evidence grade." in html
    assert "<li>Line 3: [@ghost] names no reference." in html
    assert "New claim.[@ghost]" in html  # what was typed is kept


def test_a_second_approval_from_a_stale_page_answers_409_with_the_article_as_it_is_now(
    client, submitted, reviewer, reviewer2
):
    services.make_move("start_review", article=submitted, by=reviewer,
                       seen_revision_id=latest_revision_id(submitted))  # fmt: skip
    both_saw = latest_revision_id(submitted)
    services.make_move(
        "approve",
        article=submitted,
        by=reviewer,
        seen_revision_id=both_saw,
        checklist=SIGNED_CHECKLIST,
    )
    client.force_login(reviewer2)
    response = client.post(f"/review/articles/{submitted.slug}/approve/",
                           {"seen_revision_id": both_saw, "note": "Fine."})  # fmt: skip
    assert response.status_code == 409
    html = response.content.decode()
    assert "This article changed since you opened it: it is now approved." in html
    assert ">Approve</button>" not in html  # the page as it is now: nothing left to approve


def test_a_reviewer_cannot_edit(client, reviewer, submitted):
    client.force_login(reviewer)
    assert client.get(f"/review/articles/{submitted.slug}/edit/").status_code == 403


def test_authors_do_not_see_other_authors_drafts(client, make_article, db):
    make_article(slug="private-draft")
    other = UserFactory(username="other-author")
    other.groups.add(Group.objects.get(name="Authors"))
    client.force_login(other)
    assert client.get("/review/articles/private-draft/").status_code == 404


def test_new_article_is_a_draft_by_its_author(client, author, make_reference):
    make_reference("nccn-2024")
    client.force_login(author)
    response = client.post(
        "/review/new/",
        {"title": "Is it new?", "slug": "is-it-new", "summary": "", "comment": "",
         "body": "Yes.[@nccn-2024]", "literature_current_through": "2025-01-31"},
    )  # fmt: skip
    assert response.status_code == 302
    article = Article.objects.get(slug="is-it-new")
    assert article.state == ReviewState.DRAFT and article.author == author
    assert [c.reference.key for c in article.citations.all()] == ["nccn-2024"]


def test_assigning_a_reviewer(client, reviewer, reviewer2, submitted):
    client.force_login(reviewer)
    response = client.post(f"/review/articles/{submitted.slug}/assign/", {"reviewer": reviewer2.pk})
    assert response.status_code == 302
    assert submitted.assignments.get().reviewer == reviewer2
    client.force_login(reviewer2)
    assert submitted.title in client.get("/review/").content.decode().split("Assigned to me")[1]


def test_review_page_diffs_against_the_approved_text(client, author, reviewer, submitted, seen):
    services.make_move(
        "start_review", article=submitted, by=reviewer, seen_revision_id=seen(submitted)
    )
    services.make_move(
        "approve",
        article=submitted,
        by=reviewer,
        seen_revision_id=seen(submitted),
        checklist=SIGNED_CHECKLIST,
    )
    services.edit_article(
        article=submitted, by=author, seen_revision_id=seen(submitted),
        title=submitted.title, summary="",
        body="## Answer\n\nPlatinum triplet first.[@nccn-2024]\n",
        literature_current_through=None, comment="",
    )  # fmt: skip
    client.force_login(reviewer)
    html = client.get(f"/review/articles/{submitted.slug}/").content.decode()
    assert "<del>doublet </del><ins>triplet </ins>" in html


def test_history_and_compare_any_two_versions(client, author, make_article, seen):
    article = make_article()
    first = seen(article)
    services.edit_article(
        article=article, by=author, seen_revision_id=first, title=article.title, summary="",
        body="Platinum triplet first.[@nccn-2024]", literature_current_through=None, comment="",
    )  # fmt: skip
    client.force_login(author)
    assert (
        "Compare versions"
        in client.get(f"/review/articles/{article.slug}/history/").content.decode()
    )
    html = client.get(
        f"/review/articles/{article.slug}/compare/?from={first}&to={seen(article)}"
    ).content.decode()
    assert "<del>doublet </del><ins>triplet </ins>" in html
    bad = client.get(f"/review/articles/{article.slug}/compare/?from=999999&to={first}")
    assert bad.status_code == 404


def test_diff_escapes_hostile_text(client, author, make_article, seen):
    article = make_article()
    services.edit_article(
        article=article, by=author, seen_revision_id=seen(article), title=article.title,
        summary="<script>alert(1)</script>", body=article.body, literature_current_through=None,
        comment="",
    )  # fmt: skip
    client.force_login(author)
    html = client.get(f"/review/articles/{article.slug}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_author_adds_a_reference_and_can_cite_it(client, author, make_article):
    from reversion.models import Version

    from articles.models import Reference

    client.force_login(author)
    response = client.post(
        "/review/references/",
        {"key": "esmo-2022", "kind": "guideline", "title": "ESMO guideline", "year": "2022"},
    )
    assert response.status_code == 302
    reference = Reference.objects.get(key="esmo-2022")
    assert Version.objects.get_for_object(reference).get().revision.user == author
    assert "[@esmo-2022]" in client.get("/review/references/").content.decode()


def test_a_bad_reference_is_refused_with_the_typed_values_kept(client, author, db):
    client.force_login(author)
    response = client.post(
        "/review/references/", {"key": "Not A Key!", "kind": "guideline", "title": "Kept title"}
    )
    assert response.status_code == 400
    assert "Kept title" in response.content.decode()


def test_a_reviewer_may_look_references_up_but_not_add_them(client, reviewer, db):
    client.force_login(reviewer)
    assert client.get("/review/references/").status_code == 200
    response = client.post("/review/references/", {"key": "x", "kind": "other", "title": "X"})
    assert response.status_code == 403
