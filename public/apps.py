from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"

    def ready(self) -> None:
        from publishing import surfaces

        from .baking import BakedSite

        # The publication log re-bakes what each act changed (where a bake directory is set).
        surfaces.register(BakedSite())
