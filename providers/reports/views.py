"""Report a problem: the contact page, and what happens after."""

from django.shortcuts import redirect, render

from dsptlookup import limits
from providers.reports import saving
from providers.register.models import Location
from providers.reports.forms import ProblemReportForm

# Five reports at once from one client, then one each 12 minutes (five an hour).
REPORTS = limits.Limit("reports", per_second=5 / 3600, burst=5)


def contact(request):
    """/contact/: tell the people who run this service about a problem, or that our data is wrong.

    Reports are stored for admins to read (nothing is emailed unless
    PROBLEM_REPORT_EMAIL is set). Limited to a few an hour from one address;
    a hidden field catches bots.
    """
    form = ProblemReportForm(request.POST or None, initial={"page": request.GET.get("page", "")[:300],
                                                            "location_id": request.GET.get("service", "")[:20]})
    about = Location.objects.filter(cqc_location_id=form["location_id"].value() or "").first()
    if request.method == "POST" and form.is_valid():
        if _too_many_reports(request):
            form.add_error(None, "You have sent a lot of reports. Please try again in an hour.")
        else:
            if not form.is_bot:
                saving.save_report(**{k: form.cleaned_data[k] for k in ("message", "email", "page", "location_id")})
            return redirect("contact_thanks")
    return render(request, "reports/contact.html", {"form": form, "about": about})


def contact_thanks(request):
    """What happens after someone reports a problem."""
    return render(request, "reports/contact_thanks.html")


def _too_many_reports(request) -> bool:
    """Counted per client (behind our proxies too), across every app server."""
    return limits.take(REPORTS, limits.client_address(request)) is None
