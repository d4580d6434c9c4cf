"""Forms for the public pages. They clean what people type; bad input gives a message, never an error page."""

from django import forms

from providers.dspt_status import ALL_STATUSES

CATEGORY_CHOICES = [
    ("", "All types of care service"),
    ("care_home", "Care homes"),
    ("home_care", "Home care"),
    ("other", "Other care services"),
]
STATUS_CHOICES = [("", "Any result")] + [(s.code, s.label) for s in ALL_STATUSES]
MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for a care service",
        help_text="Type a name, a town or a postcode",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"Search text must be {MAX_QUERY_LENGTH} characters or fewer"},
    )
    type = forms.ChoiceField(label="Type of care service", choices=CATEGORY_CHOICES, required=False)
    status = forms.ChoiceField(label="Data security check result", choices=STATUS_CHOICES, required=False)

    def clean_q(self):
        # Collapse spaces and drop control characters people paste by accident.
        text = "".join(ch for ch in self.cleaned_data["q"] if ch.isprintable() or ch == " ")
        return " ".join(text.split())


class AreaFilterForm(forms.Form):
    type = forms.ChoiceField(label="Type of care service", choices=CATEGORY_CHOICES, required=False)
    status = forms.ChoiceField(label="DSPT result", choices=STATUS_CHOICES, required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False,
        choices=[("name", "Name"), ("status", "DSPT result"), ("type", "Type of service")],
    )
