from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

        from accounts.models import ContributorProfile, User
        from articles.models import Article, Citation, Disclaimer, Reference, Topic
        from personalization.models import ArticleVariant, GlossaryTerm, ReaderRole

        from .page_cache import bump_stamp, forget_article

        # What an article page shows beyond the article row itself (the row has its own
        # generation, below). Each change retires every page now and again on commit (see
        # page_cache). Cache upkeep only: nothing here moves an article through review.
        for model in (Disclaimer, ReaderRole, GlossaryTerm, ArticleVariant, Reference, Citation,
                      Topic):  # fmt: skip
            post_save.connect(bump_stamp, sender=model, dispatch_uid=f"page-stamp-{model}")
            post_delete.connect(bump_stamp, sender=model, dispatch_uid=f"page-stamp-del-{model}")
        m2m_changed.connect(bump_stamp, dispatch_uid="page-stamp-m2m")
        # Every write of an article row (a review move, an edit) retires its cached pages,
        # before the write (to read the old slug) and again once the write commits.
        pre_save.connect(forget_article, sender=Article, dispatch_uid="page-article-saving")
        post_delete.connect(forget_article, sender=Article, dispatch_uid="page-article-deleted")
        # An approver's name and credentials are on approved pages; a sign-in is not.
        post_save.connect(_user_saved, sender=User, dispatch_uid="page-stamp-user")
        # Bylines link to contributor pages while they are public (and by their slug).
        post_save.connect(bump_stamp, sender=ContributorProfile, dispatch_uid="page-stamp-profile")
        post_delete.connect(
            bump_stamp, sender=ContributorProfile, dispatch_uid="page-stamp-del-profile"
        )


def _user_saved(sender, update_fields=None, **kwargs) -> None:
    from .page_cache import bump_stamp

    if update_fields and set(update_fields) <= {"last_login", "preferred_reader_role"}:
        return
    bump_stamp()
