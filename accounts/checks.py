"""Deployment checks of sign-in: `check --deploy` warns when its protections are switched off.

Production switches both on by default; each can be turned off from the environment (a benchmark,
a first deployment), and nothing else would say so.
"""

from django.conf import settings
from django.core.checks import Warning, register


@register("accounts", deploy=True)
def sign_in_protections_are_on(app_configs, **kwargs) -> list[Warning]:
    warnings = []
    if not settings.AXES_ENABLED:
        warnings.append(
            Warning(
                "Sign-in throttling is off (AXES_ENABLED=false): wrong passwords are never "
                "paused, so passwords can be guessed at full speed.",
                hint="Set AXES_ENABLED=true, the default.",
                id="accounts.W001",
            )
        )
    if not settings.VETTED_REQUIRE_2FA:
        warnings.append(
            Warning(
                "The second factor is off (VETTED_REQUIRE_2FA=false): reviewers and admins reach "
                "/review/ and /admin/ with a password alone.",
                hint="Set VETTED_REQUIRE_2FA=true, production's default.",
                id="accounts.W002",
            )
        )
    return warnings
