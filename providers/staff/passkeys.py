"""Passkeys (WebAuthn) for the second step, through django-otp-webauthn's views, with our rules on top:

- only a staff member who has given their password may use one (no passkey-only sign-in: it is the second
  factor, not the first), and failures count against the sign-in limits;
- only a staff member whose session is already verified may add one, so a stolen password cannot add the
  thief's passkey.
The browser's part is the library's script (templates/staff/, `render_otp_webauthn_*_scripts`); without
JavaScript the authenticator app and recovery codes work on their own.
"""

from django.http import JsonResponse
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions, views

from dsptlookup import login_limits


class NotAllowed(exceptions.OTPWebAuthnApiError):
    status_code = 403
    code = "not_allowed"
    default_detail = "Sign in with your password first."


class AddPasskeyBegin(views.BeginCredentialRegistrationView):
    def check_can_register(self):
        user = self.get_user()
        if not (user.is_staff and user.is_verified()):
            raise NotAllowed("Sign in with your second factor before adding a passkey.")


class AddPasskeyComplete(views.CompleteCredentialRegistrationView):
    def check_can_register(self):
        AddPasskeyBegin.check_can_register(self)


class UsePasskeyBegin(views.BeginCredentialAuthenticationView):
    def check_can_authenticate(self):
        user = self.get_user()
        if user is None or not (user.is_active and user.is_staff):
            raise NotAllowed()
        if login_limits.is_locked_out(self.request, user.get_username()):
            raise NotAllowed("Too many failed attempts. Wait, then try again.")


class UsePasskeyComplete(views.CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        UsePasskeyBegin.check_can_authenticate(self)

    def post(self, *args, **kwargs):
        username = self.request.user.get_username()
        try:
            response = super().post(*args, **kwargs)
        except exceptions.OTPWebAuthnApiError:
            login_limits.record_failure(self.request, username)
            raise
        if isinstance(response, JsonResponse) and response.status_code == 200:
            login_limits.clear_failures(self.request, username)
        return response


def relying_party_id(request) -> str:
    """The host the admin is on (Django checked it against ALLOWED_HOSTS): passkeys belong to that name."""
    return request.get_host().rsplit(":", 1)[0]


def urls():
    """/admin/passkeys/..., with the names the library's script is given (namespace otp_webauthn). In the root
    URLconf, before the admin's own: a namespace inside the admin's would not be `otp_webauthn`."""
    patterns = [
        path("registration/begin/", AddPasskeyBegin.as_view(), name="credential-registration-begin"),
        path("registration/complete/", AddPasskeyComplete.as_view(), name="credential-registration-complete"),
        path("authentication/begin/", UsePasskeyBegin.as_view(), name="credential-authentication-begin"),
        path("authentication/complete/", UsePasskeyComplete.as_view(), name="credential-authentication-complete"),
        path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
    ]
    return [path("admin/passkeys/", include((patterns, "otp_webauthn")))]
