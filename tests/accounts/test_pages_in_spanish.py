"""The sign-in and account pages follow the person's language choice (the cookie, else their
profile): a Spanish speaker is locked out, sets up a sign-in code and verifies it in Spanish;
English stays as it was. (Run with the catalogues compiled: `make messages`.)"""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from public.language import LANGUAGE_COOKIE

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


@pytest.fixture
def spanish_reader(client):
    client.cookies[LANGUAGE_COOKIE] = "es"
    return client


def _wrong_passwords(client, settings, username: str):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": username, "password": "wrong"})
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def test_the_lock_out_page_is_in_spanish_for_a_spanish_choice(spanish_reader, settings, reviewer):
    response = _wrong_passwords(spanish_reader, settings, "reviewer")

    assert response.status_code == 429
    assert '<html lang="es">' in response.text
    assert "<h1>Demasiados intentos de inicio de sesión</h1>" in response.text
    assert "pausado desde esta conexión" in response.text
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"dentro de unos {minutes} minutos" in response.text
    assert 'href="/accounts/password-reset/">Restablézcala por correo electrónico</a>' in (
        response.text
    )


def test_the_lock_out_page_stays_english_without_a_choice(client, settings, reviewer):
    response = _wrong_passwords(client, settings, "reviewer")

    assert "<h1>Too many sign-in attempts</h1>" in response.text
    assert 'href="/accounts/password-reset/">Reset it by e-mail</a>' in response.text


def test_setting_up_and_verifying_a_sign_in_code_in_spanish(client, settings, reviewer):
    settings.VETTED_REQUIRE_2FA = True
    reviewer.preferred_language = "es"  # chosen before: the profile remembers it
    reviewer.save(update_fields=["preferred_language"])
    client.post("/accounts/login/", {"username": "reviewer", "password": PASSWORD})

    setup = client.get("/accounts/two-factor/setup/?next=/review/").text
    assert "<h1>Configure un código de inicio de sesión</h1>" in setup
    assert 'alt="Código QR con su clave secreta de inicio de sesión en Vetted"' in setup
    assert ">Código:</label>" in setup and ">Confirmar</button>" in setup

    device = TOTPDevice.objects.get(user=reviewer)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    wrong = f"{(code + 1) % 1_000_000:06d}"
    refused = client.post("/accounts/two-factor/", {"code": wrong, "next": "/review/"}).text
    assert "<h1>Introduzca su código de inicio de sesión</h1>" in refused
    assert "Ese código no es correcto o ya se ha usado. Inténtelo de nuevo." in refused
