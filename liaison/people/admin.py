from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from liaison.people.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "country", "org_type")
    list_filter = ("org_type",)
    search_fields = ("name",)
