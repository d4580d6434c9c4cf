"""The questions of the privacy summary maker. Nothing typed here is stored."""

from django import forms

from providers.privacy_summary import words


def _free_text(value: str) -> str:
    """What a care service typed, without control characters or runs of spaces."""
    return " ".join("".join(ch for ch in value if ch.isprintable()).split())


class PrivacySummaryForm(forms.Form):
    """The questions of the privacy summary maker. Nothing typed here is stored."""

    service_name = forms.CharField(label="Name of your care service", max_length=80,
                                   error_messages={"required": "Enter the name of your care service"})
    keeps = forms.MultipleChoiceField(label="What information do you keep?", required=False,
                                      choices=[(c.key, c.label) for c in words.KEEPS],
                                      widget=forms.CheckboxSelectMultiple)
    keeps_other = forms.CharField(label="Anything else you keep (optional)", max_length=60, required=False)
    reasons = forms.MultipleChoiceField(label="Why do you keep it?", required=False,
                                        choices=[(c.key, c.label) for c in words.REASONS],
                                        widget=forms.CheckboxSelectMultiple)
    reasons_other = forms.CharField(label="Any other reason (optional)", max_length=60, required=False)
    shares = forms.MultipleChoiceField(label="Who do you share it with?", required=False,
                                       choices=[(c.key, c.label) for c in words.SHARES],
                                       widget=forms.CheckboxSelectMultiple)
    shares_other = forms.CharField(label="Anyone else (optional)", max_length=60, required=False)
    safety = forms.MultipleChoiceField(label="How do you keep it safe?", required=False,
                                       choices=[(c.key, c.label) for c in words.SAFETY],
                                       widget=forms.CheckboxSelectMultiple)
    safety_other = forms.CharField(label="Anything else you do (optional)", max_length=60, required=False)
    keep_years = forms.IntegerField(label="How many years do you keep records after care ends?", min_value=1,
                                    max_value=50, initial=3,
                                    error_messages={"required": "Enter how many years you keep records",
                                                    "invalid": "Enter a number of years, like 3",
                                                    "min_value": "Enter a number of years from 1 to 50",
                                                    "max_value": "Enter a number of years from 1 to 50"})
    contact_name = forms.CharField(label="Who should people ask about their information?", max_length=60,
                                   help_text="For example: our manager, Sam Green",
                                   error_messages={"required": "Enter who people should ask"})
    contact_phone = forms.CharField(label="Phone number (optional)", max_length=30, required=False)
    contact_email = forms.EmailField(label="Email address (optional)", required=False, max_length=120,
                                     error_messages={"invalid": "Enter an email address like name@example.com"})

    def clean(self):
        data = super().clean()
        for name in ("service_name", "keeps_other", "reasons_other", "shares_other", "safety_other",
                     "contact_name", "contact_phone"):
            if data.get(name):
                data[name] = _free_text(data[name])
        if "keeps" in data and not data.get("keeps") and not data.get("keeps_other"):
            self.add_error("keeps", "Choose at least one kind of information you keep")
        return data
