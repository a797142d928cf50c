"""Renaming reference data in the admin leaves history naming the administrator (issue 5,
part 6: a topic rename silently changed 12 activities)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from liaison.accounts.models import User
from liaison.accounts.tests.factories import UserFactory
from liaison.activities.models import Category, Topic
from liaison.activities.services import topic_create
from liaison.activities.tests.factories import CategoryFactory


@pytest.fixture
def root(db: None) -> User:
    return UserFactory.create(username="root", is_staff=True, is_superuser=True)


def test_renaming_a_topic_leaves_a_history_row_naming_the_administrator(
    root: User, clerk: User
) -> None:
    topic = topic_create(actor=clerk, name="hostage negotiation")
    response = client_for(root).post(
        reverse("admin:activities_topic_change", args=[topic.pk]), {"name": "Crisis negotiation"}
    )
    assert response.status_code == 302
    rows = list(Topic.history.filter(id=topic.pk).order_by("history_date", "history_id"))
    assert [(r.history_type, r.name, r.history_user) for r in rows] == [
        ("+", "hostage negotiation", clerk),
        ("~", "Crisis negotiation", root),
    ]
    # And the admin shows it.
    page = client_for(root).get(reverse("admin:activities_topic_history", args=[topic.pk]))
    assert page.status_code == 200


def test_a_topic_cannot_be_deleted_in_the_admin(root: User, clerk: User) -> None:
    topic = topic_create(actor=clerk, name="drones")
    response = client_for(root).post(
        reverse("admin:activities_topic_delete", args=[topic.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_renaming_a_category_leaves_a_history_row_naming_the_administrator(root: User) -> None:
    category = CategoryFactory.create(name="Aviation", slug="aviation")
    response = client_for(root).post(
        reverse("admin:activities_category_change", args=[category.pk]),
        {"name": "Air support", "slug": "aviation", "description": "", "active": "on"},
    )
    assert response.status_code == 302
    latest = Category.history.filter(id=category.pk).latest()
    assert (latest.history_type, latest.name, latest.history_user) == ("~", "Air support", root)
