"""The filters of an area's list of care services."""

from django import forms
from django.utils import timezone

from providers.results.dspt_status import year_label, year_needed_on
from providers.search.forms import CATEGORY_CHOICES, STATUS_CHOICES


def _dspt_year_choices() -> list[tuple[str, str]]:
    newest = year_needed_on(timezone.localdate()) + 1
    return [("", "Any year")] + [(str(year), year_label(year)) for year in range(newest, newest - 8, -1)]


class AreaFilterForm(forms.Form):
    type = forms.ChoiceField(label="Type of care service", choices=CATEGORY_CHOICES, required=False)
    status = forms.ChoiceField(label="DSPT result", required=False,
                               choices=[*STATUS_CHOICES[:1], ("current", "Any current check"), *STATUS_CHOICES[1:]])
    year = forms.TypedChoiceField(label="Published a result for", choices=_dspt_year_choices, coerce=int,
                                  empty_value=None, required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False,
        choices=[("name", "Name"), ("status", "DSPT result"), ("type", "Type of service")],
    )
