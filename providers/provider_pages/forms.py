"""The filters of a provider's list of care services."""

from django import forms

from providers.search.forms import CATEGORY_CHOICES, STATUS_CHOICES

SORTS = [("name", "Name"), ("area", "Council area")]


class ProviderFilterForm(forms.Form):
    type = forms.ChoiceField(label="Type of care service", choices=CATEGORY_CHOICES, required=False)
    status = forms.ChoiceField(label="DSPT result", required=False,
                               choices=[*STATUS_CHOICES[:1], ("current", "Any current check"), *STATUS_CHOICES[1:]])
    sort = forms.ChoiceField(label="Sort by", choices=SORTS, required=False)
