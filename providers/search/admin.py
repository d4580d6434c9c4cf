"""The admin page of the postcode table."""

from django.contrib import admin

from providers.search.models import Postcode


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
    list_display = ["postcode", "latitude", "longitude"]
    search_fields = ["postcode"]
