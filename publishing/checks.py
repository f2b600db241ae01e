"""Deployment checks of the publication log."""

from django.conf import settings
from django.core.checks import Warning, register

from . import surfaces


@register("publishing", deploy=True)
def surfaces_need_a_worker(app_configs, **kwargs) -> list[Warning]:
    """Baked files and edge caches are kept by the log's worker: without a broker, a change of
    surroundings waits for `manage.py apply_publication_log`."""
    if settings.CELERY_BROKER_URL or not surfaces.enabled():
        return []
    names = ", ".join(surface.name for surface in surfaces.enabled())
    return [
        Warning(
            f"The publication log drives {names}, but CELERY_BROKER_URL is not set.",
            hint="Run a Celery worker and beat with a broker, or run "
            "`manage.py apply_publication_log` on a schedule.",
            id="publishing.W001",
        )
    ]
