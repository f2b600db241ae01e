from django.apps import AppConfig


class PersonalizationConfig(AppConfig):
    name = "personalization"

    def ready(self) -> None:
        import reversion

        from articles import services as article_services
        from articles.models import ARTICLE_VERSIONING, Article

        # Variants are part of the article: every revision of an article carries them, so an
        # approval pins them and a later variant edit goes back through review.
        reversion.unregister(Article)
        reversion.register(
            Article,
            follow=[*ARTICLE_VERSIONING["follow"], "variants"],
            exclude=ARTICLE_VERSIONING["exclude"],
        )
        # A variant may cite references the default text does not.
        article_services.CITING_TEXT_SOURCES.append(
            lambda article: article.variants.values_list("body", flat=True)
        )
