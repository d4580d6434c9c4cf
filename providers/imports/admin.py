"""The admin's import pages: upload a file, see its preview, import it or throw it away; the data downloads.

"Import runs" -> "Upload a file" previews the import, lists every rejected
row, and imports only when the admin confirms. The worker does the reading
(providers/tasks.py); these pages queue it and show the report.
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from dsptlookup import observability
from providers import tasks
from providers.history import record
from providers.imports import refresh, runs, tabular, undo, uploads
from providers.imports.models import DataSource, ImportRun
from providers.imports.problems import FileProblem
from providers.imports.sources import DOWNLOADS, SOURCES

REMOVALS_PAGE_SIZE = 50


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="What is this file?", widget=forms.RadioSelect,
                             choices=[(source.kind, source.label) for source in SOURCES.values()])
    file = forms.FileField(label="File", help_text="A .csv, .xlsx or .ods file.")
    as_of = forms.DateField(
        label="Date of the data", initial=timezone.localdate, required=False,
        help_text="Used only when the file name carries no date (published files have one, like "
                  "'DSPT search results 17_10_2023 08_55_43.csv'). Write it as YYYY-MM-DD.",
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        suffix = Path(uploaded.name).suffix.lower()
        if suffix not in uploads.ALLOWED_SUFFIXES:
            raise forms.ValidationError("Upload a .csv, .xlsx or .ods file.")
        if uploaded.size > settings.IMPORT_UPLOAD_MAX_BYTES:
            limit = settings.IMPORT_UPLOAD_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"The file is larger than {limit} MB.")
        if uploaded.size == 0:
            raise forms.ValidationError("The file is empty.")
        try:  # refused now, not after a wait for the worker, if no import could read it
            tabular.sniff_start(_first_bytes(uploaded))
        except FileProblem as exc:
            raise forms.ValidationError(str(exc)) from None
        return uploaded


def _first_bytes(uploaded) -> bytes:
    uploaded.seek(0)
    start = uploaded.read(tabular.SNIFF_BYTES)
    uploaded.seek(0)
    return start


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "state", "kind", "file_name", "counts", "started_by"]
    list_display_links = ["started_at", "file_name"]
    list_filter = ["state", "kind"]
    search_fields = ["file_name", "started_by"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    change_list_template = "admin/providers/importrun/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the runs are the audit trail of every change to the data

    @admin.display(description="Rows")
    def counts(self, run):
        """One short column instead of seven, so the state and who stay in view at 1280 px."""
        if run.in_progress:
            return f"{run.rows_read:,} read so far"
        if run.state in (ImportRun.State.FAILED, ImportRun.State.DISCARDED):
            return f"{run.rows_read:,} read; {run.error_count:,} set aside"
        return (f"{run.rows_read:,} read: {run.added:,} added, {run.changed:,} changed, {run.removed:,} removed, "
                f"{run.error_count:,} set aside")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Opening a run shows its formatted report, not the raw record (no such run: the admin's own 'not found')."""
        if not str(object_id).isdigit():
            raise Http404("No such import run")
        return redirect("admin:providers_importrun_report", run_id=object_id)

    def changelist_view(self, request, extra_context=None):
        runs.mark_dead_runs()
        uploads.expire_uploads()
        extra = {**(extra_context or {}), "waiting_previews": ImportRun.objects.filter(
            state=ImportRun.State.PREVIEW, upload__isnull=False).order_by("-started_at")}
        return super().changelist_view(request, extra)

    def get_urls(self):
        custom = [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="providers_importrun_upload"),
            path("<int:run_id>/report/", self.admin_site.admin_view(self.report_view), name="providers_importrun_report"),
            path("<int:run_id>/apply/", self.admin_site.admin_view(self.apply_view), name="providers_importrun_apply"),
            path("<int:run_id>/discard/", self.admin_site.admin_view(self.discard_view),
                 name="providers_importrun_discard"),
            path("sources/", self.admin_site.admin_view(self.sources_view), name="providers_importrun_sources"),
            path("<int:run_id>/changes/", self.admin_site.admin_view(self.changes_view),
                 name="providers_importrun_changes"),
            path("<int:run_id>/undo/", self.admin_site.admin_view(self.undo_view), name="providers_importrun_undo"),
        ]
        return custom + super().get_urls()

    def upload_view(self, request):
        """Upload a file: checked for size and kind here, then previewed by the worker before anything is written."""
        if not request.user.has_perm("providers.add_location"):
            messages.error(request, "You do not have permission to import data.")
            return redirect("admin:index")
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            uploaded = form.cleaned_data["file"]
            stored = uploads.save_upload(uploaded_file=uploaded)
            run = uploads.queue_preview(kind=form.cleaned_data["kind"], upload=stored,
                                        user=request.user.get_username(), as_of=form.cleaned_data["as_of"])
            tasks.preview_upload.defer(run_id=run.pk, request_id=observability.current_request_id())
            return redirect("admin:providers_importrun_report", run_id=run.pk)
        context = {**self.admin_site.each_context(request), "title": "Upload a file to import", "form": form,
                   "opts": self.model._meta, "max_bad_percent": f"{settings.IMPORT_MAX_BAD_ROWS_PERCENT:g}"}
        return TemplateResponse(request, "admin/providers/importrun/upload.html", context)

    def report_view(self, request, run_id):
        """What an import did or would do: progress while it runs; then counts, removals and every rejected row."""
        runs.mark_dead_runs()
        run = get_object_or_404(ImportRun, pk=run_id)
        applying = ImportRun.objects.filter(state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING],
                                            dry_run=False, upload=run.upload_id).first() if run.upload_id else None
        context = {**self.admin_site.each_context(request), "title": f"Import: {run.file_name}", "run": run,
                   "opts": self.model._meta, "applying": applying,
                   "can_apply": run.state == ImportRun.State.PREVIEW and run.upload_id and not applying,
                   "removals": Paginator(run.removals, REMOVALS_PAGE_SIZE).get_page(request.GET.get("removals")),
                   "max_bad_percent": f"{settings.IMPORT_MAX_BAD_ROWS_PERCENT:g}"}
        return TemplateResponse(request, "admin/providers/importrun/report.html", context)

    def apply_view(self, request, run_id):
        """Queue the import of the previewed file for real."""
        if request.method != "POST":
            return redirect("admin:providers_importrun_report", run_id=run_id)
        if not request.user.has_perm("providers.add_location"):
            messages.error(request, "You do not have permission to import data.")
            return redirect("admin:index")
        preview = get_object_or_404(ImportRun, pk=run_id)
        allow_removals = request.POST.get("allow_removals") == "yes"
        if preview.preview.get("warning") and not allow_removals:
            # Back to the same form with the reason, instead of a rejected run that speaks of command-line flags.
            messages.error(request, f"Tick the box to confirm that these {preview.removed} care services have "
                                    "really left CQC's list, then press Import again. Nothing was imported.")
            return redirect("admin:providers_importrun_report", run_id=run_id)
        try:
            run = uploads.queue_apply(preview=preview, user=request.user.get_username())
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect("admin:providers_importrun_report", run_id=run_id)
        tasks.apply_upload.defer(run_id=run.pk, preview_id=preview.pk, allow_removals=allow_removals,
                                 request_id=observability.current_request_id())
        return redirect("admin:providers_importrun_report", run_id=run.pk)

    def discard_view(self, request, run_id):
        """Throw away a preview that will not be imported."""
        preview = get_object_or_404(ImportRun, pk=run_id)
        if request.method == "POST" and request.user.has_perm("providers.add_location"):
            try:
                uploads.discard_preview(preview=preview)
                messages.success(request, f"Discarded the preview of {preview.file_name}. Nothing was imported.")
            except ValueError as exc:
                messages.error(request, str(exc))
        return redirect("admin:providers_importrun_report", run_id=run_id)

    def changes_view(self, request, run_id):
        """What this import changed: every record it added, changed or removed, from the record of changes."""
        run = get_object_or_404(ImportRun, pk=run_id)
        changes = record.changes_in(run.history_context, page_number=request.GET.get("page")) \
            if run.history_context else None
        context = {**self.admin_site.each_context(request), "title": f"What this import changed: {run.file_name}",
                   "run": run, "changes": changes, "opts": self.model._meta}
        return TemplateResponse(request, "admin/providers/importrun/changes.html", context)

    def undo_view(self, request, run_id):
        """Undo an import: first what it would put back (or why it cannot), then, on confirming, do it."""
        run = get_object_or_404(ImportRun, pk=run_id)
        plan = undo.plan_for(run)
        if request.method == "POST" and request.user.has_perm("providers.add_location"):
            try:
                done = undo.undo(run, by=f"{request.user.get_username()} (admin)")
            except undo.CannotUndo as exc:
                messages.error(request, f"Nothing was changed: {exc}")
                return redirect("admin:providers_importrun_undo", run_id=run_id)
            messages.success(request, done.message)
            return redirect("admin:providers_importrun_report", run_id=done.pk)
        context = {**self.admin_site.each_context(request), "title": f"Undo this import: {run.file_name}",
                   "run": run, "plan": plan, "opts": self.model._meta}
        return TemplateResponse(request, "admin/providers/importrun/undo.html", context)

    def sources_view(self, request):
        """Where each kind of data is downloaded from, and how the last try went."""
        records = {record.key: record for record in DataSource.objects.select_related("last_run")}
        rows = [(download, refresh.download_url(download), records.get(download.key))
                for download, _ in DOWNLOADS.values()]
        context = {**self.admin_site.each_context(request), "title": "Data downloads", "rows": rows,
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/providers/importrun/sources.html", context)
