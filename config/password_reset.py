"""Self-service password reset: Django's views, with the e-mail written to the outbox.

This lives in config, not accounts: the outbox sits above accounts, which names nothing above
it. Django's PasswordResetForm sends its mail itself, at once and once; through the outbox the
message is a row, sent after the commit, retried when the mail server refuses, and listed in the
admin like every other e-mail.
"""

from django.contrib.auth.forms import PasswordResetForm
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.templatetags.sign_in import password_reset_valid_for
from config.site import site_url
from outbox.services import queue_email


class OutboxPasswordResetForm(PasswordResetForm):
    """Asks for an e-mail address; each active account using it gets a link to a new password.

    The answer is the same whether or not an account uses the address, so the form tells nobody
    which addresses have accounts.
    """

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        # In the account's language, whichever page the request came from: the mail is theirs.
        with translation.override(user.mail_language):
            context = {
                **context,
                # Links in e-mails point at the site's one configured address, as every notice
                # does.
                "reset_url": site_url(path),
                "valid_for": password_reset_valid_for(),
            }
            subject = render_to_string(subject_template_name, context)
            body = render_to_string(email_template_name, context)
        queue_email(to=to_email, subject=subject, body=body, recipient=user)
