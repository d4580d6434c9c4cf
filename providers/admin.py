"""Admin pages for the people who keep the data up to date.

Imports: "Import runs" -> "Upload a file" previews the import, lists every
rejected row, and imports only when the admin confirms.
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from providers import tasks
from providers.models import (
    DataSource,
    DsptAssessment,
    DsptOrganisation,
    ImportRun,
    Location,
    NameMatchCandidate,
    OdsCareHome,
    Postcode,
    ProblemReport,
    Provider,
)
from providers.services import matching, refresh, runs, tabular, uploads
from providers.services.problems import FileProblem
from providers.services.search_words import add_words_of

# DSPT primary sectors of adult social care (the DSPT data also holds GPs, pharmacies, trusts...).
SOCIAL_CARE_SECTORS = r"(care home|domiciliary|supported living|shared lives|social care|home ?care|care at home)"
LIST_LIMIT = 200
REMOVALS_PAGE_SIZE = 50


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "cqc_provider_id", "ods_code", "local_authority"]
    search_fields = ["name", "cqc_provider_id", "ods_code"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "cqc_location_id", "ods_code", "postcode", "local_authority", "category", "dspt_match", "deregistered_on"]
    list_filter = ["category", "dspt_match", "region", ("deregistered_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "cqc_location_id", "ods_code", "postcode"]
    raw_id_fields = ["provider", "dspt_organisation"]

    def save_model(self, request, obj, form, change):
        """Save, and add any new words of the service to the list search relies on."""
        super().save_model(request, obj, form, change)
        add_words_of(location_id=obj.pk)


class DsptAssessmentInline(admin.TabularInline):
    model = DsptAssessment
    extra = 0
    fields = ["status_text", "status", "year_start", "published_on", "first_seen_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(DsptOrganisation)
class DsptOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "ods_code", "primary_sector", "current_assessment"]
    list_filter = ["primary_sector"]
    search_fields = ["name", "ods_code"]
    raw_id_fields = ["current_assessment"]
    inlines = [DsptAssessmentInline]


@admin.register(DsptAssessment)
class DsptAssessmentAdmin(admin.ModelAdmin):
    list_display = ["organisation", "status_text", "year_start", "published_on"]
    list_filter = ["status", "year_start"]
    search_fields = ["organisation__name", "organisation__ods_code"]
    raw_id_fields = ["organisation", "first_import"]


class UploadForm(forms.Form):
    source = forms.ChoiceField(
        label="What is this file?",
        choices=[
            ("cqc", "CQC list of care services (HSCA Active Locations .ods/.xlsx/.csv, or the care directory CSV)"),
            ("dspt", "DSPT organisation search export (.csv as downloaded, or .xlsx/.ods)"),
            ("postcodes", "Postcode lookup table (ONS Postcode Directory or NSPL CSV: postcode, lat, long)"),
            ("ods", "NHS ODS care home sites or head offices (ecarehomesite or ecarehomehq CSV, no header row)"),
        ],
        widget=forms.RadioSelect,
    )
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
        """Opening a run shows its formatted report, not the raw record."""
        return redirect("admin:providers_importrun_report", run_id=object_id)

    def changelist_view(self, request, extra_context=None):
        runs.mark_dead_runs()
        uploads.expire_uploads()
        extra = {**(extra_context or {}), "waiting_previews": ImportRun.objects.filter(
            state=ImportRun.State.PREVIEW).exclude(stored_file="").order_by("-started_at")}
        return super().changelist_view(request, extra)

    def get_urls(self):
        custom = [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="providers_importrun_upload"),
            path("<int:run_id>/report/", self.admin_site.admin_view(self.report_view), name="providers_importrun_report"),
            path("<int:run_id>/apply/", self.admin_site.admin_view(self.apply_view), name="providers_importrun_apply"),
            path("<int:run_id>/discard/", self.admin_site.admin_view(self.discard_view),
                 name="providers_importrun_discard"),
            path("sources/", self.admin_site.admin_view(self.sources_view), name="providers_importrun_sources"),
            path("matching/", self.admin_site.admin_view(self.matching_view), name="providers_importrun_matching"),
            path("matching/candidates/<int:candidate_id>/", self.admin_site.admin_view(self.decide_view),
                 name="providers_importrun_decide"),
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
            run = uploads.queue_preview(source=form.cleaned_data["source"], path=stored, file_name=uploaded.name,
                                        user=request.user.get_username(), as_of=form.cleaned_data["as_of"])
            tasks.preview_upload.defer(run_id=run.pk)
            return redirect("admin:providers_importrun_report", run_id=run.pk)
        context = {**self.admin_site.each_context(request), "title": "Upload a file to import", "form": form,
                   "opts": self.model._meta, "max_bad_percent": f"{settings.IMPORT_MAX_BAD_ROWS_PERCENT:g}"}
        return TemplateResponse(request, "admin/providers/importrun/upload.html", context)

    def report_view(self, request, run_id):
        """What an import did or would do: progress while it runs; then counts, removals and every rejected row."""
        runs.mark_dead_runs()
        run = get_object_or_404(ImportRun, pk=run_id)
        applying = ImportRun.objects.filter(state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING],
                                            dry_run=False, stored_file=run.stored_file).first() if run.stored_file else None
        context = {**self.admin_site.each_context(request), "title": f"Import: {run.file_name}", "run": run,
                   "opts": self.model._meta, "applying": applying,
                   "can_apply": run.state == ImportRun.State.PREVIEW and run.stored_file and not applying,
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
        tasks.apply_upload.defer(run_id=run.pk, preview_id=preview.pk, allow_removals=allow_removals)
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

    def sources_view(self, request):
        """Where each kind of data is downloaded from, and how the last try went."""
        records = {record.key: record for record in DataSource.objects.select_related("last_run")}
        rows = [(source, refresh.source_url(source.key), records.get(source.key)) for source in refresh.SOURCES]
        context = {**self.admin_site.each_context(request), "title": "Data downloads", "rows": rows,
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/providers/importrun/sources.html", context)

    def matching_view(self, request):
        """How care services were matched to DSPT records, by method, with names; and close names to review."""
        locations = Location.objects.registered()
        total = locations.count()
        counts = dict(locations.values_list("dspt_match").annotate(n=Count("id")).values_list("dspt_match", "n"))
        by_method = [(label, counts.get(value, 0), f"{counts.get(value, 0) / total:.0%}" if total else "–")
                     for value, label in Location.DsptMatch.choices]
        unmatched_orgs = (
            DsptOrganisation.objects.filter(locations__isnull=True, primary_sector__iregex=SOCIAL_CARE_SECTORS)
            .exclude(ods_code__in=Provider.objects.exclude(ods_code="").values("ods_code"))
            .exclude(ods_code__in=OdsCareHome.objects.exclude(parent_code="").values("parent_code"))
            .select_related("current_assessment").order_by("name")
        )
        context = {
            **self.admin_site.each_context(request), "title": "Matching care services to DSPT records",
            "opts": self.model._meta, "total": total, "by_method": by_method, "limit": LIST_LIMIT,
            "candidates": NameMatchCandidate.objects.filter(decision=NameMatchCandidate.Decision.PENDING)
                          .select_related("provider", "organisation")
                          .annotate(unmatched=Count("provider__locations", filter=Q(
                              provider__locations__dspt_match="", provider__locations__deregistered_on__isnull=True)))
                          [:LIST_LIMIT],
            "decided": NameMatchCandidate.objects.exclude(decision=NameMatchCandidate.Decision.PENDING)
                       .select_related("provider", "organisation").order_by("-decided_at")[:20],
            "services_without": locations.filter(dspt_match="").select_related("provider").order_by("name")[:LIST_LIMIT],
            "unmatched_orgs": unmatched_orgs[:LIST_LIMIT],
            "unmatched_count": unmatched_orgs.count(),
        }
        return TemplateResponse(request, "admin/providers/importrun/matching.html", context)

    def decide_view(self, request, candidate_id):
        """Accept or reject one close name. Accepting gives the provider the DSPT organisation's code."""
        if request.method != "POST" or not request.user.has_perm("providers.change_provider"):
            messages.error(request, "You do not have permission to decide name matches.")
            return redirect("admin:providers_importrun_matching")
        candidate = get_object_or_404(NameMatchCandidate.objects.select_related("provider", "organisation"),
                                      pk=candidate_id, decision=NameMatchCandidate.Decision.PENDING)
        user = request.user.get_username()
        if request.POST.get("decision") == "accept":
            changed = matching.accept_candidate(candidate=candidate, user=user)
            messages.success(request, f"{candidate.provider.name} now uses the DSPT record of "
                                      f"{candidate.organisation.name} ({candidate.organisation.ods_code}). "
                                      f"{changed} care services changed.")
        elif request.POST.get("decision") == "reject":
            matching.reject_candidate(candidate=candidate, user=user)
            messages.success(request, f"Rejected: {candidate.provider.name} is not {candidate.organisation.name}. "
                                      "We will not suggest this pair again.")
        return redirect("admin:providers_importrun_matching")


@admin.register(NameMatchCandidate)
class NameMatchCandidateAdmin(admin.ModelAdmin):
    """Every suggestion and decision, for the record. Decide on the matching report page."""

    list_display = ["provider", "organisation", "similarity", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]
    search_fields = ["provider__name", "organisation__name", "organisation__ods_code"]
    readonly_fields = ["provider", "organisation", "similarity", "decision", "decided_by", "decided_at", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OdsCareHome)
class OdsCareHomeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent_code", "postcode", "closed_on", "left_parent_on"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "parent_code"]


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
    list_display = ["postcode", "latitude", "longitude"]
    search_fields = ["postcode"]


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    """What visitors told us is wrong. Read, act, then mark done."""

    list_display = ["created_at", "short_message", "location", "page", "email", "done"]
    list_filter = ["done"]
    search_fields = ["message", "email", "page"]
    readonly_fields = ["created_at", "message", "email", "page", "location", "done_at"]
    fields = ["created_at", "page", "location", "message", "email", "done", "done_at"]
    actions = ["mark_done"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Message")
    def short_message(self, report):
        return report.message[:80]

    @admin.action(description="Mark the chosen reports as done")
    def mark_done(self, request, queryset):
        queryset.filter(done=False).update(done=True, done_at=timezone.now())

    def save_model(self, request, obj, form, change):
        obj.done_at = timezone.now() if obj.done else None
        super().save_model(request, obj, form, change)
