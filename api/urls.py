from django.urls import path, re_path

from . import views

app_name = "api"

# Path parameters take any text (str), so that a malformed one gets the API's JSON 404.
urlpatterns = [
    path("articles/", views.ArticleList.as_view(), name="articles"),
    path("articles/<str:slug>/", views.ArticleDetail.as_view(), name="article"),
    path("articles/<str:slug>/editions/", views.EditionList.as_view(), name="editions"),
    path(
        "articles/<str:slug>/editions/<str:number>/",
        views.EditionDetail.as_view(),
        name="edition",
    ),
    path("references/", views.ReferenceList.as_view(), name="references"),
    path("references/<str:key>/", views.ReferenceDetail.as_view(), name="reference"),
    path("schema/", views.Schema.as_view(), name="schema"),
    path("docs/", views.ApiDocs.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^", views.no_such_resource),
]
