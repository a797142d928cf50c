"""Users, agencies, per-agency role grants and API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import ProtectedError, Q
from simple_history.models import HistoricalRecords


class Agency(models.Model):
    """A law-enforcement agency whose records this deployment holds.

    Every domain record belongs to exactly one agency; users see another agency's
    non-public records only through a grant that spans agencies.
    """

    name = models.CharField(max_length=200, unique=True)
    # ORI: the FBI's nine-character Originating Agency Identifier, e.g. CA0194200.
    ori_code = models.CharField("ORI code", max_length=9, unique=True)
    state = models.CharField(max_length=2, help_text="Two-letter postal code, e.g. CA.")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ori_code__regex=r"^[A-Z]{2}[A-Z0-9]{7}$"), name="agency_ori_format"
            ),
            models.CheckConstraint(
                condition=Q(state__regex=r"^[A-Z]{2}$"), name="agency_state_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    EMPLOYEE = "employee", "Employee"
    APPROVER = "approver", "Approver"
    # Higher command: the second approval step when an agency's rules call for it (ADR 0014).
    COMMAND = "command", "Higher command"
    COORDINATOR = "coordinator", "Coordinator"
    SECURITY = "security", "Security officer"
    REVIEWER = "reviewer", "Policy reviewer"
    OVERSEER = "overseer", "Overseer"
    ADMIN = "admin", "Administrator"


# Roles whose grant may leave ``agency`` empty, meaning "every agency in this deployment".
AGENCY_SPANNING_ROLES = (Role.OVERSEER, Role.ADMIN)


USERS_ARE_NOT_DELETED = (
    "Users are deactivated, never deleted: the history names them as the people who acted."
)


class UserQuerySet(models.QuerySet["User"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise ProtectedError(USERS_ARE_NOT_DELETED, set(self))


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person who signs in. Roles come from RoleGrant rows, not from Django groups.

    Users are deactivated, never deleted: history rows point at them as the actor, and
    django-simple-history would turn those into "system" (its foreign key is SET_NULL).
    So deleting a user raises ``ProtectedError`` (here and on the queryset), the admin
    offers no delete, and ``accounts.services.user_deactivate`` is the way out (ADR 0004).
    """

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ProtectedError(USERS_ARE_NOT_DELETED, {self})

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_grants",
        help_text="Empty means every agency; only overseers and administrators may span agencies.",
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "agency"], name="rolegrant_unique_per_agency"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(agency__isnull=True),
                name="rolegrant_unique_spanning",
            ),
            models.CheckConstraint(
                condition=Q(agency__isnull=False)
                | Q(role__in=[r.value for r in AGENCY_SPANNING_ROLES]),
                name="rolegrant_only_overseer_admin_span",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.agency or 'all agencies'}"


class ApiToken(models.Model):
    """A bearer token for scripts. Only a SHA-256 digest is stored; revoked tokens stay
    as rows so the audit trail can still name them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["digest", "last_used_at"])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
