"""The staff pages in Chromium: signing in with a second factor, passkeys, the record and an undo (issue 38).

Screenshots for a person to look at: test-artefacts/staff/.
"""

import re

import pytest
from django.urls import reverse

from providers.imports.sources import import_dspt_file
from tests.browser_support import ARTEFACTS, look_at, page_without_scripts, skip_without_chromium
from tests.staff_support import PASSWORD, totp

skip_without_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = ARTEFACTS / "staff"


def sign_in_with_password(page, site, username):
    page.goto(site + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_first_sign_in_sets_up_the_app_with_javascript_off_and_every_page_passes_axe(
        site, browser, django_user_model, width, tmp_path):
    from tests.staff.test_record_and_undo import newer_dspt_file

    SHOTS.mkdir(parents=True, exist_ok=True)
    django_user_model.objects.create_superuser(f"sam{width}", "sam@example.org", PASSWORD)
    context, page = page_without_scripts(browser, width=width)
    problems = {}
    sign_in_with_password(page, site, f"sam{width}")
    assert page.inner_text("h1") == "Set up your second factor"
    problems["set up"] = look_at(page, width=width, screenshot=SHOTS / f"set-up-{width}px.png")
    assert page.locator("svg[role=img]").is_visible()  # the QR code
    key = page.inner_text("#otp-key").replace(" ", "")
    import base64

    page.fill("#id_code", totp(base64.b32decode(key + "=" * (-len(key) % 8))))
    page.click("input[type=submit]")
    assert page.inner_text("h1") == "Keep your recovery codes safe"
    assert page.locator("ol.app-recovery-codes li").count() == 10
    problems["recovery codes"] = look_at(page, width=width, screenshot=SHOTS / f"recovery-codes-{width}px.png")
    page.click("text=I have kept my codes: continue")
    assert "Site administration" in page.inner_text("#content")
    page.goto(site + reverse("admin:security"))
    problems["security"] = look_at(page, width=width, screenshot=SHOTS / f"security-{width}px.png")
    # An import, what it changed, and its undo page.
    import_dspt_file(path=newer_dspt_file(tmp_path, "27_11_2026", "25/26 Standards Not Met"))
    from providers.imports.models import ImportRun

    run = ImportRun.objects.filter(state="succeeded").latest("pk")
    page.goto(site + reverse("admin:providers_importrun_changes", args=[run.pk]))
    assert "Current assessment" in page.inner_text("#content")
    problems["what it changed"] = look_at(page, width=width, screenshot=SHOTS / f"import-changes-{width}px.png")
    page.goto(site + reverse("admin:providers_importrun_undo", args=[run.pk]))
    problems["undo"] = look_at(page, width=width, screenshot=SHOTS / f"undo-{width}px.png")
    page.click("input[value='Undo this import']")
    assert re.search(r"Undone: put back 1 DSPT organisation", page.inner_text("#content"))
    from providers.register.models import DsptOrganisation

    organisation = DsptOrganisation.objects.get(ods_code="VLLWV")
    page.goto(site + reverse("admin:providers_dsptorganisation_history", args=[organisation.pk]))
    assert "History of this record" in page.inner_text("h1") and "Undo run" in page.inner_text("#content")
    problems["history"] = look_at(page, width=width, screenshot=SHOTS / f"history-{width}px.png")
    context.close()
    assert {name: found for name, found in problems.items() if found} == {}


def test_a_passkey_is_added_then_used_for_the_second_step(site, browser, django_user_model, settings):
    """Chromium's virtual authenticator stands in for a phone's or a laptop's passkey."""
    from django_otp_webauthn.models import WebAuthnCredential

    from tests.staff_support import phone_for

    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [site]
    user = django_user_model.objects.create_superuser("kim", "kim@example.org", PASSWORD)
    phone = phone_for(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})
    sign_in_with_password(page, site, "kim")
    page.fill("#id_code", totp(phone.bin_key))
    page.click("input[type=submit]")
    page.goto(site + reverse("admin:security"))
    page.wait_for_load_state("networkidle")  # the passkey script has set up its button (a busy machine is slow)
    page.click("#passkey-register-button")
    page.wait_for_selector("tbody tr")  # the page reloads with it
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1
    page.click("#logout-form button, form#logout-form [type=submit]")
    sign_in_with_password(page, site, "kim")
    assert page.inner_text("h1") == "Check it is you"
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.on("response", lambda r: console.append(f"{r.status} {r.url}"))
    page.wait_for_load_state("networkidle")  # the same, for the second step's button
    page.click("#passkey-verification-button")
    try:
        page.wait_for_url(re.compile(r"/admin/$"), timeout=15000)
    except Exception as exc:
        exc.add_note(f"Passkey status: {page.inner_text('#passkey-verification-status-message')!r}; {console}")
        raise
    assert "Site administration" in page.inner_text("#content")
    context.close()
