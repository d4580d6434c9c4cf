"""A second factor for every staff account, through the real sign-in (issue 38; docs/adr/0025-admin-trust.md)."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from providers.imports.models import ImportRun
from providers.staff.models import RecoveryCodes
from tests.staff_support import PASSWORD, key_from_page, phone_for, sign_in_with_password, totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", PASSWORD)


def test_the_password_alone_opens_no_admin_page(client, boss):
    response = sign_in_with_password(client, "boss")
    assert response.status_code == 302
    for url in ("/admin/", reverse("admin:providers_location_changelist"), reverse("admin:providers_importrun_upload"),
                reverse("admin:auth_user_change", args=[boss.pk])):
        answer = client.get(url, follow=True)
        assert answer.redirect_chain[-1][0].startswith(reverse("admin:set_up_second_factor")), url
        assert "Set up your second factor" in answer.content.decode()
    # Nor can a password alone upload a file or import one.
    answer = client.post(reverse("admin:providers_importrun_upload"), {"kind": "dspt"})
    assert answer.status_code == 302 and ImportRun.objects.count() == 0


def test_the_first_sign_in_sets_up_an_authenticator_app_then_gives_recovery_codes(client, boss, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 0, 10, tzinfo=dt.UTC), tick=False)
    sign_in_with_password(client, "boss")
    page = client.get(reverse("admin:set_up_second_factor")).content.decode()
    assert "<svg" in page and 'aria-label="QR code to scan with your authenticator app"' in page
    key = key_from_page(page)  # the key in text, for people who cannot scan
    device = TOTPDevice.objects.get(user=boss)
    assert key == device.bin_key and not device.confirmed
    assert "otpauth://totp/DSPT%20Lookup%3Aboss?secret=" in device.config_url  # what the QR code holds
    wrong = client.post(reverse("admin:set_up_second_factor"), {"code": "000000" if totp(key) != "000000" else "111111"})
    assert "That code is not right" in wrong.content.decode()
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 0, 15, tzinfo=dt.UTC), tick=False)  # past the app's throttle
    answer = client.post(reverse("admin:set_up_second_factor"), {"code": totp(key), "next": "/admin/"})
    codes = answer.content.decode()
    assert answer.status_code == 200 and "Keep your recovery codes safe" in codes and codes.count("<code>") == 10
    assert client.get("/admin/").status_code == 200  # in


def test_a_later_sign_in_asks_for_the_code_and_refuses_a_wrong_one(client, boss, time_machine):
    phone = phone_for(boss)
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 0, 10, tzinfo=dt.UTC), tick=False)
    response = sign_in_with_password(client, "boss")
    response = client.get(response["Location"], follow=True)
    assert "Check it is you" in response.content.decode()
    wrong = client.post(reverse("admin:second_step"), {"code": "123456" if totp(phone.bin_key) != "123456" else "654321"})
    assert "That code is not right" in wrong.content.decode() and client.get("/admin/").status_code == 302
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 1, 10, tzinfo=dt.UTC), tick=False)  # past the app's throttle
    right = client.post(reverse("admin:second_step"), {"code": totp(phone.bin_key), "next": "/admin/"})
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_each_recovery_code_works_once(client, boss):
    phone_for(boss)
    codes = RecoveryCodes.replace_for(boss)
    sign_in_with_password(client, "boss")
    assert client.post(reverse("admin:second_step"), {"code": codes[0].lower()}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()
    sign_in_with_password(client, "boss")
    again = client.post(reverse("admin:second_step"), {"code": codes[0]})
    assert "That code is not right" in again.content.decode()
    assert RecoveryCodes.objects.get(user=boss).left == 9
    assert codes[1] not in str(list(RecoveryCodes.objects.get(user=boss).codes.values_list("code_hash", flat=True)))


def test_codes_count_against_the_sign_in_limits(client, boss, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    phone = phone_for(boss)
    sign_in_with_password(client, "boss")
    right = totp(phone.bin_key)
    for guess in ("000001", "000002", "000003"):
        client.post(reverse("admin:second_step"), {"code": guess if guess != right else "999999"})
    locked = client.post(reverse("admin:second_step"), {"code": right})
    assert "Too many failed attempts" in locked.content.decode()
    assert client.get("/admin/").status_code == 302


def test_an_idle_or_long_staff_session_ends(client, boss, time_machine, settings):
    phone = phone_for(boss)
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 0, 0, tzinfo=dt.UTC), tick=False)
    sign_in_with_password(client, "boss")
    client.post(reverse("admin:second_step"), {"code": totp(phone.bin_key)})
    assert client.get("/admin/").status_code == 200
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 29, 0, tzinfo=dt.UTC), tick=False)
    assert client.get("/admin/").status_code == 200  # 29 minutes idle: still in
    time_machine.move_to(dt.datetime(2026, 12, 7, 10, 0, 0, tzinfo=dt.UTC), tick=False)
    answer = client.get("/admin/", follow=True)
    assert "nothing happened for 30 minutes" in answer.content.decode() and "_auth_user_id" not in client.session
    # Busy all day: out after 12 hours however recent the last request.
    settings.STAFF_SESSION_IDLE_SECONDS = 10**6
    sign_in_with_password(client, "boss")
    client.post(reverse("admin:second_step"), {"code": totp(phone.bin_key, at=dt.datetime(2026, 12, 7, 10, 0, 0, tzinfo=dt.UTC).timestamp())})
    assert client.get("/admin/").status_code == 200
    time_machine.move_to(dt.datetime(2026, 12, 7, 22, 0, 1, tzinfo=dt.UTC), tick=False)
    assert "signed in for 12 hours" in client.get("/admin/", follow=True).content.decode()


def test_the_operator_resets_a_lost_factor_and_it_is_recorded(client, boss):
    phone = phone_for(boss)
    RecoveryCodes.replace_for(boss)
    sign_in_with_password(client, "boss")
    client.post(reverse("admin:second_step"), {"code": totp(phone.bin_key)})
    assert client.get("/admin/").status_code == 200
    call_command("reset_second_factor", "boss", "--by", "Sam (on call)")
    assert not TOTPDevice.objects.filter(user=boss).exists() and not RecoveryCodes.objects.filter(user=boss).exists()
    assert client.get("/admin/").status_code == 302  # signed out everywhere
    entry = LogEntry.objects.get(object_id=str(boss.pk))
    assert "Second factor reset by Sam (on call)" in entry.change_message
    sign_in_with_password(client, "boss")
    assert "Set up your second factor" in client.get("/admin/", follow=True).content.decode()


def test_a_passkey_cannot_be_added_or_used_without_the_password_and_a_second_factor(client, boss):
    begin_register = "/admin/passkeys/registration/begin/"
    begin_use = "/admin/passkeys/authentication/begin/"
    assert client.post(begin_register, content_type="application/json").status_code in (401, 403)
    assert client.post(begin_use, content_type="application/json").status_code in (401, 403)  # no passkey-only sign-in
    phone_for(boss)
    sign_in_with_password(client, "boss")
    # The password alone cannot add a passkey (a thief with the password would add their own).
    assert client.post(begin_register, content_type="application/json").status_code == 403
    assert client.post(begin_use, content_type="application/json").status_code == 200
