"""Merging two counterparties or two contact persons: every linked object moves, empty fields
are filled, the history stays, and every refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.activities.models import ProcessInstance, Reminder
from accord.core.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.dedup.errors import MergeConflictError
from accord.dedup.merge_services import (
    contact_person_merge,
    counterparty_merge,
    handled_relations,
    reverse_relations,
)
from accord.dedup.models import Decision, Kind, Merge, Pair
from accord.dedup.selectors import merged_into
from accord.directory.models import BankAccount, ContactDetail, ContactPerson, Counterparty, Tag
from accord.exchange.models import ExternalRef, RefKind
from tests.dedup.conftest import link_everything, node
from tests.factories import (
    ContactDetailFactory,
    ContactPersonFactory,
    CounterpartyFactory,
    DealFactory,
    UserFactory,
    claim_for,
    interaction_for,
    order_for,
    process_for,
    process_template,
    quote_for,
)

pytestmark = pytest.mark.django_db

# Every relation that points at a counterparty or a contact person, as `app.Model.field`.
# The tests below make one row of each and check that it moved. A new model that links to
# one of them fails `test_every_relation_is_handled_and_tested` until it is added to a test.
COUNTERPARTY_RELATIONS = {
    "directory.Counterparty_tags.counterparty",
    "directory.BankAccount.counterparty",
    "directory.ContactPerson.counterparty",
    "directory.ContactDetail.counterparty",
    "sales.Deal.counterparty",
    "sales.Quote.counterparty",
    "sales.Order.counterparty",
    "sales.Shipment.counterparty",
    "billing.Invoice.counterparty",
    "billing.Payment.counterparty",
    "activities.Claim.counterparty",
    "activities.Interaction.counterparty",
    "activities.ProcessInstance.counterparty",
    "activities.Assignment.counterparty",
    "activities.Reminder.counterparty",
    # references that are not foreign keys
    "exchange.ExternalRef.object_id",
    "activities.ProcessInstance.object_id",
}
PERSON_RELATIONS = {
    "directory.ContactDetail.contact_person",
    "sales.Deal.contact_person",
    "sales.Quote.contact_person",
    "sales.Order.contact_person",
    "billing.Invoice.contact_person",
    "activities.Claim.contact_person",
    "activities.Interaction.contact_person",
    "activities.Reminder.contact_person",
    "exchange.ExternalRef.object_id",
}


@pytest.mark.parametrize(
    ("model", "expected"),
    [(Counterparty, COUNTERPARTY_RELATIONS), (ContactPerson, PERSON_RELATIONS)],
    ids=["counterparty", "contact_person"],
)
def test_every_relation_is_handled_and_tested(model, expected):
    # Django's own list first (`related_objects` leaves out the hidden ones: both are read).
    for rel in model._meta.related_objects:
        assert f"{rel.related_model._meta.label}.{rel.field.name}" in expected, rel
    found = {f"{r.related_model._meta.label}.{r.field.name}" for r in reverse_relations(model)}
    assert set(handled_relations(model)) == expected, (
        "a model links to this one: make the merge tests create one of it and name it here",
        found
        ^ (expected - {"exchange.ExternalRef.object_id", "activities.ProcessInstance.object_id"}),
    )


def _refetch(obj):
    return type(obj)._base_manager.get(pk=obj.pk)


def test_merge_moves_every_linked_object_of_a_counterparty(head, everything_state):
    kept = CounterpartyFactory(responsible=head, name="ООО «Вектор»", phone="", email="")
    other = CounterpartyFactory(
        responsible=head, name="Вектор ООО", phone="+79161234567", email="info@vektor.ru",
        website="vektor.ru", notes="Звонить после обеда",
    )  # fmt: skip
    linked = link_everything(head, other)
    assert {m for m in linked.objects} | {"directory.Counterparty_tags"} >= {
        r.rsplit(".", 1)[0] for r in COUNTERPARTY_RELATIONS if not r.endswith("object_id")
    }

    result = counterparty_merge(actor=head, keep=kept, other=other)

    assert not Counterparty.objects.filter(pk=other.pk).exists()
    for label, objects in linked.objects.items():
        for obj in objects:
            row = _refetch(obj)
            if label == "exchange.ExternalRef":
                assert row.object_id == kept.pk
            else:
                assert row.counterparty_id == kept.pk, label
    process = _refetch(linked.objects["activities.ProcessInstance"][0])
    assert (process.object_id, process.object_label) == (kept.pk, "ООО «Вектор»")
    assert sorted(t.name for t in kept.tags.all()) == ["vip", "опт"]
    detail = _refetch(linked.objects["directory.ContactDetail"][0])
    assert detail.counterparty_id == kept.pk
    assert result.moved["sales.Deal"] == 1
    assert result.moved["exchange.ExternalRef"] == 1
    assert result.moved["activities.ProcessInstance"] == 1
    kept.refresh_from_db()
    assert (kept.phone, kept.email, kept.website) == ("+79161234567", "info@vektor.ru", "vektor.ru")
    assert kept.name == "ООО «Вектор»"  # the kept record's own values stay
    assert set(result.filled) >= {"phone", "email", "website", "notes"}


def test_merge_audits_both_records_and_remembers_where_the_other_went(head):
    kept = CounterpartyFactory(responsible=head, phone="")
    other = CounterpartyFactory(responsible=head, phone="+79161234567")
    DealFactory(responsible=head, counterparty=other)
    events_before = AuditEvent.objects.count()

    counterparty_merge(actor=head, keep=kept.pk, other=other.pk)

    merged = AuditEvent.objects.get(action="directory.counterparty.merged")
    assert merged.object_id == str(kept.pk)
    assert merged.changes["phone"] == ["", "+79161234567"]
    assert merged.changes["merged_from"] == other.pk
    assert merged.changes["moved"] == {"sales.Deal": 1}
    gone = AuditEvent.objects.get(action="directory.counterparty.merged_into")
    assert gone.object_id == str(other.pk)
    assert gone.changes["merged_into"] == kept.pk
    assert gone.changes["inn"] == other.inn  # the removed record's values stay in its history
    assert AuditEvent.objects.count() == events_before + 2
    assert merged_into(kind=Kind.COUNTERPARTY, pk=other.pk) == kept.pk
    assert Merge.objects.get().moved == {"sales.Deal": 1}


def test_merge_keeps_one_copy_of_shared_tags_and_bank_accounts(head):
    kept, other = CounterpartyFactory(responsible=head), CounterpartyFactory(responsible=head)
    tag = Tag.objects.create(name="опт")
    kept.tags.add(tag)
    other.tags.add(tag)
    for cp in (kept, other):
        BankAccount.objects.create(counterparty=cp, bic="044525225", account="40702810938000000001")
    BankAccount.objects.create(counterparty=other, bic="044525225", account="40702810938000000002")

    counterparty_merge(actor=head, keep=kept, other=other)

    assert [t.name for t in kept.tags.all()] == ["опт"]
    assert sorted(kept.bank_accounts.values_list("account", flat=True)) == [
        "40702810938000000001", "40702810938000000002",
    ]  # fmt: skip


def test_merge_fills_only_empty_fields_and_joins_notes(head):
    kept = CounterpartyFactory(
        responsible=head, full_name="", legal_address="Москва", notes="Первый", custom={"a": 1},
    )  # fmt: skip
    other = CounterpartyFactory(
        responsible=UserFactory(roles=["manager"], department=head.department),
        full_name="ООО «Ромашка»", legal_address="Тула", notes="Второй", custom={"a": 2, "b": 3},
        is_vip=True,
    )  # fmt: skip

    counterparty_merge(actor=head, keep=kept, other=other)

    kept.refresh_from_db()
    assert kept.full_name == "ООО «Ромашка»"
    assert kept.legal_address == "Москва"
    assert kept.notes == "Первый\n\nВторой"
    assert kept.custom == {"a": 1, "b": 3}
    assert kept.is_vip is True  # masking is never lost by a merge
    assert kept.responsible_id == head.pk


def test_a_different_kind_of_counterparty_does_not_lend_its_inn(head):
    kept = CounterpartyFactory(responsible=head, kind="legal_entity", inn="")
    other = CounterpartyFactory(responsible=head, kind="sole_trader", inn="500100732259")

    counterparty_merge(actor=head, keep=kept, other=other)

    kept.refresh_from_db()
    assert kept.inn == ""


def test_merge_updates_pairs_and_carries_decisions_over(head):
    kept, other, third = (CounterpartyFactory(responsible=head) for _ in range(3))
    low, high = sorted((kept.pk, other.pk))
    pair = Pair.objects.create(kind=Kind.COUNTERPARTY, left_id=low, right_id=high, score=0.9)
    stale = Pair.objects.create(
        kind=Kind.COUNTERPARTY, left_id=min(other.pk, third.pk), right_id=max(other.pk, third.pk),
        score=0.8,
    )  # fmt: skip
    Decision.objects.create(
        kind=Kind.COUNTERPARTY, left_id=min(other.pk, third.pk), right_id=max(other.pk, third.pk)
    )

    counterparty_merge(actor=head, keep=kept, other=other)

    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == ("merged", head)
    assert not Pair.objects.filter(pk=stale.pk).exists()
    assert list(Decision.objects.values_list("left_id", "right_id")) == [
        (min(kept.pk, third.pk), max(kept.pk, third.pk))
    ]


def test_merge_of_contact_persons_moves_every_linked_object(head):
    cp = CounterpartyFactory(responsible=head)
    kept = ContactPersonFactory(counterparty=cp, name="Иванов Иван Петрович", position="")
    other = ContactPersonFactory(
        counterparty=cp, name="Ivanov Ivan", position="Директор", birthday=dt.date(1980, 5, 1)
    )
    ContactDetailFactory(contact_person=kept, value="+79160000001")
    ContactDetailFactory(contact_person=other, value="+79160000001")  # the same: kept once
    moved_detail = ContactDetailFactory(contact_person=other, kind="email", value="i@ivanov.ru")
    deal = DealFactory(responsible=head, counterparty=cp, contact_person=other)
    quote = quote_for(head, deal=deal)
    order = order_for(head, deal=deal)
    claim = claim_for(head, counterparty=cp)
    interaction = interaction_for(head, counterparty=cp)
    reminder = Reminder.objects.create(owner=head, subject="Позвонить", starts_at=dt.datetime.now(dt.UTC),
                                       counterparty=cp, contact_person=other)  # fmt: skip
    from tests.factories import invoice_draft

    invoice = invoice_draft(responsible=head, counterparty=cp)
    for obj in (quote, order, claim, interaction, invoice):
        type(obj)._base_manager.filter(pk=obj.pk).update(contact_person=other)
    ref = ExternalRef.objects.create(
        node=node(), kind=RefKind.CONTACT_PERSON, external_id="p-1", object_id=other.pk
    )

    result = contact_person_merge(actor=head, keep=kept, other=other)

    assert not ContactPerson.objects.filter(pk=other.pk).exists()
    for obj in (deal, quote, order, claim, interaction, invoice, reminder):
        assert _refetch(obj).contact_person_id == kept.pk, obj._meta.label
    assert _refetch(ref).object_id == kept.pk
    assert _refetch(moved_detail).contact_person_id == kept.pk
    assert sorted(kept.details.values_list("value", flat=True)) == ["+79160000001", "i@ivanov.ru"]
    kept.refresh_from_db()
    assert (kept.position, kept.birthday) == ("Директор", dt.date(1980, 5, 1))
    assert result.moved["directory.ContactDetail"] == 1
    assert AuditEvent.objects.filter(action="directory.contact_person.merged").count() == 1
    gone = AuditEvent.objects.get(action="directory.contact_person.merged_into")
    assert ["email", "i@ivanov.ru", ""] in gone.changes["details"]


# --------------------------------------------------------------------------- refusals


def test_refusals_write_nothing(head, seller, everything_state):
    mine = CounterpartyFactory(responsible=head)
    theirs = CounterpartyFactory(responsible=head)
    hidden = CounterpartyFactory(responsible=UserFactory(roles=["manager"]))
    before = everything_state()

    with pytest.raises(PermissionDeniedError):
        counterparty_merge(actor=seller, keep=mine, other=theirs)  # a manager may not delete
    with pytest.raises(ValidationFailedError):
        counterparty_merge(actor=head, keep=mine, other=mine.pk)
    with pytest.raises(NotFoundError):
        counterparty_merge(actor=head, keep=mine, other=987_654_321)
    with pytest.raises(NotFoundError):
        counterparty_merge(actor=head, keep=mine, other=hidden)  # not visible: as if missing
    with pytest.raises(NotFoundError):
        counterparty_merge(actor=head, keep=mine, other="x")

    assert everything_state() == before


def test_two_ids_from_one_1c_base_refuse_the_merge(head, everything_state):
    kept, other = CounterpartyFactory(responsible=head), CounterpartyFactory(responsible=head)
    base = node()
    ExternalRef.objects.create(
        node=base, kind=RefKind.COUNTERPARTY, external_id="a", object_id=kept.pk
    )
    ExternalRef.objects.create(
        node=base, kind=RefKind.COUNTERPARTY, external_id="b", object_id=other.pk
    )
    DealFactory(responsible=head, counterparty=other)
    before = everything_state()

    with pytest.raises(MergeConflictError, match="1C"):
        counterparty_merge(actor=head, keep=kept, other=other)

    assert everything_state() == before


def test_ids_from_two_1c_bases_are_both_kept(head):
    kept, other = CounterpartyFactory(responsible=head), CounterpartyFactory(responsible=head)
    ExternalRef.objects.create(
        node=node("УТ"), kind=RefKind.COUNTERPARTY, external_id="a", object_id=kept.pk
    )
    ExternalRef.objects.create(
        node=node("БП"), kind=RefKind.COUNTERPARTY, external_id="b", object_id=other.pk
    )

    counterparty_merge(actor=head, keep=kept, other=other)

    assert sorted(ExternalRef.objects.values_list("external_id", "object_id")) == [
        ("a", kept.pk), ("b", kept.pk),
    ]  # fmt: skip


def test_the_same_running_process_on_both_refuses_the_merge(head, everything_state):
    kept, other = CounterpartyFactory(responsible=head), CounterpartyFactory(responsible=head)
    template = process_template(object_kind="counterparty")
    process_for(head, obj=kept, template=template)
    process_for(head, obj=other, template=template)
    before = everything_state()

    with pytest.raises(MergeConflictError, match=template.name):
        counterparty_merge(actor=head, keep=kept, other=other)

    assert everything_state() == before
    assert ProcessInstance.objects.count() == 2


def test_contact_persons_of_different_counterparties_are_not_merged(head, everything_state):
    one = ContactPersonFactory(counterparty=CounterpartyFactory(responsible=head))
    two = ContactPersonFactory(counterparty=CounterpartyFactory(responsible=head))
    before = everything_state()

    with pytest.raises(MergeConflictError, match="different counterparties"):
        contact_person_merge(actor=head, keep=one, other=two)

    assert everything_state() == before


def test_a_manager_merges_contact_persons_he_sees_and_no_others(seller, everything_state):
    cp = CounterpartyFactory(responsible=seller)
    one, two = ContactPersonFactory(counterparty=cp), ContactPersonFactory(counterparty=cp)
    foreign_cp = CounterpartyFactory(responsible=UserFactory(roles=["manager"]))
    three, four = (
        ContactPersonFactory(counterparty=foreign_cp),
        ContactPersonFactory(counterparty=foreign_cp),
    )
    before = everything_state()

    with pytest.raises(NotFoundError):
        contact_person_merge(actor=seller, keep=three, other=four)
    assert everything_state() == before

    contact_person_merge(actor=seller, keep=one, other=two)
    assert list(cp.contact_persons.all()) == [one]
    assert ContactDetail.objects.count() == 0


def test_the_old_card_address_leads_to_the_kept_card(admin_user) -> None:
    from django.test import Client

    from accord.dedup.merge_services import counterparty_merge
    from tests.factories import CounterpartyFactory

    keep, other = CounterpartyFactory(), CounterpartyFactory()
    counterparty_merge(actor=admin_user, keep=keep.pk, other=other.pk)
    client = Client()
    client.force_login(admin_user)
    response = client.get(f"/counterparties/{other.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/counterparties/{keep.pk}/"
    assert client.get("/counterparties/999999/").status_code == 404
