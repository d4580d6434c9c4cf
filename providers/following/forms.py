"""The sign-up form: an email address, and a trap for bots."""

from django import forms


class FollowForm(forms.Form):
    email = forms.EmailField(
        label="Your email address", max_length=254,
        help_text="We use it only to send these emails. You can stop them at any time.",
        error_messages={"required": "Enter your email address",
                        "invalid": "Enter an email address like name@example.com"},
    )
    # People never see this field; bots that fill in every field do (as on the contact form, ADR 0006).
    nickname = forms.CharField(required=False, label="Leave this empty")

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("nickname"))
