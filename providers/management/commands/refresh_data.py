"""Download the published data files and import each one that changed."""

from django.core.management.base import BaseCommand, CommandError

from providers import tasks
from providers.imports import refresh
from providers.imports.models import ImportRun
from providers.imports.sources import DOWNLOADS

HELP = """Download each configured data file and import it if it changed, with the same checks and
report as an upload. A file that fails to download or is rejected changes nothing.

Environment variables it reads (a source with no address is left alone):
  DSPT_EXPORT_URL          the DSPT organisation search export (.csv)
  CQC_LOCATIONS_URL        the CQC HSCA Active Locations file (.ods/.xlsx), or
  CQC_LOCATIONS_PAGE_URL   the CQC page that links to it (the newest file is taken)
  ODS_CARE_HOME_SITES_URL  the NHS ODS care home sites list (ecarehomesite, .csv or .zip)
  ODS_CARE_HOME_HQ_URL     the NHS ODS care home head offices list (ecarehomehq, .csv or .zip)
  POSTCODES_URL            a postcode lookup file (.csv or .zip)
  REFRESH_TIMEOUT_SECONDS  how long one download may take (default 120)
  REFRESH_MAX_BYTES        the largest file accepted (default 200 MB)
The worker also runs this on a schedule: REFRESH_DSPT_CRON (daily), REFRESH_CQC_CRON (weekly),
REFRESH_ODS_CRON (monthly), in cron syntax."""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        return super().create_parser(prog_name, subcommand, formatter_class=RawDescriptionHelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", metavar="SOURCE",
                            help="Only these downloads: " + ", ".join(DOWNLOADS) + ". Default: all that are set.")
        parser.add_argument("--queue", action="store_true",
                            help="Hand the work to the background worker and return at once.")

    def handle(self, *args, sources: list[str], queue: bool, **options):
        unknown = [key for key in sources if key not in DOWNLOADS]
        if unknown:
            raise CommandError(f"Unknown source {', '.join(unknown)}. Choose from: {', '.join(DOWNLOADS)}.")
        keys = sources or [download.key for download in refresh.configured_downloads()]
        if not keys:
            raise CommandError("No data source is set. Set DSPT_EXPORT_URL or another address (see --help).")
        if queue:
            job_id = tasks.refresh_data.defer(keys=keys, started_by="refresh_data --queue")
            self.stdout.write(self.style.SUCCESS(f"Queued as job {job_id}. The worker will download: {', '.join(keys)}."))
            return
        problems = 0
        for record in refresh.refresh_sources(keys=keys, started_by="refresh_data command"):
            problems += record.has_problem
            self._report(record)
        if problems:
            raise CommandError(f"{problems} of {len(keys)} sources could not be refreshed. Nothing changed for them.")

    def _report(self, record) -> None:
        style = self.style.ERROR if record.has_problem else self.style.SUCCESS
        self.stdout.write(style(f"{record.key}: {record.get_outcome_display()}"))
        self.stdout.write(f"  {record.message}")
        run = record.last_run
        if run and record.outcome in (record.Outcome.IMPORTED, record.Outcome.REJECTED):
            self.stdout.write(f"  file: {run.file_name}; rows read: {run.rows_read}; added {run.added}, "
                              f"changed {run.changed}, removed {run.removed}; rows set aside: {run.error_count}")
            for line in run.errors[:20]:
                self.stdout.write(f"  {line}")
            if run.state == ImportRun.State.SUCCEEDED and run.data_as_of:
                self.stdout.write(f"  data as of {run.data_as_of:%d %B %Y}")
