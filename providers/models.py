"""Every model of the app, gathered where Django looks for them. Each is defined in its domain's folder:

- providers/register/models.py: care services (Location), their providers, DSPT
  organisations and their published results, the NHS ODS care home lists,
  and close names waiting for an admin;
- providers/imports/models.py: the record of every import, and the files we
  download on a schedule;
- providers/search/models.py: the word list search corrects typos against, and postcodes;
- providers/reports/models.py: problems visitors report;
- providers/performance/models.py: counts a day without tracking, searches that found nothing (scrubbed),
  feedback, and the weekly figures of /performance/;
- providers/replies/models.py: care services' replies beside their results, and requests to correct them;
- providers/following/models.py: email addresses that follow results or asked for reminders, and the emails;
- providers/staff/models.py: staff members' recovery codes (their other second factors are django-otp's);
- the record of changes: an event model for each model marked @tracked (providers/history/tracking.py),
  made by django-pghistory (LocationEvent, ProviderEvent, ...).
"""

from providers.following.models import Follow, Message, Subscriber
from providers.imports.models import DataSource, FileChunk, ImportRun, StoredFile
from providers.register.models import (
    DsptAssessment,
    DsptOrganisation,
    Location,
    NameMatchCandidate,
    OdsCareHome,
    Provider,
    readable_name,
)
from providers.performance.models import Feedback, Tally, UnfoundSearch, WeeklyFigures
from providers.replies.models import Reply
from providers.reports.models import ProblemReport
from providers.search.models import Postcode, SearchWord
from providers.staff.models import RecoveryCode, RecoveryCodes

__all__ = ["DataSource", "DsptAssessment", "DsptOrganisation", "FileChunk", "Follow", "ImportRun", "Location", "Message",
           "NameMatchCandidate", "OdsCareHome", "Postcode", "ProblemReport", "Provider", "Reply", "Feedback", "Tally", "UnfoundSearch", "WeeklyFigures", "SearchWord", "StoredFile",
           "Subscriber", "RecoveryCode", "RecoveryCodes", "readable_name"]
