"""/privacy-summary/: a care service's short privacy summary, in plain English and Easy Read."""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static

from providers.privacy_summary import words
from providers.privacy_summary.forms import PrivacySummaryForm


def privacy_summary_maker(request):
    """/privacy-summary/: a care service answers a few questions and gets a short privacy summary,
    in plain English and Easy Read. Made from the form alone: nothing typed is stored."""
    form = PrivacySummaryForm(request.POST or None)
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        return _privacy_summary_page(request, form.cleaned_data, example=False)
    if "edit" in request.POST:
        form = PrivacySummaryForm(request.POST)
        form._errors = {}  # coming back to change answers: show them, not errors
    return render(request, "privacy_summary/maker.html", {"form": form})


def privacy_summary_example(request):
    """/privacy-summary/example/: the published example for a made-up care home."""
    return _privacy_summary_page(request, words.EXAMPLE, example=True)


def _privacy_summary_page(request, data: dict, *, example: bool):
    context = {
        "data": data, "example": example,
        "plain": words.plain_summary(data),
        "easy_read": words.easy_read_summary(data),
        "picture_base": request.build_absolute_uri(static("images/easy-read/")),
        # The answers again, as hidden fields, so "Change your answers" needs nothing stored.
        "answers": [(name, value) for name, values in data.items()
                    for value in (values if isinstance(values, list) else [values]) if value not in ("", None)],
    }
    context["paste_html"] = render_to_string("privacy_summary/_paste.html", context)
    return render(request, "privacy_summary/result.html", context)
