from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_page, name="article"),
    path("articles/<slug:slug>/for/<slug:role>/", views.article_for_role, name="article_for_role"),
    path("articles/<slug:slug>/editions/<int:number>/", views.edition_page, name="edition"),
    path("contributors/<slug:slug>/", views.contributor, name="contributor"),
    path("search/", views.search, name="search"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("editorial-policy/", views.editorial_policy, name="editorial_policy"),
    path("healthz", views.healthz, name="healthz"),
]
