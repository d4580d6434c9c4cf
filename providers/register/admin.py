"""The admin pages of care services, providers and DSPT records, and the matching report.

The matching report (NameMatchCandidateAdmin) says how care services were
matched to DSPT records, and lists close names for an admin to accept or reject.
"""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from providers.history.admin import RecordedAdmin
from providers import freshness
from providers.register import matching
from providers.register.models import (
    DsptAssessment,
    DsptOrganisation,
    Location,
    NameMatchCandidate,
    OdsCareHome,
    Provider,
)
from providers.search.word_list import add_words_of

# DSPT primary sectors of adult social care (the DSPT data also holds GPs, pharmacies, trusts...).
SOCIAL_CARE_SECTORS = r"(care home|domiciliary|supported living|shared lives|social care|home ?care|care at home)"
LIST_LIMIT = 200


class ChangesResults(RecordedAdmin):
    """An admin's edit here can change what a care service's result shows: pages and badges worked
    out before it are not used after it (providers/freshness.py, data_changed)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        freshness.data_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        freshness.data_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        freshness.data_changed()


@admin.register(Provider)
class ProviderAdmin(ChangesResults):
    list_display = ["name", "cqc_provider_id", "ods_code", "local_authority"]
    search_fields = ["name", "cqc_provider_id", "ods_code"]


@admin.register(Location)
class LocationAdmin(ChangesResults):
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
class DsptOrganisationAdmin(ChangesResults):
    list_display = ["name", "ods_code", "primary_sector", "current_assessment"]
    list_filter = ["primary_sector"]
    search_fields = ["name", "ods_code"]
    raw_id_fields = ["current_assessment"]
    inlines = [DsptAssessmentInline]


@admin.register(DsptAssessment)
class DsptAssessmentAdmin(RecordedAdmin):
    list_display = ["organisation", "status_text", "year_start", "published_on"]
    list_filter = ["status", "year_start"]
    search_fields = ["organisation__name", "organisation__ods_code"]
    raw_id_fields = ["organisation", "first_import"]


@admin.register(OdsCareHome)
class OdsCareHomeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent_code", "postcode", "closed_on", "left_parent_on"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "parent_code"]


@admin.register(NameMatchCandidate)
class NameMatchCandidateAdmin(RecordedAdmin):
    """Every suggestion and decision, for the record. Decide on the matching report page."""

    list_display = ["provider", "organisation", "similarity", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]
    search_fields = ["provider__name", "organisation__name", "organisation__ods_code"]
    readonly_fields = ["provider", "organisation", "similarity", "decision", "decided_by", "decided_at", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        custom = [
            path("report/", self.admin_site.admin_view(self.matching_view), name="providers_namematchcandidate_report"),
            path("report/<int:candidate_id>/", self.admin_site.admin_view(self.decide_view),
                 name="providers_namematchcandidate_decide"),
        ]
        return custom + super().get_urls()

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
        return TemplateResponse(request, "admin/providers/namematchcandidate/report.html", context)

    def decide_view(self, request, candidate_id):
        """Accept or reject one close name. Accepting gives the provider the DSPT organisation's code."""
        if request.method != "POST" or not request.user.has_perm("providers.change_provider"):
            messages.error(request, "You do not have permission to decide name matches.")
            return redirect("admin:providers_namematchcandidate_report")
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
        return redirect("admin:providers_namematchcandidate_report")
