"""The admin, gathered where Django looks for it. Each domain registers its own pages:

- providers/imports/admin.py: import runs, uploads with their preview, data downloads;
- providers/register/admin.py: care services, providers, DSPT records, the matching report;
- providers/search/admin.py: postcodes;
- providers/reports/admin.py: problem reports;
- providers/performance/admin.py: searches that found nothing (scrubbed, grouped) and feedback;
- providers/replies/admin.py: the queue: care services' replies and corrections, with the open problem reports;
- providers/following/admin.py: emails waiting, sent, failed or interrupted (addresses are not shown in lists);
- providers/staff/admin.py: takes away the second-factor libraries' own pages (a factor is its owner's).
The admin site itself (a second factor for every page) is providers/staff/admin_site.py.
"""

from providers.following import admin as following_admin  # noqa: F401
from providers.imports import admin as imports_admin  # noqa: F401 (registers its pages)
from providers.register import admin as register_admin  # noqa: F401
from providers.performance import admin as performance_admin  # noqa: F401
from providers.replies import admin as replies_admin  # noqa: F401
from providers.reports import admin as reports_admin  # noqa: F401
from providers.search import admin as search_admin  # noqa: F401
from providers.staff import admin as staff_admin  # noqa: F401
