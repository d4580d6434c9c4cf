"""The record of changes in the admin: "History of this record" on the change page of each tracked model."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from providers.history import record


class RecordedAdmin(admin.ModelAdmin):
    """Django's History page (which sees only the admin's own form edits) replaced by the whole record:
    every change to this record, by an admin, an import, the worker or a migration, from what to what."""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "title": f"History of this record: {obj}",
                   "subtitle": None, "object": obj, "opts": self.model._meta,
                   "changes": record.history_of(self.model, obj.pk), **(extra_context or {})}
        return TemplateResponse(request, "admin/providers/history/record.html", context)
