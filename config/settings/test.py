"""Test settings: the base settings, with fast password hashing and quiet e-mail."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
VETTED_ENVIRONMENT = "test"
# Tests serve static files through the finders; there is no collected directory to look for.
STATIC_ROOT = None
# django-axes logs every sign-in at INFO; the tests sign in thousands of times.
AXES_VERBOSE = False
