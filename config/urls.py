from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView, TemplateView

from accounts.forms import SignInForm
from accounts.views import PasswordResetConfirm
from config.password_reset import OutboxPasswordResetForm
from public import sitemaps
from public.feeds import ApprovedChangesFeed, TopicChangesFeed, feed_name
from public.language import choose_language
from public.listings import kept_by_log
from public.sitemaps import SITEMAPS
from publishing.selectors import TRANSLATED

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Self-service password reset, by a link e-mailed through the outbox.
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=OutboxPasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/", include("accounts.urls")),
    path("review/questions/", include("questions.review_urls")),
    path("review/", include("review.urls")),
    path("api/v1/", include("api.urls")),
    # The feeds and sitemaps: rendered once per act of the publication log (public.listings).
    path("feed/", kept_by_log(ApprovedChangesFeed()), name="feed"),
    path("topics/<slug:slug>/feed/", kept_by_log(TopicChangesFeed()), name="topic_feed"),
    # Each translated language's own: its translations' editions, in its words (public.feeds).
    *(
        route
        for code in TRANSLATED
        for route in (
            path(
                f"{code}/feed/",
                kept_by_log(ApprovedChangesFeed(code)),
                name=feed_name("feed", code),
            ),
            path(
                f"{code}/topics/<slug:slug>/feed/",
                kept_by_log(TopicChangesFeed(code)),
                name=feed_name("topic_feed", code),
            ),
        )
    ),
    # One sitemap of everything while it fits 5,000 URLs, else the index; and the index of
    # every file of each section whatever the size: robots.txt points crawlers at it.
    path("sitemap.xml", kept_by_log(sitemaps.root), name="sitemap"),
    path(
        "sitemap-index.xml",
        kept_by_log(sitemaps.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap_index",
    ),
    path(
        "sitemap-<section>.xml",
        kept_by_log(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots",
    ),
    # For clients that ask for /favicon.ico without reading the page's <link rel="icon">. Lazy:
    # the hashed name comes from the static manifest, which need not exist when URLs load.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"))),
    # The language switcher's choice (public.language): remembered, then back to the page.
    path("language/<str:code>/", choose_language, name="choose_language"),
]

# The reader's pages, in English at today's addresses and in Spanish under /es/.
urlpatterns += i18n_patterns(
    path("", include("questions.urls")),
    path("", include("public.urls")),
    prefix_default_language=False,
)
