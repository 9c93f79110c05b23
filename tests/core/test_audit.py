import datetime as dt
from decimal import Decimal

import pytest

from accord.core.audit import client_ip, diff, log_action
from tests.factories import CounterpartyFactory, UserFactory


def test_diff_lists_only_changed_fields_and_never_secrets():
    before = {"name": "A", "inn": "1", "password": "x"}
    after = {"name": "B", "inn": "1", "password": "y"}
    assert diff(before, after) == {"name": ["A", "B"]}


@pytest.mark.django_db
def test_log_action_records_actor_object_ip_and_json_safe_changes():
    user = UserFactory(username="anna")
    cp = CounterpartyFactory()
    with client_ip("10.1.2.3"):
        event = log_action(
            actor=user,
            action="directory.counterparty.updated",
            obj=cp,
            changes={"when": dt.date(2026, 1, 2), "sum": Decimal("1.10"), "token": "secret"},
        )
    event.refresh_from_db()
    assert (event.actor, event.actor_label, event.ip) == (user, "anna", "10.1.2.3")
    assert (event.object_type, event.object_id) == ("directory.counterparty", str(cp.pk))
    assert event.changes == {"when": "2026-01-02", "sum": "1.10"}


@pytest.mark.django_db
def test_system_actions_are_labelled_system():
    assert log_action(actor=None, action="core.x.done").actor_label == "system"
