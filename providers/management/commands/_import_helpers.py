"""Shared by the import commands: a progress bar and a clear report."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from providers.imports.models import ImportRun
from providers.imports.skeleton import import_file
from providers.imports.sources import SOURCES

REMOVALS_PRINTED = 50


class ProgressBar:
    """A tqdm bar fed with 'rows read so far'."""

    def __init__(self, enabled: bool, description: str):
        self.bar = tqdm(desc=description, unit=" rows", disable=not enabled, mininterval=0.5)
        self.last = 0

    def __call__(self, rows_read: int) -> None:
        self.bar.update(rows_read - self.last)
        self.last = rows_read

    def close(self) -> None:
        self.bar.close()


def report(command, run: ImportRun) -> None:
    """Print what the run did; raise CommandError (exit 1) if the file was rejected."""
    out = command.stdout
    style = command.style
    out.write(f"{run.layout or run.get_kind_display()}: {run.file_name}")
    out.write(f"  rows read: {run.rows_read}")
    if run.data_as_of:
        out.write(f"  data as of: {run.data_as_of:%d %B %Y}")
    if run.state in (ImportRun.State.SUCCEEDED, ImportRun.State.PREVIEW):
        verb = "would be" if run.dry_run else "were"
        out.write(f"  added: {run.added}, changed: {run.changed}, unchanged: {run.unchanged}, "
                  f"removed: {run.removed} ({verb} written)")
        if run.skipped:
            out.write(f"  skipped: {run.skipped}")
            for reason, count in run.skipped_reasons.items():
                out.write(f"    {count} × {reason}")
        for label, examples in (run.preview or {}).items():
            if examples and label != "data as of":
                out.write(f"  {label}: " + "; ".join(examples))
        if run.removals:
            verb = "would be" if run.dry_run else "were"
            out.write(f"  {len(run.removals)} no longer listed ({verb} marked as no longer registered):")
            for name in run.removals[:REMOVALS_PRINTED]:
                out.write(f"    {name}")
            if len(run.removals) > REMOVALS_PRINTED:
                out.write(f"    ... and {len(run.removals) - REMOVALS_PRINTED} more (every one is on the admin report)")
        if run.errors:
            out.write(style.WARNING(f"  rows set aside: {run.error_count}"))
            _write_rows_set_aside(command, run)
        out.write(style.SUCCESS(run.message or "Done."))
        return
    _write_rows_set_aside(command, run)
    raise CommandError(run.message or "The file was rejected. Nothing was imported.")


def _write_rows_set_aside(command, run: ImportRun) -> None:
    for line in run.errors:
        command.stdout.write(command.style.ERROR(f"  {line}"))
    if run.error_count > len(run.errors):
        command.stdout.write(command.style.ERROR(f"  ... and {run.error_count - len(run.errors)} more rows"))


class ImportCommand(BaseCommand):
    """What the import commands share: a PATH, --dry-run, a progress bar and the report.

    A subclass sets `kind` (an ImportRun.Kind: which entry of
    providers/imports/sources.py reads the file) and `help`, and may add
    options, passing them on through `importer_options()`.
    """

    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The file to import.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and say what would change; write nothing.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                            help="The date the data describes, for a file whose name carries no date "
                                 "(default: today). A date in the file name wins.")
        parser.add_argument("--max-bad-rows", type=float, metavar="PERCENT",
                            help="Reject the whole file if more than this percentage of its rows cannot be read "
                                 "(default: the IMPORT_MAX_BAD_ROWS_PERCENT setting, 1).")

    def importer_options(self, options) -> dict:
        return {}

    def handle(self, *args, path: Path, dry_run: bool, no_progress: bool, as_of, max_bad_rows, **options):
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        if max_bad_rows is not None and not 0 <= max_bad_rows <= 100:
            raise CommandError("--max-bad-rows is a percentage from 0 to 100.")
        bar = ProgressBar(enabled=not no_progress and options["verbosity"] > 0, description="Reading")
        try:
            run = import_file(SOURCES[self.kind], 
                path=path, dry_run=dry_run, started_by="command line", progress=bar, as_of=as_of,
                max_bad_share=None if max_bad_rows is None else max_bad_rows / 100, **self.importer_options(options))
        finally:
            bar.close()
        report(self, run)
