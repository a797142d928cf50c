"""Reference data (the category vocabulary and topics) is maintained here by
administrators. Activities themselves are edited through the pages and API so that every
write passes the services' rules."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from liaison.activities.models import Category, Topic


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug", "active")
    list_filter = ("active",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    search_fields = ("name",)
