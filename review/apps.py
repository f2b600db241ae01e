from django.apps import AppConfig
from django.db.models.signals import m2m_changed


class ReviewConfig(AppConfig):
    name = "review"

    def ready(self):
        from accounts.models import User

        from .workflow import forget_groups

        m2m_changed.connect(forget_groups, sender=User.groups.through)
