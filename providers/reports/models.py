"""Problem reports: what visitors tell us is wrong."""

from django.db import models

from providers.history.tracking import tracked


# The record keeps who dealt with a report and when, never what the visitor wrote or their address.
@tracked(exclude=("message", "email"))
class ProblemReport(models.Model):
    """Something a visitor says is wrong, from "Something wrong on this page?" or the contact page.

    We ask for no personal data beyond an optional email address for a reply.
    Admins read these in the admin and mark them done.
    """

    location = models.ForeignKey("providers.Location", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="problem_reports")
    page = models.CharField(max_length=300, blank=True, help_text="The page the report was sent from.")
    message = models.TextField(max_length=2000)
    email = models.EmailField(blank=True, help_text="Only if the person wants a reply.")
    created_at = models.DateTimeField(auto_now_add=True)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done", "-created_at"]

    def __str__(self):
        return f"{self.created_at:%d %b %Y}: {self.message[:60]}"
