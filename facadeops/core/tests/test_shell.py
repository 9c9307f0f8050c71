from __future__ import annotations

import pytest
from django.urls import reverse

from facadeops.core.navigation import navigation_for
from facadeops.core.roles import Role


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client) -> None:
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_navigation_follows_roles(make_user) -> None:
    """REG-1.3: navigation per role — a customer sees no staff menus, management sees people."""
    customer = make_user(Role.CUSTOMER)
    manager = make_user(Role.MANAGEMENT)
    staff = make_user(Role.SERVICE_STAFF)
    names = lambda u: {i["name"] for i in navigation_for(u)}  # noqa: E731
    assert "customers:customer_list" not in names(customer)
    assert "accounts:employee_list" not in names(staff)
    assert "accounts:employee_list" in names(manager)
    assert "customers:project_list" in names(customer)  # customers see their own projects


@pytest.mark.django_db
def test_home_page_query_count_is_small_and_shows_unread_count(
    client, make_user, django_assert_max_num_queries
) -> None:
    from facadeops.notifications.services import notify

    user = make_user(Role.SERVICE_HEAD)
    notify(recipient_ids=[user.pk], verb="test", title="请审核方案")
    client.force_login(user)
    with django_assert_max_num_queries(8):
        r = client.get("/")
    assert r.status_code == 200
    assert 'id="unread-count">1<' in r.content.decode()
