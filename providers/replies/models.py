"""A care service's own words beside its result: a short reply, or a request to correct it."""

from django.db import models

from providers.following.models import new_token
from providers.history.tracking import tracked


class ReplyQuerySet(models.QuerySet):
    def waiting(self):
        """Confirmed by email, not yet read by an admin: the queue."""
        return self.filter(state=Reply.State.WAITING)

    def shown(self):
        return self.filter(state=Reply.State.PUBLISHED)


# The record keeps every change to the words (an admin's edits included), never the address.
@tracked(exclude=("email", "token"))
class Reply(models.Model):
    """What a care service says about its result. Shown only after an admin publishes it, and only while the
    result it answered is the result we show (providers/replies/services.py)."""

    class Kind(models.TextChoices):
        REPLY = "reply", "A reply to show beside the result"
        CORRECTION = "correction", "A request to correct the result"

    class State(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Waiting for the email address to be confirmed"
        WAITING = "waiting", "Waiting for an admin"
        PUBLISHED = "published", "Published"
        DECLINED = "declined", "Declined"
        ARCHIVED = "archived", "Archived (the result changed)"
        DONE = "done", "Correction dealt with"

    location = models.ForeignKey("providers.Location", on_delete=models.CASCADE, related_name="replies")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REPLY)
    text = models.TextField(max_length=1000, help_text="Plain text. An admin may take out personal or offensive "
                                                       "words before publishing; the change is recorded.")
    sent_text = models.TextField(max_length=1000, editable=False, help_text="The words as sent.")
    name = models.CharField("who sent it", max_length=100, help_text="Their role, as they gave it.")
    email = models.EmailField(blank=True, help_text="Cleared when no longer needed (see the privacy notice).")
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.UNCONFIRMED)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decline_reason = models.TextField(blank=True, max_length=1000, help_text="Sent to the care service.")
    # The result the reply stands beside: published with the record and result shown that day.
    assessment = models.ForeignKey("providers.DsptAssessment", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    result_code = models.CharField(max_length=20, blank=True)
    published_on = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "replies and corrections"
        indexes = [models.Index(fields=["location", "state"], name="reply_location_state")]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.location_id}: {self.text[:50]}"
