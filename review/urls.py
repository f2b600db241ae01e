from django.urls import path

from . import due_views, views

app_name = "review"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.new_article, name="new"),
    path("references/", views.references, name="references"),
    path("due/", due_views.review_due, name="due"),
    path("articles/<slug:slug>/", views.article_review, name="article"),
    path("articles/<slug:slug>/edit/", views.edit, name="edit"),
    path("articles/<slug:slug>/versions/<slug:role>/", views.edit_variant, name="variant"),
    path("articles/<slug:slug>/history/", views.history, name="history"),
    path("articles/<slug:slug>/compare/", views.compare, name="compare"),
    path("articles/<slug:slug>/comment/", views.comment, name="comment"),
    path("articles/<slug:slug>/assign/", views.assign, name="assign"),
    path("articles/<slug:slug>/<str:name>/", views.move, name="move"),
]
