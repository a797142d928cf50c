"""Reference data (the category vocabulary and topics) is maintained here by
administrators. Activities themselves are edited through the pages and API so that every
write passes the services' rules.

Both admins keep history (a rename of a topic or category changes what every activity
carrying it says, so the rename names the administrator who made it). Neither may be
deleted here while activities use them (the foreign keys protect categories; topics are
not deletable here at all, so an activity's topic history always resolves)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from liaison.activities.models import Category, Topic


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug", "active")
    list_filter = ("active",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    list_display = ("name",)
    search_fields = ("name",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
