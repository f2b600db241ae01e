from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("review/questions/", include("questions.review_urls")),
    path("review/", include("review.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("questions.urls")),
    path("", include("public.urls")),
]
