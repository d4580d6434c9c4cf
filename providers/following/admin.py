"""Emails in the admin: what is waiting, what was sent, and what failed or was interrupted, with a button to send
again. Addresses that follow things are counted, not listed: an admin has no need to browse them."""

from django.contrib import admin, messages

from providers.following import sending
from providers.following.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "state", "attempts", "next_attempt_at", "sent_at", "short_error"]
    list_filter = ["state"]
    search_fields = ["subject", "to"]
    readonly_fields = ["key", "to", "subject", "text", "state", "created_at", "next_attempt_at", "attempts",
                       "claimed_at", "sent_at", "last_error"]
    exclude = ["html", "subscriber"]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Last error")
    def short_error(self, message):
        return message.last_error[:80]

    @admin.action(description="Send the chosen emails again (failed or interrupted ones)")
    def send_again(self, request, queryset):
        count = sending.send_again(queryset)
        self.message_user(request, f"{count} email(s) will be sent again within a minute.", messages.SUCCESS)
