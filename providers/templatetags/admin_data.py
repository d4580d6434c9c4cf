"""For the admin pages: a warning when a scheduled download failed or its file was rejected."""

from django import template

from providers.imports.models import DataSource

register = template.Library()


@register.inclusion_tag("admin/providers/refresh_warning.html")
def refresh_warnings():
    """Every data source whose last download failed or whose file was rejected. The good data is still in use."""
    problems = [source for source in DataSource.objects.order_by("key") if source.has_problem]
    return {"problems": problems}
