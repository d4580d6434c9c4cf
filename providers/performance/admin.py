"""Searches that found nothing (grouped by how often, personal details already taken out) and feedback."""

from django.contrib import admin
from django.db.models import Sum
from django.template.response import TemplateResponse

from providers.performance.models import Feedback, UnfoundSearch


@admin.register(UnfoundSearch)
class UnfoundSearchAdmin(admin.ModelAdmin):
    """Read only: the words people searched for that found nothing, most often first (last 30 days)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        grouped = (UnfoundSearch.objects.values("words").annotate(times=Sum("count")).order_by("-times", "words"))
        context = {**self.admin_site.each_context(request), "title": "Searches that found nothing",
                   "opts": self.model._meta, "grouped": grouped[:500]}
        return TemplateResponse(request, "admin/providers/unfoundsearch/grouped.html", context)


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["day", "page_type", "useful", "words"]
    list_filter = ["useful", "page_type"]
    readonly_fields = ["day", "page_type", "useful", "words"]

    def has_add_permission(self, request):
        return False
