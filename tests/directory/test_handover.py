"""Handing clients over: who may, what moves, what the audit says, and the extra steps."""

from __future__ import annotations

import pytest

from accord.core.errors import PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.directory import handover
from accord.directory.handover import clients_hand_over, register_handover_step
from accord.directory.models import Counterparty
from tests.factories import CounterpartyFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    sales = DepartmentFactory(name="Sales")
    moscow = DepartmentFactory(name="Moscow", parent=sales)
    support = DepartmentFactory(name="Support")
    return {
        "head": UserFactory(username="head", roles=["head"], department=sales),
        "anna": UserFactory(username="anna", roles=["manager"], department=moscow),
        "boris": UserFactory(username="boris", roles=["manager"], department=sales),
        "olga": UserFactory(username="olga", roles=["manager"], department=support),
        "admin": UserFactory(username="root", roles=["admin"]),
    }


@pytest.fixture
def step_calls(monkeypatch):
    """A registered extra step that records its calls; the registry is restored after."""
    monkeypatch.setattr(handover, "_STEPS", {})
    calls = []

    def deals(*, actor, from_user, to_user, counterparty_ids):
        calls.append((actor.username, from_user.username, to_user.username, counterparty_ids))
        return 7

    register_handover_step("Deals", deals)
    return calls


def owners() -> dict[int, int | None]:
    return dict(Counterparty.objects.values_list("pk", "responsible_id"))


def test_all_clients_move_with_audit_rows_and_the_registered_step(org, step_calls):
    anna, boris = org["anna"], org["boris"]
    mine = [CounterpartyFactory(responsible=anna) for _ in range(3)]
    other = CounterpartyFactory(responsible=org["olga"])

    result = clients_hand_over(actor=org["admin"], from_user=anna, to_user=boris)

    assert result.counterparties == 3
    assert result.steps == {"Deals": 7}
    assert step_calls == [("root", "anna", "boris", sorted(cp.pk for cp in mine))]
    assert {pk for pk, owner in owners().items() if owner == boris.pk} == {c.pk for c in mine}
    assert owners()[other.pk] == org["olga"].pk
    summary = AuditEvent.objects.get(action="directory.clients.handed_over")
    assert summary.changes == {"from": anna.pk, "to": boris.pk, "count": 3, "steps": {"Deals": 7}}
    rows = AuditEvent.objects.filter(action="directory.counterparty.updated")
    assert sorted(int(r.object_id) for r in rows) == sorted(c.pk for c in mine)
    assert all(r.changes == {"responsible_id": [anna.pk, boris.pk]} for r in rows)


def test_only_the_chosen_clients_move(org, step_calls):
    anna, boris = org["anna"], org["boris"]
    first, second = CounterpartyFactory(responsible=anna), CounterpartyFactory(responsible=anna)

    result = clients_hand_over(
        actor=org["admin"], from_user=anna, to_user=boris, counterparty_ids=[second.pk]
    )

    assert result.counterparties == 1
    assert owners() == {first.pk: anna.pk, second.pk: boris.pk}
    assert step_calls[0][3] == [second.pk]


def test_a_head_hands_over_within_the_department(org, step_calls):
    cp = CounterpartyFactory(responsible=org["anna"])
    clients_hand_over(actor=org["head"], from_user=org["anna"], to_user=org["boris"])
    assert owners()[cp.pk] == org["boris"].pk


def nothing_changed(before: dict[int, int | None]) -> None:
    assert owners() == before
    assert not AuditEvent.objects.filter(action__startswith="directory.").exists()


@pytest.mark.parametrize(
    ("actor", "from_user", "to_user"),
    [
        ("anna", "anna", "boris"),  # a manager may not hand over, even own clients
        ("head", "anna", "olga"),  # the receiver is outside the head's department
        ("head", "olga", "anna"),  # the giver is outside the head's department
    ],
)
def test_refused_outside_the_actors_scope(org, step_calls, actor, from_user, to_user):
    CounterpartyFactory(responsible=org[from_user])
    before = owners()
    with pytest.raises(PermissionDeniedError):
        clients_hand_over(actor=org[actor], from_user=org[from_user], to_user=org[to_user])
    nothing_changed(before)
    assert step_calls == []


def test_refused_to_an_inactive_or_the_same_user(org, step_calls):
    CounterpartyFactory(responsible=org["anna"])
    before = owners()
    org["boris"].is_active = False
    org["boris"].save()
    for receiver in ("boris", "anna"):
        with pytest.raises(ValidationFailedError) as exc:
            clients_hand_over(actor=org["admin"], from_user=org["anna"], to_user=org[receiver])
        assert "to_user" in exc.value.fields
    nothing_changed(before)


def test_refused_when_a_chosen_id_is_not_the_givers_client(org, step_calls):
    mine = CounterpartyFactory(responsible=org["anna"])
    foreign = CounterpartyFactory(responsible=org["olga"])
    before = owners()
    for ids in ([mine.pk, foreign.pk], [mine.pk, 999_999]):
        with pytest.raises(ValidationFailedError) as exc:
            clients_hand_over(
                actor=org["admin"], from_user=org["anna"], to_user=org["boris"],
                counterparty_ids=ids,
            )  # fmt: skip
        assert "counterparty_ids" in exc.value.fields
    nothing_changed(before)
    assert step_calls == []


def test_a_head_cannot_pick_a_client_hidden_from_them(org, step_calls):
    """Olga's client is not visible to the head: naming it is refused like a foreign id."""
    hidden = CounterpartyFactory(responsible=org["olga"])
    before = owners()
    with pytest.raises((ValidationFailedError, PermissionDeniedError)):
        clients_hand_over(
            actor=org["head"], from_user=org["anna"], to_user=org["boris"],
            counterparty_ids=[hidden.pk],
        )  # fmt: skip
    nothing_changed(before)


def test_a_failing_step_rolls_everything_back(org, monkeypatch):
    monkeypatch.setattr(handover, "_STEPS", {})

    def broken(**kwargs):
        raise ValidationFailedError({"deals": ["A deal is locked."]})

    register_handover_step("Deals", broken)
    CounterpartyFactory(responsible=org["anna"])
    before = owners()
    with pytest.raises(ValidationFailedError):
        clients_hand_over(actor=org["admin"], from_user=org["anna"], to_user=org["boris"])
    nothing_changed(before)


def test_nothing_to_hand_over_is_refused(org, step_calls):
    with pytest.raises(ValidationFailedError):
        clients_hand_over(actor=org["admin"], from_user=org["anna"], to_user=org["boris"])
    assert not AuditEvent.objects.exists()
