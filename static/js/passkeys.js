// A passkey just added shows in the list: reload the security page once the library says it is saved.
document.addEventListener("otp_webauthn.register_complete", function () {
  window.location.reload();
});
