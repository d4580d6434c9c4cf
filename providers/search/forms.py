"""The search form: it cleans what people type; bad input gives a message, never an error page."""

from django import forms

from providers.register.models import Location
from providers.results.dspt_status import ALL_STATUSES

CATEGORY_CHOICES = [("", "All types of care service"), *Location.Category.choices]

STATUS_CHOICES = [("", "Any result")] + [(s.code, s.label) for s in ALL_STATUSES]

MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Care service name, town or postcode",
        help_text="For example Sunny Side, Leeds or L8 1AA",
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
