import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

from public.fast_path import ArticlePagesFirst  # noqa: E402 (needs the apps loaded above)

# Anonymous readers' cached article pages before Django builds a request (public.fast_path).
application = ArticlePagesFirst(application)
