"""The record of every import, and of every file we download on a schedule.

- ImportRun records every import: which file, when, by whom, what changed and
  every rejected row ("Row N: reason"). Runs are the audit trail: never
  edited or deleted in the admin.
- DataSource is one published file the worker downloads on a schedule
  (providers/imports/sources.py names them), and how the last try went.
- StoredFile is an uploaded file waiting between its preview and its import,
  kept in the database (a megabyte a FileChunk) so that every app server and
  the worker can reach it.
"""

from django.db import models
from django.utils import timezone


class ImportRun(models.Model):
    """One import of one file, with what it did (or would do, for a dry run)."""

    class Kind(models.TextChoices):
        """The kinds of file we import: the keys of providers/imports/sources.py."""

        CQC = "cqc", "CQC list of care services"
        DSPT = "dspt", "DSPT organisation search export"
        ODS = "ods", "NHS ODS care home list"
        POSTCODES = "postcodes", "Postcode lookup"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        PREVIEW = "preview", "Preview ready (nothing written)"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Rejected (nothing written)"
        APPLIED = "applied", "Preview imported"
        DISCARDED = "discarded", "Preview discarded (nothing written)"
        UNDONE = "undone", "Imported, then undone"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    layout = models.CharField(max_length=100, blank=True,
                              help_text="Which layout of its kind the file turned out to be, e.g. 'CQC care directory'.")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField("file checksum (SHA-256)", max_length=64, blank=True)
    file_size = models.BigIntegerField(default=0)
    data_as_of = models.DateField(
        null=True, blank=True, help_text="The date the data was produced, when the file says."
    )
    started_by = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RUNNING)
    dry_run = models.BooleanField(default=False)

    rows_read = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    skipped_reasons = models.JSONField(default=dict, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="The first rejected rows, as 'Row N: reason'."
    )
    message = models.TextField(blank=True)
    preview = models.JSONField(default=dict, blank=True, help_text="Examples of what the import adds, changes and removes.")
    removals = models.JSONField(
        default=list, blank=True, help_text="Every care service the import marks (or would mark) as no longer registered."
    )
    # What the import is doing now, for the live report ("Reading the file").
    stage = models.CharField(max_length=100, blank=True)
    # The scheduled or command-line download this run came from, if any (a DataSource key).
    download = models.CharField(max_length=20, blank=True)
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds each step of the import took.")
    upload = models.ForeignKey("StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="runs",
                               help_text="The uploaded file, while it waits between preview and import.")
    # The database connection the import runs on: while it lives, the run is
    # alive (providers/imports/runs.py).
    backend_pid = models.IntegerField(null=True, blank=True, editable=False)
    backend_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Every change this run made is in the record of changes under this context (providers/history/).
    history_context = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    # An undo is a run too: the run it put back (providers/imports/undo.py).
    undoes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="undone_by")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.file_name} ({self.get_state_display()})"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class DataSource(models.Model):
    """One file we download on a schedule, and how the last try went.

    The ETag and Last-Modified of the last file we imported are sent back on
    the next download, so an unchanged file is not fetched or imported twice.
    """

    class Outcome(models.TextChoices):
        IMPORTED = "imported", "Imported"
        UNCHANGED = "unchanged", "Unchanged since the last import"
        FAILED = "failed", "Download failed (nothing changed)"
        REJECTED = "rejected", "File rejected (nothing changed)"

    key = models.CharField(max_length=20, unique=True)
    url = models.CharField(max_length=1000, blank=True)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    message = models.TextField(blank=True)
    last_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return f"{self.key}: {self.get_outcome_display() or 'not checked yet'}"

    @property
    def has_problem(self) -> bool:
        return self.outcome in (self.Outcome.FAILED, self.Outcome.REJECTED)


class StoredFile(models.Model):
    """An uploaded file waiting between its preview and its import (providers/imports/uploads.py).

    In the database, a megabyte a row, so every app server and the worker can
    read it and memory stays flat. Deleted once imported or discarded, or
    IMPORT_UPLOAD_KEEP_HOURS after it was uploaded (by the app's clock, not a
    file's modification time).
    """

    name = models.CharField(max_length=255, help_text="The name it was uploaded with.")
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField("checksum (SHA-256)", max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.name} ({self.size:,} bytes)"


class FileChunk(models.Model):
    """One part of a StoredFile, in order."""

    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="file_chunk_unique_number")]
