"""The Django admin cannot undo the audit trail (issue 5, part 6).

A token's owner, digest, prefix and revocation cannot be changed (a changed owner let the
token act as another agency's coordinator); users cannot be deleted (their past
approvals would turn into "system"); every change made there names the administrator.
"""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from conftest import client_for
from liaison.accounts.models import ApiToken, User
from liaison.accounts.services import api_token_authenticate, api_token_create, user_deactivate
from liaison.accounts.tests.factories import UserFactory
from liaison.core.errors import Forbidden


@pytest.fixture
def root(db: None) -> User:
    return UserFactory.create(username="root", is_staff=True, is_superuser=True)


class TestApiTokens:
    def test_the_change_form_cannot_change_the_owner_or_clear_a_revocation(
        self, root: User, clerk: User, outsider: User
    ) -> None:
        token, raw = api_token_create(actor=clerk, user=clerk, name="script")
        url = reverse("admin:accounts_apitoken_change", args=[token.pk])
        response = client_for(root).post(
            url,
            {
                "user": outsider.pk,
                "name": "script",
                "prefix": "lsn_xxxxxxxx",
                "digest": "0" * 64,
                "revoked_at_0": "",
                "revoked_at_1": "",
            },
        )
        assert response.status_code == 403
        stored = ApiToken.objects.get(pk=token.pk)
        assert (stored.user_id, stored.prefix, stored.digest) == (
            token.user_id,
            token.prefix,
            token.digest,
        )
        assert getattr(api_token_authenticate(raw), "user", None) == clerk

    def test_the_change_page_is_read_only(self, root: User, clerk: User) -> None:
        token, _ = api_token_create(actor=clerk, user=clerk, name="script")
        page = client_for(root).get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
        assert page.status_code == 200
        assert b'name="user"' not in page.content
        assert b'name="revoked_at' not in page.content

    def test_tokens_cannot_be_added_or_deleted_here(self, root: User, clerk: User) -> None:
        token, _ = api_token_create(actor=clerk, user=clerk, name="script")
        client = client_for(root)
        assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
        response = client.post(
            reverse("admin:accounts_apitoken_delete", args=[token.pk]), {"post": "yes"}
        )
        assert response.status_code == 403
        assert ApiToken.objects.filter(pk=token.pk).exists()

    def test_the_revoke_action_revokes_and_names_the_administrator(
        self, root: User, clerk: User
    ) -> None:
        token, raw = api_token_create(actor=clerk, user=clerk, name="script")
        response = client_for(root).post(
            reverse("admin:accounts_apitoken_changelist"),
            {"action": "revoke", "_selected_action": [token.pk]},
        )
        assert response.status_code == 302
        assert api_token_authenticate(raw) is None
        latest = ApiToken.history.filter(id=token.pk).latest()
        assert (latest.history_type, latest.history_user) == ("~", root)
        assert latest.revoked_at is not None

    def test_staff_without_the_permission_cannot_revoke(self, clerk: User) -> None:
        token, raw = api_token_create(actor=clerk, user=clerk, name="script")
        staff = UserFactory.create(username="helpdesk", is_staff=True)
        response = client_for(staff).post(
            reverse("admin:accounts_apitoken_changelist"),
            {"action": "revoke", "_selected_action": [token.pk]},
        )
        assert response.status_code == 403
        assert getattr(api_token_authenticate(raw), "user", None) == clerk


class TestUsers:
    def test_the_admin_offers_no_delete(self, root: User, clerk: User) -> None:
        client = client_for(root)
        response = client.post(
            reverse("admin:accounts_user_delete", args=[clerk.pk]), {"post": "yes"}
        )
        assert response.status_code == 403
        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "delete_selected", "_selected_action": [clerk.pk], "post": "yes"},
        )
        assert User.objects.filter(pk=clerk.pk).exists()

    def test_a_user_cannot_be_deleted_in_code_either(self, clerk: User) -> None:
        with pytest.raises(ProtectedError):
            clerk.delete()
        with pytest.raises(ProtectedError):
            User.objects.filter(pk=clerk.pk).delete()
        assert User.objects.filter(pk=clerk.pk).exists()

    def test_the_deactivate_action_deactivates_and_names_the_administrator(
        self, root: User, clerk: User
    ) -> None:
        _, raw = api_token_create(actor=clerk, user=clerk, name="script")
        client_for(root).post(
            reverse("admin:accounts_user_changelist"),
            {"action": "deactivate", "_selected_action": [clerk.pk]},
        )
        clerk.refresh_from_db()
        assert clerk.is_active is False
        assert api_token_authenticate(raw) is None
        latest = User.history.filter(id=clerk.pk).latest()
        assert (latest.is_active, latest.history_user) == (False, root)

    def test_no_one_deactivates_themself(self, root: User) -> None:
        with pytest.raises(Forbidden):
            user_deactivate(actor=root, user=root)
        root.refresh_from_db()
        assert root.is_active

    def test_a_rename_in_the_admin_names_the_administrator(self, root: User, clerk: User) -> None:
        page = client_for(root).get(reverse("admin:accounts_user_change", args=[clerk.pk]))
        assert page.status_code == 200
        form = page.context["adminform"].form
        data = {
            name: (value if value is not None else "")
            for name, value in form.initial.items()
            if name not in {"password", "groups", "user_permissions", "last_login"}
        }
        data.update(
            {
                "first_name": "Renamed",
                "date_joined_0": clerk.date_joined.strftime("%Y-%m-%d"),
                "date_joined_1": clerk.date_joined.strftime("%H:%M:%S"),
                "role_grants-TOTAL_FORMS": "0",
                "role_grants-INITIAL_FORMS": "0",
            }
        )
        data.pop("date_joined", None)
        grants = list(clerk.role_grants.all())
        data["role_grants-TOTAL_FORMS"] = str(len(grants))
        data["role_grants-INITIAL_FORMS"] = str(len(grants))
        for i, grant in enumerate(grants):
            data[f"role_grants-{i}-id"] = str(grant.pk)
            data[f"role_grants-{i}-user"] = str(clerk.pk)
            data[f"role_grants-{i}-role"] = grant.role
            data[f"role_grants-{i}-agency"] = str(grant.agency_id or "")
        response = client_for(root).post(
            reverse("admin:accounts_user_change", args=[clerk.pk]), data
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        latest = User.history.filter(id=clerk.pk).latest()
        assert (latest.first_name, latest.history_user) == ("Renamed", root)
