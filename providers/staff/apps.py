from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin, whose pages need a second factor as well as the password (providers/staff/admin_site.py)."""

    default_site = "providers.staff.admin_site.StaffAdminSite"
