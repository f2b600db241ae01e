"""The editors' question queue. The site's URLconf includes these at review/questions/."""

from django.urls import path

from . import queue_views as views

app_name = "question_queue"

urlpatterns = [
    path("", views.queue, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/triage/", views.triage, name="triage"),
    path("<int:pk>/spam/", views.spam, name="spam"),
    path("<int:pk>/duplicate/", views.duplicate, name="duplicate"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/draft/", views.draft, name="draft"),
    path("<int:pk>/request-change/", views.request_change, name="request_change"),
]
