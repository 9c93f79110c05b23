"""Claims: registration and numbering, the status flow with its required texts, refusals that
write nothing, visibility, notifications of the responsible manager (never of the actor) and
the control report against a recomputation over the visible claims."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.activities.claim_selectors import (
    claim_get,
    claim_steps,
    claims_control,
    claims_list,
    report_period,
)
from accord.activities.claim_services import (
    ClaimClosedError,
    claim_create,
    claim_delete,
    claim_move,
    claim_update,
    claims_handover,
)
from accord.activities.errors import StatusMoveError
from accord.activities.models import Claim, Notification
from accord.core.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from tests.conftest import rows_of
from tests.factories import (
    ContactPersonFactory,
    CounterpartyFactory,
    DepartmentFactory,
    ProductFactory,
    UserFactory,
    claim_for,
    invoice_draft,
    order_for,
)

pytestmark = pytest.mark.django_db
TRACKED = (Claim, AuditEvent, Notification)


def state():
    return rows_of(TRACKED)


@pytest.fixture
def team():
    """A head of department and two managers in it."""
    department = DepartmentFactory()
    head = UserFactory(username="head", roles=["head"], department=department)
    anna = UserFactory(username="anna", roles=["manager"], department=department)
    boris = UserFactory(username="boris", roles=["manager"], department=department)
    return head, anna, boris


def _notes(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


# ---------------------------------------------------------------- registration


def test_claims_are_numbered_in_order_and_audited(manager):
    first = claim_for(manager)
    second = claim_for(manager, severity="critical", deadline=timezone.localdate())
    assert (first.number, second.number) == ("ПР-000001", "ПР-000002")
    assert (second.status, second.severity) == ("registered", "critical")
    event = AuditEvent.objects.get(action="activities.claim.created", object_id=str(second.pk))
    assert event.changes["number"] == "ПР-000002"
    assert event.changes["deadline"] == timezone.localdate().isoformat()


def test_a_claim_links_an_order_an_invoice_a_contact_and_a_product(manager):
    order = order_for(manager)
    cp = order.counterparty
    invoice = invoice_draft(responsible=manager, counterparty=cp)
    person = ContactPersonFactory(counterparty=cp)
    product = ProductFactory()
    claim = claim_for(manager, counterparty=cp, order_id=order.pk, invoice_id=invoice.pk,
                      contact_person_id=person.pk, product_id=product.pk)  # fmt: skip
    assert (claim.order_id, claim.invoice_id, claim.contact_person_id, claim.product_id) == (
        order.pk, invoice.pk, person.pk, product.pk,
    )  # fmt: skip


def test_an_order_alone_brings_its_counterparty(manager):
    order = order_for(manager)
    claim = claim_create(actor=manager, data={"subject": "Недовоз", "order_id": order.pk})
    assert claim.counterparty_id == order.counterparty_id


def test_bad_input_is_refused_with_every_error_at_once_and_writes_nothing(manager, other_manager):
    foreign = CounterpartyFactory(responsible=other_manager)
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        claim_create(actor=manager, data={
            "subject": "  ", "counterparty_id": foreign.pk, "severity": "apocalyptic",
            "deadline": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "product_id": 987654, "status": "resolved",
        })  # fmt: skip
    assert set(caught.value.fields) == {
        "subject", "counterparty_id", "severity", "deadline", "product_id", "status",
    }  # fmt: skip
    assert "The deadline cannot be in the past." in caught.value.fields["deadline"]
    assert state() == before


def test_links_of_another_counterparty_are_refused(manager):
    order = order_for(manager)
    other = CounterpartyFactory(responsible=manager)
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        claim_for(manager, counterparty=other, order_id=order.pk, deadline="31.12.2099")
    assert set(caught.value.fields) == {"order_id", "deadline"}
    assert state() == before


def test_a_failed_registration_gives_its_number_back(manager):
    with pytest.raises(ValidationFailedError):
        claim_for(manager, subject="")
    assert claim_for(manager).number == "ПР-000001"


def test_a_manager_may_not_register_for_someone_else(manager, other_manager):
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        claim_for(manager, responsible_id=other_manager.pk)
    assert list(caught.value.fields) == ["responsible_id"]
    assert state() == before


# ---------------------------------------------------------------- the status flow


def test_the_flow_from_registration_to_resolution_and_reopening(manager):
    claim = claim_for(manager)
    claim = claim_move(actor=manager, claim=claim, status="under_review", comment="Смотрим")
    assert (claim.status, claim.closed_at) == ("under_review", None)

    claim = claim_move(actor=manager, claim=claim, status="resolved", resolution="Заменили товар")
    assert (claim.status, claim.resolution) == ("resolved", "Заменили товар")
    assert claim.closed_at is not None

    claim = claim_move(actor=manager, claim=claim, status="under_review", comment="Снова брак")
    assert (claim.status, claim.resolution, claim.closed_at) == ("under_review", "", None)

    claim = claim_move(actor=manager, claim=claim.pk, status="rejected", resolution="Не наш товар")
    assert claim.status == "rejected"
    steps = claim_steps(claim=claim)
    assert [(s.status, s.text) for s in steps] == [
        ("registered", ""), ("under_review", "Смотрим"), ("resolved", "Заменили товар"),
        ("under_review", "Снова брак"), ("rejected", "Не наш товар"),
    ]  # fmt: skip
    moved = AuditEvent.objects.filter(action="activities.claim.moved").count()
    assert moved == 4


def test_a_registered_claim_may_be_rejected_at_once(manager):
    claim = claim_move(actor=manager, claim=claim_for(manager), status="rejected",
                       resolution="Срок гарантии истёк")  # fmt: skip
    assert claim.is_closed


@pytest.mark.parametrize(
    ("start", "move", "error", "field"),
    [
        ("registered", {"status": "registered"}, StatusMoveError, None),
        ("registered", {"status": "closed"}, ValidationFailedError, "status"),
        ("registered", {"status": "resolved"}, ValidationFailedError, "resolution"),
        ("registered", {"status": "rejected", "resolution": "  "}, ValidationFailedError,
         "resolution"),
        ("resolved", {"status": "rejected", "resolution": "x"}, StatusMoveError, None),
        ("resolved", {"status": "registered"}, StatusMoveError, None),
        ("resolved", {"status": "under_review"}, ValidationFailedError, "comment"),
        ("rejected", {"status": "under_review", "comment": 5}, ValidationFailedError, "comment"),
    ],
)  # fmt: skip
def test_refused_moves_write_nothing(manager, start, move, error, field):
    claim = claim_for(manager)
    if start != "registered":
        claim = claim_move(actor=manager, claim=claim, status=start, resolution="Готово")
    before = state()
    with pytest.raises(error) as caught:
        claim_move(actor=manager, claim=claim, **move)
    if field:
        assert list(caught.value.fields) == [field]
    assert state() == before


def test_a_closed_claim_cannot_be_edited_until_reopened(manager):
    claim = claim_move(actor=manager, claim=claim_for(manager), status="resolved",
                       resolution="Вернули деньги")  # fmt: skip
    before = state()
    with pytest.raises(ClaimClosedError):
        claim_update(actor=manager, claim=claim, data={"subject": "Другое"})
    assert state() == before


def test_update_changes_fields_audits_the_difference_and_checks_the_deadline(manager):
    claim = claim_for(manager, deadline=timezone.localdate())
    claim = claim_update(actor=manager, claim=claim, data={"severity": "high", "subject": "Бой"})
    event = AuditEvent.objects.get(action="activities.claim.updated")
    assert event.changes == {"severity": ["medium", "high"], "subject": ["Брак в поставке", "Бой"]}

    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        claim_update(actor=manager, claim=claim, data={"deadline": "2000-01-01"})
    assert list(caught.value.fields) == ["deadline"]
    assert state() == before
    claim_update(actor=manager, claim=claim, data={"subject": "Бой стекла"})  # nothing re-checked
    assert AuditEvent.objects.filter(action="activities.claim.updated").count() == 2


def test_a_link_kept_as_it_was_is_not_checked_again(team):
    """The head links another manager's order; the responsible manager may still edit."""
    head, anna, boris = team
    order = order_for(boris)
    claim = claim_create(actor=head, data={
        "subject": "Недовоз", "order_id": order.pk, "responsible_id": anna.pk,
    })  # fmt: skip
    claim_update(actor=anna, claim=claim, data={"description": "Не хватает двух коробок"})
    claim.refresh_from_db()
    assert (claim.order_id, claim.description) == (order.pk, "Не хватает двух коробок")


# ---------------------------------------------------------------- visibility and permissions


def test_another_managers_claim_is_not_found_and_unchanged(manager, other_manager):
    claim = claim_for(other_manager)
    before = state()
    calls = [
        lambda: claim_get(viewer=manager, pk=claim.pk),
        lambda: claim_update(actor=manager, claim=claim, data={"subject": "Чужая"}),
        lambda: claim_move(actor=manager, claim=claim, status="under_review"),
        lambda: claim_move(actor=manager, claim=claim.pk, status="rejected", resolution="x"),
    ]
    for call in calls:
        with pytest.raises(NotFoundError):
            call()
    assert claims_list(viewer=manager).count.value == 0
    assert state() == before


def test_a_head_sees_and_moves_the_claims_of_the_department(team):
    head, anna, boris = team
    outsider = UserFactory(roles=["manager"], department=DepartmentFactory())
    mine = claim_for(anna)
    claim_for(boris)
    claim_for(outsider)
    assert claims_list(viewer=head).count.value == 2
    assert claims_list(viewer=anna).count.value == 1
    claim_move(actor=head, claim=mine, status="under_review")
    assert claim_get(viewer=anna, pk=mine.pk).status == "under_review"


def test_delete_needs_the_delete_permission(manager, admin_user):
    claim = claim_for(manager)
    before = state()
    with pytest.raises(PermissionDeniedError):
        claim_delete(actor=manager, claim=claim)
    assert state() == before
    claim_delete(actor=admin_user, claim=claim)
    assert not Claim.objects.exists()
    event = AuditEvent.objects.get(action="activities.claim.deleted")
    assert event.changes["number"] == claim.number


def test_a_role_without_claims_may_do_nothing(db):
    director = UserFactory(roles=["director"])  # views everything, adds nothing
    cp = CounterpartyFactory()
    before = state()
    with pytest.raises(PermissionDeniedError):
        claim_create(actor=director, data={"subject": "x", "counterparty_id": cp.pk})
    assert state() == before


# ---------------------------------------------------------------- notifications


def test_the_responsible_is_told_of_what_others_do_and_never_of_own_acts(team):
    head, anna, _boris = team
    claim = claim_create(actor=head, data={
        "subject": "Сломан насос", "counterparty_id": CounterpartyFactory(responsible=anna).pk,
        "responsible_id": anna.pk,
    })  # fmt: skip
    assert _notes(anna) == [f"New claim {claim.number}: Сломан насос"]
    assert _notes(head) == []

    claim_move(actor=anna, claim=claim, status="under_review")  # her own act: no note
    assert len(_notes(anna)) == 1
    claim_move(actor=head, claim=claim, status="resolved", resolution="Заменили")
    assert _notes(anna)[0] == f"Claim {claim.number}: Resolved"
    note = Notification.objects.filter(recipient=anna).first()
    assert (note.kind, note.text, note.url) == ("claim", "Заменили", f"/claims/{claim.pk}/")
    assert _notes(head) == []


def test_a_new_responsible_is_told(team):
    head, anna, boris = team
    claim = claim_for(anna)
    claim_update(actor=head, claim=claim, data={"responsible_id": boris.pk})
    assert _notes(boris) == [f"Claim {claim.number} is now yours: Брак в поставке"]


# ---------------------------------------------------------------- the list


def test_list_filters_and_search(manager):
    today = timezone.localdate()
    late = claim_for(manager, subject="Царапины на корпусе", deadline=today)
    Claim.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=3))
    done = claim_move(actor=manager, claim=claim_for(manager, severity="high"), status="rejected",
                      resolution="Не гарантийный случай")  # fmt: skip
    other_cp = claim_for(manager, subject="Опоздала доставка")

    def ids(**kwargs):
        return [c.pk for c in claims_list(viewer=manager, **kwargs).page.items]

    assert ids() == [other_cp.pk, done.pk, late.pk]
    assert ids(filters={"status": "open"}) == [other_cp.pk, late.pk]
    assert ids(filters={"status": "rejected"}) == [done.pk]
    assert ids(filters={"overdue": "1"}) == [late.pk]
    assert ids(filters={"severity": "high"}) == [done.pk]
    assert ids(filters={"counterparty": other_cp.counterparty_id}) == [other_cp.pk]
    assert ids(filters={"responsible": manager.pk}, sort="created") == [
        late.pk, done.pk, other_cp.pk,
    ]  # fmt: skip
    # Subjects match as the database's icontains does: SQLite folds the case of ASCII only.
    assert ids(query="Царап") == [late.pk]
    assert ids(query=done.number) == [done.pk]
    assert ids(query="000003") == [other_cp.pk]
    with pytest.raises(Exception, match="Status is one of"):
        claims_list(viewer=manager, filters={"status": "lost"})


def test_list_pages_by_keyset(manager):
    for _ in range(5):
        claim_for(manager)
    first = claims_list(viewer=manager, size=2)
    second = claims_list(viewer=manager, size=2, cursor=first.page.next_cursor)
    third = claims_list(viewer=manager, size=2, cursor=second.page.next_cursor)
    numbers = [c.number for p in (first, second, third) for c in p.page.items]
    assert numbers == [f"ПР-00000{n}" for n in (5, 4, 3, 2, 1)]
    assert third.page.next_cursor is None


# ---------------------------------------------------------------- the control report


def test_report_period_defaults_and_checks():
    today = dt.date(2030, 5, 17)
    assert report_period("", None, today=today) == (dt.date(2030, 5, 1), today)
    assert report_period("2030-01-01", "2030-01-31", today=today) == (
        dt.date(2030, 1, 1), dt.date(2030, 1, 31),
    )  # fmt: skip
    with pytest.raises(ValidationFailedError) as caught:
        report_period("2030-02-01", "2030-01-01", today=today)
    assert list(caught.value.fields) == ["date_to"]
    with pytest.raises(ValidationFailedError) as caught:
        report_period("1.2.2030", "x", today=today)
    assert set(caught.value.fields) == {"date_from", "date_to"}


TODAY = dt.date(2030, 6, 15)
PERIOD = (dt.date(2030, 6, 1), dt.date(2030, 6, 15))

claims = st.lists(
    st.tuples(
        st.integers(0, 3),  # responsible: anna, boris, the outsider, nobody
        st.sampled_from(["registered", "under_review", "resolved", "rejected"]),
        st.integers(0, 60),  # registered this many days before TODAY
        st.integers(0, 70),  # closed this many days after registration (not after TODAY)
        st.none() | st.integers(-10, 10),  # deadline relative to TODAY
    ),
    max_size=14,
)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _expected(rows, visible_ids):
    """The report by its definition, in plain Python over the visible claims."""
    start, end = _at(PERIOD[0], 0), _at(PERIOD[1] + dt.timedelta(days=1), 0)
    figures: dict = {}
    for claim in rows:
        if claim.pk not in visible_ids:
            continue
        f = figures.setdefault(claim.responsible_id, {
            "open": 0, "overdue": 0, "registered": 0, "resolved": 0, "rejected": 0, "days": 0.0,
        })  # fmt: skip
        closed = claim.status in ("resolved", "rejected")
        if not closed:
            f["open"] += 1
            if claim.deadline and claim.deadline < TODAY:
                f["overdue"] += 1
        if start <= claim.created_at < end:
            f["registered"] += 1
        if closed and start <= claim.closed_at < end:
            f[claim.status] += 1
            f["days"] += (claim.closed_at - claim.created_at).total_seconds() / 86400
    return {
        k: v for k, v in figures.items()
        if v["open"] or v["registered"] or v["resolved"] or v["rejected"]
    }  # fmt: skip


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=claims)
def test_control_report_equals_a_recomputation_over_visible_claims(team, drawn):
    head, anna, boris = team
    outsider = UserFactory(username="olga", roles=["manager"], department=DepartmentFactory())
    people = [anna, boris, outsider, None]
    with transaction.atomic():
        cp = CounterpartyFactory(responsible=anna)
        rows = []
        for i, (who, status, age, took, deadline) in enumerate(drawn):
            created = _at(TODAY - dt.timedelta(days=age), 9)
            closed = None
            if status in ("resolved", "rejected"):
                closed = min(created + dt.timedelta(days=took, hours=3), _at(TODAY, 18))
            rows.append(Claim.objects.create(
                number=f"T-{i}", subject="x", counterparty=cp, responsible=people[who],
                status=status, created_at=created, closed_at=closed,
                deadline=TODAY + dt.timedelta(days=deadline) if deadline is not None else None,
            ))  # fmt: skip
        for viewer in (head, anna, outsider):
            visible = set(Claim.objects.visible_to(viewer).values_list("pk", flat=True))
            expected = _expected(rows, visible)
            report = claims_control(viewer=viewer, date_from=PERIOD[0], date_to=PERIOD[1],
                                    today=TODAY)  # fmt: skip
            got = {
                (r.responsible.pk if r.responsible else None): r for r in report.rows
            }  # fmt: skip
            assert set(got) == set(expected)
            for key, want in expected.items():
                row = got[key]
                assert (row.open, row.overdue, row.registered, row.resolved, row.rejected) == (
                    want["open"], want["overdue"], want["registered"], want["resolved"],
                    want["rejected"],
                )  # fmt: skip
                closed = want["resolved"] + want["rejected"]
                average = round(want["days"] / closed, 1) if closed else None
                assert row.average_days == average
            total = report.total
            assert total.open == sum(w["open"] for w in expected.values())
            assert total.closed == sum(w["resolved"] + w["rejected"] for w in expected.values())
        transaction.set_rollback(True)


def test_handover_passes_the_open_claims_of_the_clients(manager, other_manager, admin_user):
    cp = CounterpartyFactory(responsible=manager)
    open_claim = claim_for(manager, counterparty=cp)
    closed = claim_move(actor=manager, claim=claim_for(manager, counterparty=cp),
                        status="rejected", resolution="Нет")  # fmt: skip
    elsewhere = claim_for(manager)
    moved = claims_handover(actor=admin_user, from_user=manager, to_user=other_manager,
                            counterparty_ids=[cp.pk])  # fmt: skip
    assert moved == 1
    owners = dict(Claim.objects.values_list("pk", "responsible_id"))
    assert owners == {open_claim.pk: other_manager.pk, closed.pk: manager.pk,
                      elsewhere.pk: manager.pk}  # fmt: skip
    event = AuditEvent.objects.get(action="activities.claim.handed_over")
    assert event.changes["claims"] == [open_claim.pk]
