from django.urls import path

from . import (
    comment_views,
    disclosure_views,
    due_views,
    reference_import_views,
    schedule_views,
    specialist_views,
    translation_views,
    views,
)

app_name = "review"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.new_article, name="new"),
    path("references/", views.references, name="references"),
    path("due/", due_views.review_due, name="due"),
    path("disclosure/", disclosure_views.renew, name="disclosure"),
    path(
        "references/import/",
        reference_import_views.reference_import,
        name="reference_import",
    ),
    path(
        "references/import/<str:token>/",
        reference_import_views.reference_import_preview,
        name="reference_import_preview",
    ),
    path(
        "references/import/<str:token>/save/",
        reference_import_views.reference_import_save,
        name="reference_import_save",
    ),
    path("translations/", translation_views.queue, name="translations"),
    path("articles/<slug:slug>/", views.article_review, name="article"),
    path("articles/<slug:slug>/translate/", translation_views.translate, name="translate"),
    path(
        "articles/<slug:slug>/translation/update/",
        translation_views.update_translation,
        name="update_translation",
    ),
    path(
        "articles/<slug:slug>/english-changes/",
        translation_views.english_changes,
        name="english_changes",
    ),
    path("articles/<slug:slug>/edit/", views.edit, name="edit"),
    path("articles/<slug:slug>/versions/<slug:role>/", views.edit_variant, name="variant"),
    path("articles/<slug:slug>/history/", views.history, name="history"),
    path("articles/<slug:slug>/compare/", views.compare, name="compare"),
    path("articles/<slug:slug>/comment/", views.comment, name="comment"),
    path("articles/<slug:slug>/assign/", views.assign, name="assign"),
    path(
        "articles/<slug:slug>/passages/", comment_views.comment_on_passage, name="passage_comment"
    ),
    path(
        "articles/<slug:slug>/passages/<int:pk>/reply/",
        comment_views.reply,
        name="passage_reply",
    ),
    path(
        "articles/<slug:slug>/passages/<int:pk>/resolve/",
        comment_views.resolve,
        name="passage_resolve",
    ),
    path(
        "articles/<slug:slug>/passages/<int:pk>/reopen/",
        comment_views.reopen,
        name="passage_reopen",
    ),
    path(
        "articles/<slug:slug>/passages/<int:pk>/accept-wording/",
        comment_views.accept_wording,
        name="passage_accept_wording",
    ),
    # Outside specialists and the schedule (review.specialist_views, review.schedule_views).
    path("desk/articles/", schedule_views.desk_articles, name="desk_articles"),
    path("outside/<str:token>/", specialist_views.specialist, name="specialist"),
    path("articles/<slug:slug>/specialists/", specialist_views.invite, name="invite_specialist"),
    path(
        "articles/<slug:slug>/specialists/<int:pk>/revoke/",
        specialist_views.revoke,
        name="revoke_invitation",
    ),
    path(
        "articles/<slug:slug>/go-live/cancel/",
        schedule_views.cancel_go_live,
        name="cancel_go_live",
    ),
    path(
        "articles/<slug:slug>/go-live/schedule/",
        schedule_views.reschedule_go_live,
        name="reschedule_go_live",
    ),
    path(
        "articles/<slug:slug>/re-review/",
        schedule_views.schedule_re_review,
        name="schedule_re_review",
    ),
    path(
        "articles/<slug:slug>/re-review/<int:pk>/cancel/",
        schedule_views.cancel_re_review,
        name="cancel_re_review",
    ),
    path("articles/<slug:slug>/<str:name>/", views.move, name="move"),
]
