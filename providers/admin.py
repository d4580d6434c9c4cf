"""Admin pages for the people who keep the data up to date."""

from django.contrib import admin

from providers.models import DsptAssessment, DsptOrganisation, ImportRun, Location, Postcode, Provider


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


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "kind", "file_name", "state", "dry_run", "added", "changed", "removed", "skipped", "error_count", "started_by"]
    list_filter = ["kind", "state", "dry_run"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
    list_display = ["postcode", "latitude", "longitude"]
    search_fields = ["postcode"]
