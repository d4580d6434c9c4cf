"""'Is this page useful?' and 'What were you trying to do?'."""

from django import forms

from providers.performance import counting


class UsefulForm(forms.Form):
    useful = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")])
    page = forms.CharField(max_length=60)
    back = forms.CharField(max_length=300, required=False)

    def clean_page(self):
        page = self.cleaned_data["page"]
        if page not in counting.page_types():
            raise forms.ValidationError("Not one of our pages.")
        return page


class MoreFeedbackForm(forms.Form):
    words = forms.CharField(
        label="What were you trying to do?", max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Do not write personal details, like your name, address, phone number or health.",
        error_messages={"max_length": "Use 500 characters or fewer"})
    page = forms.CharField(max_length=60, required=False, widget=forms.HiddenInput)
    useful = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")], required=False, widget=forms.HiddenInput)
    back = forms.CharField(max_length=300, required=False, widget=forms.HiddenInput)

    def clean_page(self):
        page = self.cleaned_data["page"]
        return page if page in counting.page_types() else ""
