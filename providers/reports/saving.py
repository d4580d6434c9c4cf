"""Store a problem report from a visitor, and tell an admin if an address is set."""

import logging

from django.conf import settings
from django.core.mail import send_mail

from providers.register.models import Location
from providers.reports.models import ProblemReport

logger = logging.getLogger(__name__)


def save_report(*, message: str, email: str = "", page: str = "", location_id: str = "") -> ProblemReport:
    """Save what a visitor told us. Emails PROBLEM_REPORT_EMAIL if set; a failed email never loses the report."""
    location = Location.objects.filter(cqc_location_id=location_id).first() if location_id else None
    report = ProblemReport.objects.create(message=message, email=email, page=page, location=location)
    if settings.PROBLEM_REPORT_EMAIL:
        try:
            send_mail(subject=f"DSPT Lookup: a problem report ({report.pk})",
                      message=f"Page: {page or '-'}\n\n{message}\n\nRead and close it in the admin.",
                      from_email=None, recipient_list=[settings.PROBLEM_REPORT_EMAIL])
        except Exception:  # the report is saved; the email is only a nudge
            logger.exception("Could not email problem report %s", report.pk)
    return report
