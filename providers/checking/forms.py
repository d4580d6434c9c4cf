"""The list check's form: a file, and (after a first look) which column holds what."""

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator

from providers.checking.columns import ROLES

# A role's choice: "" to guess it, "-" for none of the columns, or a column's position.
_role_choice = RegexValidator(r"^(|-|[0-9]{1,3})$", "Choose one of the columns")


class ListForm(forms.Form):
    file = forms.FileField(
        label="Your list", help_text="A CSV or Excel (.xlsx) file, with up to 5,000 rows.",
        error_messages={"required": "Choose your list's file", "empty": "The file is empty. Choose your list's file",
                        "invalid": "Choose your list's file"},
    )

    def __init__(self, *args, headings: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        columns = [("", "Let DSPT Lookup decide"), ("-", "None of my columns")]
        columns += [(str(position), heading.strip() or f"Column {position + 1} (no name)")
                    for position, heading in enumerate(headings or [])]
        for role, label in ROLES.items():
            self.fields[role] = forms.CharField(label=label, required=False, max_length=4,
                                                validators=[_role_choice],
                                                widget=forms.Select(choices=columns) if headings else forms.HiddenInput)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.LIST_CHECK_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {settings.LIST_CHECK_MAX_BYTES // (1024 * 1024)} MB. Split the list, or "
                "save it as CSV, and try again")
        return upload

    def chosen_roles(self) -> dict[str, str]:
        """{role: "" (guess), "-" (none) or a column position as text}, as sent."""
        return {role: self.cleaned_data.get(role, "") for role in ROLES}
