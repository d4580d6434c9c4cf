"""Problem reports in the admin: read, act, then mark done."""

from django.contrib import admin
from django.utils import timezone

from providers.history.admin import RecordedAdmin
from providers.reports.models import ProblemReport


@admin.register(ProblemReport)
class ProblemReportAdmin(RecordedAdmin):
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
