"""Audit events are append-only: every ORM path that would change or delete one raises."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from accord.core.audit import log_action
from accord.core.models import AuditEvent, AuditEventImmutableError
from tests.factories import CounterpartyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _state() -> list[dict]:
    return list(AuditEvent.objects.order_by("pk").values())


@pytest.fixture
def event() -> AuditEvent:
    return log_action(
        actor=UserFactory(username="anna"),
        action="directory.counterparty.updated",
        obj=CounterpartyFactory(),
        changes={"name": ["A", "B"]},
    )


def test_saving_a_stored_event_raises_and_changes_nothing(event):
    before = _state()
    event.action = "directory.counterparty.deleted"
    with pytest.raises(AuditEventImmutableError):
        event.save()
    with pytest.raises(AuditEventImmutableError):
        event.save(update_fields=["action"])
    assert _state() == before


def test_a_new_instance_with_an_existing_id_cannot_overwrite_it(event):
    before = _state()
    copy = AuditEvent(pk=event.pk, action="forged")
    with pytest.raises(AuditEventImmutableError):
        copy.save()
    assert _state() == before


def test_deleting_an_event_raises_and_keeps_it(event):
    before = _state()
    with pytest.raises(AuditEventImmutableError):
        event.delete()
    assert _state() == before


@pytest.mark.parametrize(
    "operation",
    [
        lambda qs: qs.update(action="forged"),
        lambda qs: qs.update(actor=None, action="forged"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["action"]),
        lambda qs: qs.update_or_create(pk=qs[0].pk, defaults={"action": "forged"}),
        lambda qs: AuditEvent._base_manager.all().update(changes={}),
        lambda qs: AuditEvent._base_manager.all().delete(),
    ],
)
def test_queryset_updates_and_deletes_raise(event, operation):
    before = _state()
    with pytest.raises(AuditEventImmutableError):
        operation(AuditEvent.objects.all())
    assert _state() == before


def test_inserts_stay_open():
    AuditEvent.objects.bulk_create([AuditEvent(action="core.test.created")])
    AuditEvent.objects.create(action="core.test.created")
    assert AuditEvent.objects.filter(action="core.test.created").count() == 2


def test_deleting_the_actors_account_keeps_the_event_and_the_name(event):
    actor = event.actor
    actor.delete()
    event.refresh_from_db()
    assert (event.actor_id, event.actor_label, event.action) == (
        None,
        "anna",
        "directory.counterparty.updated",
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL only")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET action = 'forged' WHERE id = %s",
        "UPDATE core_auditevent SET actor_id = NULL, action = 'forged' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(event, sql):
    before = _state()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert _state() == before
