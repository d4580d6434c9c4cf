"""Forms for the public pages. They clean what people type; bad input gives a message, never an error page."""

from django import forms
from django.utils import timezone

from providers import privacy_summary
from providers.dspt_status import ALL_STATUSES, year_label, year_needed_on
from providers.models import Location

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


def _free_text(value: str) -> str:
    """What a care service typed, without control characters or runs of spaces."""
    return " ".join("".join(ch for ch in value if ch.isprintable()).split())


class PrivacySummaryForm(forms.Form):
    """The questions of the privacy summary maker. Nothing typed here is stored."""

    service_name = forms.CharField(label="Name of your care service", max_length=80,
                                   error_messages={"required": "Enter the name of your care service"})
    keeps = forms.MultipleChoiceField(label="What information do you keep?", required=False,
                                      choices=[(c.key, c.label) for c in privacy_summary.KEEPS],
                                      widget=forms.CheckboxSelectMultiple)
    keeps_other = forms.CharField(label="Anything else you keep (optional)", max_length=60, required=False)
    reasons = forms.MultipleChoiceField(label="Why do you keep it?", required=False,
                                        choices=[(c.key, c.label) for c in privacy_summary.REASONS],
                                        widget=forms.CheckboxSelectMultiple)
    reasons_other = forms.CharField(label="Any other reason (optional)", max_length=60, required=False)
    shares = forms.MultipleChoiceField(label="Who do you share it with?", required=False,
                                       choices=[(c.key, c.label) for c in privacy_summary.SHARES],
                                       widget=forms.CheckboxSelectMultiple)
    shares_other = forms.CharField(label="Anyone else (optional)", max_length=60, required=False)
    safety = forms.MultipleChoiceField(label="How do you keep it safe?", required=False,
                                       choices=[(c.key, c.label) for c in privacy_summary.SAFETY],
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
