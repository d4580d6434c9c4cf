"""Every model of the app, gathered where Django looks for them. Each is defined in its domain's folder:

- providers/register/models.py: care services (Location), their providers, DSPT
  organisations and their published results, the NHS ODS care home lists,
  and close names waiting for an admin;
- providers/imports/models.py: the record of every import, and the files we
  download on a schedule;
- providers/search/models.py: the word list search corrects typos against, and postcodes;
- providers/reports/models.py: problems visitors report;
- providers/following/models.py: email addresses that follow results or asked for reminders, and the emails.
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
from providers.reports.models import ProblemReport
from providers.search.models import Postcode, SearchWord

__all__ = ["DataSource", "DsptAssessment", "DsptOrganisation", "FileChunk", "Follow", "ImportRun", "Location", "Message",
           "NameMatchCandidate", "OdsCareHome", "Postcode", "ProblemReport", "Provider", "SearchWord", "StoredFile",
           "Subscriber", "readable_name"]
