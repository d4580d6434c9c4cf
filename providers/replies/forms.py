"""A care service's reply: the form. Plain text only; bad input gives a message, never an error page."""

from django import forms

from providers.replies.models import Reply
from providers.replies.services import TEXT_LIMIT


class ReplyForm(forms.Form):
    kind = forms.ChoiceField(
        label="What would you like to do?", choices=Reply.Kind.choices, initial=Reply.Kind.REPLY,
        widget=forms.RadioSelect, error_messages={"required": "Choose what you would like to do",
                                                  "invalid_choice": "Choose what you would like to do"})
    text = forms.CharField(
        label="Your words", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"Up to {TEXT_LIMIT:,} characters, plain text. For example: \"We published our 2025-26 check "
                  "on 2 December and are waiting for it to show here.\" Do not name people.",
        error_messages={"required": "Write your reply", "max_length": f"Use {TEXT_LIMIT:,} characters or fewer"})
    name = forms.CharField(
        label="Your role at the care service", max_length=100, help_text="For example: Registered manager.",
        error_messages={"required": "Tell us your role", "max_length": "Use 100 characters or fewer"})
    email = forms.EmailField(
        label="Your work email address", max_length=254,
        help_text="We send a link to check it is yours. We do not publish it.",
        error_messages={"required": "Enter your email address",
                        "invalid": "Enter an email address like name@example.com"})
    # People never see this field; bots that fill in every field do (ADR 0006).
    nickname = forms.CharField(required=False, label="Leave this empty")

    def clean_text(self):
        text = "".join(ch for ch in self.cleaned_data["text"] if ch.isprintable() or ch == "\n")
        if not text.strip():
            raise forms.ValidationError("Write your reply")
        return text.strip()

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("nickname"))
