from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ContributorProfile, User


def has_authenticator(user: User) -> bool:
    """Whether the user has confirmed an authenticator app (and so holds recovery codes)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def public_profile(slug: str) -> ContributorProfile | None:
    """The contributor page at `slug`, with its person, if readers may see it."""
    return (
        ContributorProfile.objects.filter(slug=slug, is_public=True).select_related("user").first()
    )


def public_profile_slugs(user_ids: set[int]) -> dict[int, str]:
    """The public page (slug) of each of these users who has one."""
    profiles = ContributorProfile.objects.filter(user_id__in=user_ids, is_public=True)
    return dict(profiles.values_list("user_id", "slug"))
