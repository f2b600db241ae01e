"""The Celery app. Settings come from Django's, under the CELERY_ prefix.

It names no settings module: config/__init__.py imports this module in every process, web servers
included, so a default set here would win over the entry point's own (config/wsgi.py and
config/asgi.py default to production, manage.py to development). A worker or beat is told which
settings to use in DJANGO_SETTINGS_MODULE (`make worker`, the README's production commands).
"""

from celery import Celery

app = Celery("vetted")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
