from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from . import checks, surfaces  # noqa: F401 (checks registers itself)
        from .edge import purgers

        # The edge caches (Varnish, a CDN) are publishing's own surface; the apps that render
        # pages register theirs (public: the baked site) in their own ready().
        surfaces.register(surfaces.EdgeCaches(purgers))
