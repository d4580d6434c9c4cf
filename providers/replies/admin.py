"""The queue: care services' replies and correction requests, and visitors' problem reports, in one list.

An admin reads each reply and publishes it (after taking out personal or offensive words: the change is on
the record), or declines it with a reason the care service gets by email. A correction request shows the
DSPT record we hold, a link to the official one, and a button that refreshes that one organisation from the
DSPT download now.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from providers.history.admin import RecordedAdmin
from providers.imports import refresh
from providers.replies import services
from providers.replies.models import Reply
from providers.reports.models import ProblemReport
from providers.results import track_record


@admin.register(Reply)
class ReplyAdmin(RecordedAdmin):
    list_display = ["created_at", "kind", "state", "location", "short_text"]
    list_filter = ["state", "kind"]
    search_fields = ["text", "location__name", "location__cqc_location_id"]
    fields = ["kind", "state", "location", "name", "created_at", "confirmed_at", "sent_text", "text",
              "decline_reason", "decided_by", "decided_at", "published_on", "archived_at"]
    readonly_fields = ["kind", "state", "location", "name", "created_at", "confirmed_at", "sent_text", "decided_by",
                       "decided_at", "published_on", "archived_at"]
    change_form_template = "admin/providers/reply/change_form.html"
    change_list_template = "admin/providers/reply/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("location")

    def has_add_permission(self, request):
        return False

    @admin.display(description="Words")
    def short_text(self, reply):
        return reply.text[:80]

    def changelist_view(self, request, extra_context=None):
        """The replies, and above them the queue's other half: problem reports not yet done."""
        extra = {"open_reports": ProblemReport.objects.filter(done=False).select_related("location")[:50],
                 "waiting": Reply.objects.waiting().count(), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        reply = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if reply is not None and reply.kind == Reply.Kind.CORRECTION:
            extra.update(_correction_context(reply))
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def response_change(self, request, reply):
        """The buttons: publish, decline (with the reason given), refresh the DSPT record, done."""
        by = request.user.get_username()
        if "_publish" in request.POST and reply.state == Reply.State.WAITING and reply.kind == Reply.Kind.REPLY:
            services.publish(reply, by=by)
            self.message_user(request, "Published. The care service has been told by email.")
        elif "_decline" in request.POST and reply.state == Reply.State.WAITING:
            if not reply.decline_reason.strip():
                self.message_user(request, "Give a reason to decline: the care service gets it by email.",
                                  messages.ERROR)
                return HttpResponseRedirect(request.path)
            services.decline(reply, reason=reply.decline_reason, by=by)
            self.message_user(request, "Declined. The care service has been sent the reason.")
        elif "_refresh" in request.POST and _organisation(reply):
            self.message_user(request, refresh.refresh_one_organisation(
                _organisation(reply).ods_code, started_by=f"{by}, correction request {reply.pk}"))
            return HttpResponseRedirect(request.path)
        elif "_done" in request.POST and reply.state == Reply.State.WAITING:
            services.mark_done(reply, by=by)
            self.message_user(request, "Marked as dealt with.")
        else:
            return super().response_change(request, reply)
        return HttpResponseRedirect(request.path)


def _organisation(reply: Reply):
    from providers.register.models import Location

    return Location.objects.with_dspt_status().get(pk=reply.location_id).dspt_organisation


def _correction_context(reply: Reply) -> dict:
    """What the admin checks a correction against: the record we hold, and the official one."""
    from django.utils import timezone

    organisation = _organisation(reply)
    if organisation is None:
        return {"no_record": True}
    return {"organisation": organisation,
            "records": track_record.track_record(organisation, today=timezone.localdate()),
            "official_url": settings.DSPT_ORGANISATION_URL.format(code=quote(organisation.ods_code)),
            "can_refresh": bool(refresh.download_url(refresh.DOWNLOADS["dspt"][0]))}
