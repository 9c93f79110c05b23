"""The client timeline: every source merged newest first with ties broken by source and id,
keyset pages without duplicates or gaps, filters by group, rows of another manager kept out,
and a fixed query budget per page whatever the number of events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.activities.models import Claim, Interaction
from accord.activities.timeline import GROUPS, timeline_page
from accord.billing.models import Invoice, OwnCompany, Payment
from accord.billing.services import invoice_create
from accord.core.audit import log_action
from accord.core.errors import ValidationFailedError
from accord.directory.services import contact_person_create
from accord.sales.models import Deal, DealStageChange, Order, Quote, Shipment
from accord.sales.services import deal_move
from tests.factories import (
    CounterpartyFactory,
    DealFactory,
    DepartmentFactory,
    UserFactory,
    claim_for,
    interaction_for,
    invoice_draft,
    issued_invoice,
    order_for,
    own_company,
    payment_for,
    quote_for,
    shipment_for,
)

pytestmark = pytest.mark.django_db
RANK = {"interaction": 1, "stage": 2, "quote": 3, "order": 4, "invoice": 5, "shipment": 6,
        "payment": 7, "claim": 8, "event": 9}  # fmt: skip
# A moment in the past that many rows share, so ties between sources and ids are many.
T = timezone.make_aware(dt.datetime(2030, 5, 4, 12, 0))
TIMED = {Quote: "created_at", Order: "created_at", Invoice: "created_at",
         Shipment: "created_at", Payment: "created_at", Claim: "created_at"}  # fmt: skip


def at(row, moment: dt.datetime) -> None:
    """Put `row` at `moment` on the timeline (time passes in tests by update)."""
    if isinstance(row, Interaction):
        Interaction.objects.filter(pk=row.pk).update(starts_at=moment)
    elif isinstance(row, DealStageChange):
        DealStageChange.objects.filter(pk=row.pk).update(changed_at=moment)
    else:
        type(row).objects.filter(pk=row.pk).update(**{TIMED[type(row)]: moment})


def keys(entries) -> list[tuple[str, int]]:
    return [(e.kind, e.pk) for e in entries]


def walk(viewer, cp, *, size: int, groups=()) -> list[tuple[str, int]]:
    """Every entry, page after page; fails on a page that repeats or loops."""
    seen: list[tuple[str, int]] = []
    cursor = None
    for _ in range(1000):
        page = timeline_page(viewer=viewer, counterparty=cp, groups=groups, cursor=cursor,
                             size=size)  # fmt: skip
        assert len(page.entries) <= size
        seen += keys(page.entries)
        if page.next_cursor is None:
            return seen
        assert len(page.entries) == size
        cursor = page.next_cursor
    raise AssertionError("the pages never ended")


@pytest.fixture
def client_history(manager):
    """A client of `manager` with one or more rows of every source, many at the same time T."""
    own_company()
    deal = DealFactory(responsible=manager)
    cp = deal.counterparty
    rows = []
    rows += [interaction_for(manager, counterparty=cp) for _ in range(4)]
    stages = list(deal.pipeline.stages.order_by("position"))
    deal_move(actor=manager, deal=deal, to_stage=stages[1])
    deal_move(actor=manager, deal=Deal.objects.get(pk=deal.pk), to_stage=stages[2])
    rows += list(DealStageChange.objects.filter(deal=deal))
    rows += [quote_for(manager, deal=deal), quote_for(manager, deal=deal)]
    order = order_for(manager, deal=deal)
    rows += [order, shipment_for(manager, order=order)]
    invoice = issued_invoice(responsible=manager, counterparty=cp)
    rows += [invoice, invoice_draft(responsible=manager, counterparty=cp)]
    rows += [payment_for(invoice, "100.00"), payment_for(invoice, "200.00")]
    rows += [claim_for(manager, counterparty=cp), claim_for(manager, counterparty=cp)]
    # Every other row at T, the rest an hour or a day before, some of those shared too.
    for i, row in enumerate(rows):
        moment = T if i % 2 == 0 else T - dt.timedelta(hours=1 + i % 3)
        at(row, moment)
    # Audit events cannot be moved: these are the newest entries, at the time they happen.
    log_action(actor=manager, action="directory.counterparty.updated", obj=cp,
               changes={"name": ["a", "b"]})  # fmt: skip
    log_action(actor=manager, action="directory.counterparty.exported", obj=cp)  # not shown
    return cp


def expected(cp, viewer=None) -> list[tuple[str, int]]:
    """The timeline recomputed from the tables: time desc, source rank, id desc."""
    from accord.core.models import AuditEvent

    rows: list[tuple[dt.datetime, int, int, str]] = []

    def add(kind: str, pairs) -> None:
        rows.extend((moment, RANK[kind], pk, kind) for pk, moment in pairs)

    add("interaction", Interaction.objects.filter(counterparty=cp).values_list("pk", "starts_at"))
    add("stage", DealStageChange.objects.filter(deal__counterparty=cp).values_list(
        "pk", "changed_at"))  # fmt: skip
    for kind, model in (("quote", Quote), ("order", Order), ("invoice", Invoice),
                        ("shipment", Shipment), ("payment", Payment), ("claim", Claim)):  # fmt: skip
        add(kind, model.objects.filter(counterparty=cp).values_list("pk", "created_at"))
    add("event", AuditEvent.objects.filter(
        object_type="directory.counterparty", object_id=str(cp.pk),
        action__startswith="directory.counterparty.", action__in=[
            "directory.counterparty.created", "directory.counterparty.updated"],
    ).values_list("pk", "at"))  # fmt: skip
    rows.sort(key=lambda r: (-r[0].timestamp(), r[1], -r[2]))
    return [(kind, pk) for _moment, _rank, pk, kind in rows]


# ---------------------------------------------------------------- order and paging


def test_every_source_is_merged_newest_first_with_ties_by_source_then_id(manager, client_history):
    cp = client_history
    page = timeline_page(viewer=manager, counterparty=cp, size=100)
    assert page.next_cursor is None
    assert keys(page.entries) == expected(cp)
    assert {e.kind for e in page.entries} == set(RANK)
    at_t = [e for e in page.entries if e.at == T]
    assert [e.rank for e in at_t] == sorted(e.rank for e in at_t)
    assert len(at_t) > len({e.kind for e in at_t})  # several rows of one source tie too


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 30])
def test_pages_have_no_duplicates_and_no_gaps(manager, client_history, size):
    cp = client_history
    assert walk(manager, cp, size=size) == expected(cp)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    moments=st.lists(
        st.tuples(st.sampled_from(["interaction", "claim", "stage"]), st.integers(0, 3)),
        min_size=1, max_size=14,
    ),
    size=st.integers(1, 6),
)  # fmt: skip
def test_any_mix_of_equal_times_pages_in_the_recomputed_order(manager, moments, size):
    deal = DealFactory(responsible=manager)
    cp = deal.counterparty
    stage = deal.stage
    for kind, minutes in moments:
        moment = T - dt.timedelta(minutes=minutes)
        if kind == "interaction":
            row = Interaction.objects.create(kind="call", subject="x", counterparty=cp,
                                             responsible=manager, starts_at=moment)  # fmt: skip
        elif kind == "claim":
            row = Claim.objects.create(number=f"T-{Claim.objects.count()}", subject="x",
                                       counterparty=cp, responsible=manager)  # fmt: skip
            at(row, moment)
        else:
            row = DealStageChange.objects.create(deal=deal, from_stage=stage, to_stage=stage,
                                                 changed_at=moment, changed_by=manager,
                                                 seconds_in_previous_stage=0)  # fmt: skip
    assert walk(manager, cp, size=size) == expected(cp)


def test_a_stale_or_forged_cursor_is_refused(manager, client_history):
    from accord.core.pagination import encode_cursor

    forged = encode_cursor(["yesterday", 1, 2], "n")
    with pytest.raises(ValidationFailedError):
        timeline_page(viewer=manager, counterparty=client_history, cursor=forged)


# ---------------------------------------------------------------- filters and visibility


@pytest.mark.parametrize(
    ("groups", "kinds"),
    [(["documents"], {"quote", "order", "invoice", "shipment"}),
     (["interactions", "payments"], {"interaction", "payment"}),
     (["deals"], {"stage"}), (["claims"], {"claim"}), (["history"], {"event"}),
     (["nonsense"], set(RANK)), ([], set(RANK))],
)  # fmt: skip
def test_groups_filter_the_sources(manager, client_history, groups, kinds):
    cp = client_history
    got = walk(manager, cp, size=4, groups=groups)
    assert {kind for kind, _pk in got} == kinds
    assert got == [entry for entry in expected(cp) if entry[0] in kinds]
    assert set(GROUPS) == {"interactions", "deals", "documents", "payments", "claims", "history"}


def test_rows_of_another_manager_on_the_same_client_are_not_shown(manager, other_manager):
    own_company()
    department = DepartmentFactory()
    head = UserFactory(username="head", roles=["head"], department=department)
    for user in (manager, other_manager):
        user.department = department
        user.save()
    cp = CounterpartyFactory(responsible=manager)
    mine = interaction_for(manager, counterparty=cp)
    their_deal = DealFactory(responsible=other_manager, counterparty=cp)
    deal_move(actor=other_manager, deal=their_deal, to_stage=their_deal.pipeline.stages.all()[1])
    their_invoice = invoice_create(actor=head, data={
        "own_company_id": OwnCompany.objects.get().pk, "counterparty_id": cp.pk,
        "responsible_id": other_manager.pk,
        "lines": [{"name": "Работы", "quantity": "1", "price": "10.00", "vat_rate": "none"}],
    })  # fmt: skip
    their_call = interaction_for(other_manager, counterparty=cp, actor=head)
    their_claim = claim_for(other_manager, counterparty=cp, actor=head)
    shown = walk(manager, cp, size=50)
    assert shown == [("interaction", mine.pk)]
    # The head of both sees everything on the client.
    everything = walk(head, cp, size=50)
    assert set(everything) == {
        ("interaction", mine.pk), ("interaction", their_call.pk), ("invoice", their_invoice.pk),
        ("claim", their_claim.pk),
        ("stage", DealStageChange.objects.get(deal=their_deal).pk),
    }  # fmt: skip


def test_contact_person_events_of_the_client_are_shown(manager):
    cp = CounterpartyFactory(responsible=manager)
    person = contact_person_create(actor=manager, data={"counterparty_id": cp.pk,
                                                        "name": "Петров Пётр"})  # fmt: skip
    other = contact_person_create(
        actor=manager,
        data={"counterparty_id": CounterpartyFactory(responsible=manager).pk, "name": "Чужой"},
    )
    events = timeline_page(viewer=manager, counterparty=cp, groups=["history"]).entries
    assert [(e.obj.action, e.obj.object_id) for e in events] == [
        ("directory.contact_person.created", str(person.pk))
    ]
    assert str(other.pk) != str(person.pk)


# ---------------------------------------------------------------- query budget


def _lots_of_history(manager, cp, deal, n: int) -> None:
    """`n` interactions and `n` stage changes spread over a year, some at the same time."""
    base = T - dt.timedelta(days=365)
    Interaction.objects.bulk_create(
        Interaction(kind=("call", "meeting", "email")[i % 3], subject=f"#{i}", counterparty=cp,
                    responsible=manager, starts_at=base + dt.timedelta(hours=i // 2))
        for i in range(n)
    )  # fmt: skip
    DealStageChange.objects.bulk_create(
        DealStageChange(deal=deal, from_stage=deal.stage, to_stage=deal.stage,
                        changed_at=base + dt.timedelta(hours=i // 2), changed_by=manager,
                        seconds_in_previous_stage=0)
        for i in range(n)
    )  # fmt: skip


def test_a_page_costs_a_fixed_number_of_queries(manager, client_history,
                                                 django_assert_max_num_queries):  # fmt: skip
    cp = client_history
    deal = Deal.objects.get(counterparty=cp)
    _lots_of_history(manager, cp, deal, 100)  # with the fixture's rows: over 200 events
    viewer = type(manager).objects.get(pk=manager.pk)  # nothing cached on the user
    with django_assert_max_num_queries(12):
        first = timeline_page(viewer=viewer, counterparty=cp)
        for entry in first.entries:  # what the template reads of each entry
            str(entry.obj)
    with django_assert_max_num_queries(12):
        second = timeline_page(viewer=viewer, counterparty=cp, cursor=first.next_cursor)
    assert len(first.entries) == len(second.entries) == 30
    assert not set(keys(first.entries)) & set(keys(second.entries))
    # Ten times the history costs the same.
    _lots_of_history(manager, cp, deal, 1000)
    with django_assert_max_num_queries(12):
        again = timeline_page(viewer=viewer, counterparty=cp, cursor=first.next_cursor)
    assert len(again.entries) == 30
