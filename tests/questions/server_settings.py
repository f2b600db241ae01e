"""Settings for the runserver processes of the shared rate-limit test: the test settings, with
the questions URLs included (as config/urls.py will have them)."""

from config.settings.test import *  # noqa: F403
