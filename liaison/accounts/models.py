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
    # ADR 0021: an agency whose people sign in through the department's identity provider
    # (OpenID Connect) may switch Liaison's own passwords off for them.
    local_passwords = models.BooleanField(
        "local passwords",
        default=True,
        help_text="Off: people holding a role in this agency sign in with single sign-on "
        "only; Liaison's password form refuses them.",
    )
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


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    """A bearer token for scripts. Only a SHA-256 digest is stored; revoked tokens stay
    as rows so the audit trail can still name them.

    A token expires (``expires_at``, 90 days by default: ``API_TOKEN_DAYS``), carries a
    scope (read only, or read and write) and may be limited to one agency: it then acts
    with its owner's roles in that agency only (ADR 0020). It is revoked when its owner's
    password changes or the owner is deactivated."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    scope = models.CharField(max_length=5, choices=TokenScope.choices, default=TokenScope.READ)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: every agency where the owner holds a role.",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["digest", "last_used_at"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=TokenScope.values), name="apitoken_scope_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        from django.utils import timezone

        return self.revoked_at is None and self.expires_at > timezone.now()


class AuthEventKind(models.TextChoices):
    """What happened to an account (docs/audit-events.md, "Authentication log")."""

    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    LOCKOUT = "lockout", "Locked out"
    UNLOCK = "unlock", "Unlocked"
    TOKEN_CREATED = "token_created", "API token created"
    TOKEN_REVOKED = "token_revoked", "API token revoked"
    ROLE_GRANTED = "role_granted", "Role granted"
    ROLE_REVOKED = "role_revoked", "Role revoked"
    DEACTIVATED = "deactivated", "Account deactivated"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    # MFA and sessions (ADR 0021).
    MFA_ENROLLED = "mfa_enrolled", "MFA enrolled"
    MFA_REMOVED = "mfa_removed", "MFA removed"
    MFA_VERIFIED = "mfa_verified", "MFA code accepted"
    MFA_FAILED = "mfa_failed", "MFA code refused"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    RECOVERY_CODES_NEW = "recovery_codes_new", "Recovery codes replaced"
    REAUTHENTICATED = "reauthenticated", "Identity confirmed again"
    SESSION_ENDED = "session_ended", "Session ended remotely"


class AuthEventQuerySet(models.QuerySet["AuthEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise ProtectedError("The authentication log is append-only.", set(self))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ProtectedError("The authentication log is append-only.", set(self))


class AuthEvent(models.Model):
    """One authentication event: who, what, when, from where, with what outcome.

    Append-only and written by ``accounts.services.auth_event_record`` alone (CJIS 5.4.1.1,
    ASVS 7.1–7.2). Like ``records.RestrictedRead`` it keeps no history of its own: it *is*
    a history, and its rows are never changed (``save`` refuses an existing row, the
    queryset refuses ``update`` and ``delete``). ``username`` is what was typed, so a
    failed sign-in for a name that matches no account is logged too (``user`` empty); it
    is shown only to administrators of every agency."""

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=AuthEventKind.choices)
    success = models.BooleanField(help_text="False: the attempt was refused.")
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="auth_events"
    )
    username = models.CharField(max_length=150, blank=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it, when not the account itself (an administrator); empty: "
        "the account itself or the system.",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    objects = AuthEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AuthEventKind.values), name="authevent_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "-at"], name="authevent_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ProtectedError("The authentication log is append-only.", {self})
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ProtectedError("The authentication log is append-only.", {self})


class RateLimitWindow(models.Model):
    """How many API requests one key (a token, an address) made in one fixed window.

    Counters, not records: no history (tests/test_history.py names the reason), and rows
    of past windows are deleted as new ones start (``services.rate_limit_hit``). In the
    database rather than a per-process cache so that every server worker counts
    together, on SQLite and PostgreSQL alike."""

    key = models.CharField(max_length=80)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_one_row"),
        ]
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%H:%M:%S}: {self.hits}"


class TotpDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238; ADR 0021). One per user.

    ``confirmed_at`` is empty while the user is still enrolling (the secret was shown but no
    code from it has been accepted yet); only a confirmed device asks for a code at sign-in.
    ``last_step`` is the 30-second time step of the last accepted code: a code is accepted
    once only (ASVS 2.8.4), even within its window. No history: the secret must not be
    copied into history rows; enrolment and removal are in the authentication log."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Authenticator of {self.user}"


class SecurityKey(models.Model):
    """A security key or passkey (WebAuthn; ADR 0021): the public key a user's
    authenticator made for this site, and its signature counter (a counter that goes
    backwards betrays a cloned key). No history: registration and removal are in the
    authentication log."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_keys")
    name = models.CharField(max_length=100)
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.name} of {self.user}"


class RecoveryCode(models.Model):
    """A single-use code for when the authenticator is lost (ASVS 2.6). Only a SHA-256
    digest is kept; a used code keeps its row (``used_at``) so it can never work again.
    No history: the log records their creation and use."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="recoverycode_unique"),
        ]

    def __str__(self) -> str:
        return f"Recovery code of {self.user}{' (used)' if self.used_at else ''}"


class UserSession(models.Model):
    """What a signed-in browser session is, for its owner's list of sessions (ADR 0021):
    which device, from where, since when, last active. The session itself stays in
    Django's session store; this row is metadata about it, deleted when the session is
    ended from the list (the log keeps the event). No history: a counter-like row."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField()
    last_activity = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_activity"]

    def __str__(self) -> str:
        return f"{self.user} since {self.started_at:%Y-%m-%d %H:%M}"
