"""The WSGI entry point (gunicorn config.wsgi). Without DJANGO_SETTINGS_MODULE it serves the
production settings, which refuse to start without their secrets: a deployer who forgets the
variable is stopped, not served the development settings. Name config.settings.base to run it
locally."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
