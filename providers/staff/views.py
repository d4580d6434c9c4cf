"""The second step of signing in, setting up a second factor, recovery codes and the security page.

All of them work without JavaScript (the authenticator app and recovery codes); passkeys need the browser's
WebAuthn, added by the library's script where the browser has it.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from providers.staff import second_factor
from providers.staff.models import RecoveryCodes


class CodeForm(forms.Form):
    code = forms.CharField(label="Code", max_length=40, strip=True,
                           error_messages={"required": "Enter the code from your authenticator app"},
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false",
                                                         "autocapitalize": "off", "class": "vTextField"}))


def _password_given_only(view):
    """For the second step's pages: a staff member who gave the password and has not yet been verified."""
    @wraps(view)
    def wrapped(request):
        if request.user.is_authenticated and request.user.is_verified():
            return redirect(_next(request))
        if not second_factor.password_given(request):
            return redirect(f"{reverse('admin:login')}?next={_next(request)}")
        return view(request)

    return never_cache(wrapped)


def _next(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = wanted.startswith("/admin/") and url_has_allowed_host_and_scheme(wanted, allowed_hosts=None)
    return wanted if safe else reverse("admin:index")


def _page(request, template: str, title: str, **context) -> TemplateResponse:
    return TemplateResponse(request, template, {**admin.site.each_context(request), "title": title,
                                                "next": _next(request), **context})


@_password_given_only
def second_step(request):
    """A code from the authenticator app or a recovery code, or a passkey (with JavaScript)."""
    if not second_factor.has_second_factor(request.user):
        return redirect(f"{reverse('admin:set_up_second_factor')}?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = second_factor.check_code(request, request.user, form.cleaned_data["code"])
        if outcome == "ok":
            return redirect(_next(request))
        form.add_error("code", "Too many failed attempts. Wait 15 minutes, then try again." if outcome == "locked"
                       else "That code is not right. Check the app and try again, or use a recovery code.")
    return _page(request, "staff/second_step.html", "Check it is you", form=form,
                 passkeys=second_factor.passkeys_of(request.user).exists())


@_password_given_only
def set_up(request):
    """First sign-in (or after a reset): set up the authenticator app, then keep the recovery codes."""
    if second_factor.has_second_factor(request.user):
        return redirect(f"{reverse('admin:second_step')}?next={_next(request)}")
    device = second_factor.authenticator_to_set_up(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.confirm_authenticator(request, device, form.cleaned_data["code"]):
            return _show_new_recovery_codes(request, first=True)
        form.add_error("code", "That code is not right. Check the time on your phone is correct, then try the "
                               "newest code.")
    return _page(request, "staff/set_up.html", "Set up your second factor", form=form,
                 qr_code=second_factor.qr_code(device), key=second_factor.key_text(device))


@never_cache
def recovery_codes(request):
    """Make a new set of recovery codes (the old set stops working), shown once."""
    if request.method == "POST":
        return _show_new_recovery_codes(request, first=False)
    device = RecoveryCodes.objects.filter(user=request.user).first()
    return _page(request, "staff/recovery_codes.html", "Recovery codes", codes=None,
                 left=device.left if device else 0)


def _show_new_recovery_codes(request, *, first: bool) -> TemplateResponse:
    codes = RecoveryCodes.replace_for(request.user)
    return _page(request, "staff/recovery_codes.html", "Keep your recovery codes safe", codes=codes, first=first)


@never_cache
def security(request):
    """What second factors this staff member has, and adding a passkey (with JavaScript) or removing one."""
    device = RecoveryCodes.objects.filter(user=request.user).first()
    return _page(request, "staff/security.html", "Your sign-in security",
                 passkeys=second_factor.passkeys_of(request.user), codes_left=device.left if device else 0)


@require_POST
def remove_passkey(request, passkey_id: int):
    passkey = get_object_or_404(second_factor.passkeys_of(request.user), pk=passkey_id)
    passkey.delete()
    messages.success(request, "The passkey was removed.")
    return redirect("admin:security")
