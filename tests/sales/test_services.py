"""Deal services: creation, update, moves with their history and durations, refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accord.core.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.sales import selectors, services
from accord.sales.errors import LostReasonRequiredError
from accord.sales.models import Deal, DealStageChange
from tests.factories import (
    ContactPersonFactory,
    CounterpartyFactory,
    DealFactory,
    UserFactory,
    lost_reason,
    sales_pipeline,
)

pytestmark = pytest.mark.django_db


def test_create_puts_the_deal_in_the_first_stage_with_history_and_audit(manager, stages):
    cp = CounterpartyFactory(responsible=manager)
    person = ContactPersonFactory(counterparty=cp)

    deal = services.deal_create(actor=manager, data={
        "title": "Поставка", "counterparty_id": cp.pk, "contact_person_id": person.pk,
        "amount": "150 000,50", "currency": "RUB", "expected_close_date": "2030-01-31",
    })  # fmt: skip

    deal.refresh_from_db()
    assert (deal.stage, deal.responsible, deal.amount) == (
        stages["new"],
        manager,
        Decimal("150000.50"),
    )
    assert deal.closed_at is None
    change = DealStageChange.objects.get(deal=deal)
    assert (change.from_stage, change.to_stage, change.seconds_in_previous_stage) == (
        None,
        stages["new"],
        None,
    )
    assert (
        AuditEvent.objects.filter(action="sales.deal.created", object_id=str(deal.pk)).count() == 1
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"currency": "rub"}, "currency"),
        ({"currency": "RUBL"}, "currency"),
        ({"expected_close_date": "31.01.2030"}, "expected_close_date"),
        ({"counterparty_id": None}, "counterparty_id"),
        ({"participant_ids": [999999]}, "participant_ids"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(manager, pipeline, sales_state, data, field):
    cp = CounterpartyFactory(responsible=manager)
    before = sales_state()

    with pytest.raises(ValidationFailedError) as exc:
        services.deal_create(
            actor=manager, data={"title": "Сделка", "counterparty_id": cp.pk, **data}
        )

    assert field in exc.value.fields
    assert sales_state() == before


def test_a_hidden_counterparty_is_refused_like_a_missing_one(
    manager, other_manager, pipeline, sales_state
):
    hidden = CounterpartyFactory(responsible=other_manager)
    before = sales_state()

    with pytest.raises(ValidationFailedError) as hidden_exc:
        services.deal_create(actor=manager, data={"title": "x", "counterparty_id": hidden.pk})
    with pytest.raises(ValidationFailedError) as missing_exc:
        services.deal_create(actor=manager, data={"title": "x", "counterparty_id": hidden.pk + 999})

    assert hidden_exc.value.fields == missing_exc.value.fields
    assert sales_state() == before


def test_contact_person_must_belong_to_the_counterparty(manager, pipeline, sales_state):
    cp = CounterpartyFactory(responsible=manager)
    stranger = ContactPersonFactory(counterparty=CounterpartyFactory(responsible=manager))
    before = sales_state()

    with pytest.raises(ValidationFailedError) as exc:
        services.deal_create(actor=manager, data={
            "title": "x", "counterparty_id": cp.pk, "contact_person_id": stranger.pk})  # fmt: skip

    assert "contact_person_id" in exc.value.fields
    assert sales_state() == before


def test_a_manager_may_not_make_another_user_responsible(
    manager, other_manager, pipeline, sales_state
):
    cp = CounterpartyFactory(responsible=manager)
    before = sales_state()

    with pytest.raises(ValidationFailedError) as exc:
        services.deal_create(actor=manager, data={
            "title": "x", "counterparty_id": cp.pk, "responsible_id": other_manager.pk})  # fmt: skip

    assert "responsible_id" in exc.value.fields
    assert sales_state() == before


def test_a_user_without_the_add_action_is_refused(pipeline, sales_state):
    director = UserFactory(roles=["director"])
    cp = CounterpartyFactory(responsible=director)
    before = sales_state()

    with pytest.raises(PermissionDeniedError):
        services.deal_create(actor=director, data={"title": "x", "counterparty_id": cp.pk})

    assert sales_state() == before


def test_move_records_the_time_in_the_previous_stage(manager, stages):
    deal = DealFactory(responsible=manager, stage=stages["new"])
    Deal.objects.filter(pk=deal.pk).update(stage_entered_at=timezone.now() - dt.timedelta(days=3))

    services.deal_move(actor=manager, deal=deal, to_stage=stages["proposal"])

    change = DealStageChange.objects.get(deal=deal, from_stage=stages["new"])
    assert change.to_stage == stages["proposal"]
    assert 3 * 86400 <= change.seconds_in_previous_stage < 3 * 86400 + 60
    deal.refresh_from_db()
    durations = selectors.stage_durations(deal)
    assert durations[stages["new"].pk] == change.seconds_in_previous_stage
    assert durations[stages["proposal"].pk] < 60
    assert AuditEvent.objects.filter(action="sales.deal.moved", object_id=str(deal.pk)).exists()


def test_won_sets_closed_at_and_reopening_clears_it(manager, stages):
    deal = DealFactory(responsible=manager)

    services.deal_move(actor=manager, deal=deal, to_stage=stages["won"].pk)
    deal.refresh_from_db()
    assert deal.closed_at is not None

    services.deal_move(actor=manager, deal=deal, to_stage=stages["negotiation"].pk)
    deal.refresh_from_db()
    assert deal.closed_at is None
    assert (
        DealStageChange.objects.filter(deal=deal).count() == 2
    )  # the factory wrote no creation row


def test_lost_needs_a_reason_and_keeps_it(manager, stages, sales_state):
    deal = DealFactory(responsible=manager)
    before = sales_state()

    with pytest.raises(LostReasonRequiredError) as exc:
        services.deal_move(actor=manager, deal=deal, to_stage=stages["lost"])

    assert exc.value.code == "lost_reason_required"
    assert sales_state() == before
    reason = lost_reason()
    services.deal_move(actor=manager, deal=deal, to_stage=stages["lost"], lost_reason=reason.pk)
    deal.refresh_from_db()
    assert (deal.stage, deal.lost_reason, deal.closed_at is not None) == (
        stages["lost"],
        reason,
        True,
    )


def test_reopening_a_lost_deal_clears_the_reason(manager, stages):
    deal = DealFactory(responsible=manager)
    services.deal_move(actor=manager, deal=deal, to_stage=stages["lost"], lost_reason=lost_reason())

    services.deal_move(actor=manager, deal=deal, to_stage=stages["new"])

    deal.refresh_from_db()
    assert (deal.lost_reason, deal.closed_at) == (None, None)


def test_a_stage_of_another_pipeline_is_refused(manager, stages, sales_state):
    deal = DealFactory(responsible=manager)
    other = sales_pipeline("Тендеры", default=False).stages.first()
    before = sales_state()

    with pytest.raises(ValidationFailedError) as exc:
        services.deal_move(actor=manager, deal=deal, to_stage=other)

    assert "stage_id" in exc.value.fields
    assert sales_state() == before


def test_another_managers_deal_cannot_be_moved_changed_or_deleted(
    manager, other_manager, stages, sales_state
):
    deal = DealFactory(responsible=other_manager)
    admin = UserFactory(roles=["head"])  # may delete, but sees only an empty department
    before = sales_state()

    with pytest.raises(NotFoundError):
        services.deal_move(actor=manager, deal=deal, to_stage=stages["won"])
    with pytest.raises(NotFoundError):
        services.deal_update(actor=manager, deal=deal, data={"title": "mine"})
    with pytest.raises(NotFoundError):
        services.deal_delete(actor=admin, deal=deal)

    assert sales_state() == before


def test_update_changes_fields_and_participants_with_one_audit_event(
    manager, other_manager, stages
):
    deal = DealFactory(responsible=manager)

    services.deal_update(actor=manager, deal=deal, data={
        "title": "Новое имя", "amount": "10", "participant_ids": [other_manager.pk]})  # fmt: skip

    deal.refresh_from_db()
    assert (deal.title, deal.amount) == ("Новое имя", Decimal("10.00"))
    assert list(deal.participants.all()) == [other_manager]
    event = AuditEvent.objects.get(action="sales.deal.updated")
    assert set(event.changes) == {"title", "amount", "participant_ids"}


def test_update_refuses_a_stage_change(manager, stages, sales_state):
    deal = DealFactory(responsible=manager)
    before = sales_state()

    with pytest.raises(ValidationFailedError) as exc:
        services.deal_update(actor=manager, deal=deal, data={"stage_id": stages["won"].pk})

    assert "stage_id" in exc.value.fields
    assert sales_state() == before


def test_delete_removes_the_deal_and_its_history(admin_user, stages):
    deal = DealFactory(responsible=admin_user)
    services.deal_move(actor=admin_user, deal=deal, to_stage=stages["won"])

    services.deal_delete(actor=admin_user, deal=deal)

    assert not Deal.objects.exists()
    assert not DealStageChange.objects.exists()
    assert AuditEvent.objects.filter(action="sales.deal.deleted").count() == 1
