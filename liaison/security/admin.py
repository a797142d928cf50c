from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from liaison.security.models import AdvisoryLevel, CountryRisk, HumanRightsConcern


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    """The register is edited through its import and pages (services check the role and
    keep one history row per change); the admin only shows it."""

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


admin.site.register(CountryRisk, ReadOnlyHistoryAdmin)
admin.site.register(AdvisoryLevel, ReadOnlyHistoryAdmin)
admin.site.register(HumanRightsConcern, ReadOnlyHistoryAdmin)
