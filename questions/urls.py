"""The reader's URLs. The site's URLconf includes these at its root."""

from django.urls import path

from . import views

app_name = "questions"

urlpatterns = [
    path("articles/<slug:slug>/questions/", views.ask, name="ask"),
    path("articles/<slug:slug>/questions/thanks/", views.thanks, name="thanks"),
    path("questions/started/", views.started_now, name="started"),
]
