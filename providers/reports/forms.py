"""'Something wrong on this page?': the form. It cleans what people type; bad input gives a message."""

from django import forms


class ProblemReportForm(forms.Form):
    """'Something wrong on this page?': a few words, an optional email, and a trap for bots."""

    message = forms.CharField(
        label="What is wrong?", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Do not include private information, like health details.",
        error_messages={"required": "Tell us what is wrong",
                        "max_length": "Use 2,000 characters or fewer"},
    )
    email = forms.EmailField(
        label="Your email address (optional)", required=False,
        help_text="Only if you would like a reply. We use it for nothing else.",
        error_messages={"invalid": "Enter an email address like name@example.com, or leave it empty"},
    )
    # People never see this field; bots that fill in every field do. See ADR 0006.
    nickname = forms.CharField(required=False, label="Leave this empty")
    location_id = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    page = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)

    def clean_message(self):
        text = "".join(ch for ch in self.cleaned_data["message"] if ch.isprintable() or ch in "\n\t")
        if not text.strip():
            raise forms.ValidationError("Tell us what is wrong")
        return text.strip()

    def clean_page(self):
        page = self.cleaned_data["page"]
        return page if page.startswith("/") and page.isprintable() else ""

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("nickname"))
