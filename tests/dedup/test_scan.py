"""The duplicate scan over the database: what it finds, what it remembers, who sees it."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.dedup.models import Decision, Kind, Pair, PairStatus, Scan, ScanStatus
from accord.dedup.scan import BLOCK_CAP, WINDOW, find_pairs, scan_run
from accord.dedup.selectors import pairs_visible
from accord.dedup.tasks import dedup_scan_task
from accord.directory.models import Counterparty
from accord.directory.similarity import COMPANY, PERSON, Record, prepare
from tests.factories import (
    ContactDetailFactory,
    ContactPersonFactory,
    CounterpartyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def run(kinds=None) -> Scan:
    scan = Scan.objects.create(kinds=kinds or list(Kind.values))
    scan_run(scan.pk)
    scan.refresh_from_db()
    return scan


def pairs(kind=Kind.COUNTERPARTY, status=PairStatus.OPEN):
    return set(Pair.objects.filter(kind=kind, status=status).values_list("left_id", "right_id"))


def ordered(a, b):
    return (min(a.pk, b.pk), max(a.pk, b.pk))


def test_scan_finds_companies_and_people_entered_twice(manager):
    a = CounterpartyFactory(responsible=manager, name="ООО «Вектор-Строй»", phone="+79161234567")
    b = CounterpartyFactory(responsible=manager, name="Vektor Stroy LLC", phone="+79161234567",
                            inn="")  # fmt: skip
    CounterpartyFactory(responsible=manager, name="ООО «Гранит»")
    cp = CounterpartyFactory(responsible=manager, name="ООО «Мир»")
    ivan = ContactPersonFactory(counterparty=cp, name="Иванов Иван Петрович",
                                birthday=dt.date(1980, 5, 1))  # fmt: skip
    ivan2 = ContactPersonFactory(counterparty=cp, name="Ivan Ivanov", birthday=dt.date(1980, 5, 1))
    ContactDetailFactory(contact_person=ivan, kind="email", value="ivanov@mir.ru")
    ContactDetailFactory(contact_person=ivan2, kind="email", value="IVANOV@MIR.RU")
    ContactPersonFactory(counterparty=cp, name="Петрова Анна Сергеевна")

    scan = run()

    assert scan.status == ScanStatus.DONE
    assert (scan.records, scan.found, scan.new) == (7, 2, 2)
    assert scan.duration_seconds is not None
    assert pairs(Kind.COUNTERPARTY) == {ordered(a, b)}
    assert pairs(Kind.CONTACT_PERSON) == {ordered(ivan, ivan2)}
    pair = Pair.objects.get(kind=Kind.COUNTERPARTY)
    assert pair.score > 0.9
    assert "same_phone" in pair.reasons
    assert pair.by_contact is True
    assert pair.labels[0] == "same phone"


def test_a_rescan_keeps_decisions_updates_scores_and_drops_what_is_gone(manager):
    a = CounterpartyFactory(responsible=manager, name="ООО «Альфа»", phone="+79161234567")
    b = CounterpartyFactory(responsible=manager, name="Альфа", phone="+79161234567", inn="")
    c = CounterpartyFactory(responsible=manager, name="ООО «Омега»", phone="+79167654321")
    d = CounterpartyFactory(responsible=manager, name="Омега", phone="+79167654321", inn="")
    run()
    assert pairs() == {ordered(a, b), ordered(c, d)}
    first = Pair.objects.get(left_id=min(a.pk, b.pk))
    first.status = PairStatus.DISMISSED
    first.save()
    Decision.objects.create(kind=Kind.COUNTERPARTY, left_id=first.left_id, right_id=first.right_id)
    Counterparty.objects.filter(pk=d.pk).update(phone="+79160000000", name="Совсем другое")

    scan = run()

    assert pairs() == set()  # a-b decided, c-d no longer alike
    assert pairs(status=PairStatus.DISMISSED) == {ordered(a, b)}
    assert (scan.found, scan.new) == (0, 0)


def test_scan_holds_up_on_empty_and_odd_values(manager):
    for name in ("", "—", "???", "ООО", "ИП", "a" * 255, "Иванов И.И.", "123456"):
        CounterpartyFactory(responsible=manager, name=name, inn="", phone="", email="")
    CounterpartyFactory(responsible=manager, name="Без ИНН", inn="", phone="не указан",
                        email="нет", legal_address="-")  # fmt: skip
    person = ContactPersonFactory(name="")
    ContactDetailFactory(contact_person=person, kind="phone", value="доб. 123")

    scan = run()

    assert scan.status == ScanStatus.DONE
    assert scan.records == 11


def test_a_huge_block_compares_neighbours_only():
    """10,000 namesakes: each is compared with a window of neighbours, not with all."""
    records = [
        prepare(Record(kind=PERSON, id=i, name=f"Иванов Иван {'абвгдежзиклмнопрстуф'[i % 20]}"))
        for i in range(1, 10_001)
    ]

    outcome = find_pairs(records)

    assert outcome.records == 10_000
    assert outcome.compared < 10_000 * WINDOW * 4  # the blocks of each word, windowed
    assert BLOCK_CAP < 10_000


def test_find_pairs_answers_each_pair_once_in_order():
    records = [
        prepare(Record(kind=COMPANY, id=i, name="ООО «Вектор»", inn="7707083893"))
        for i in (5, 2, 9)
    ]

    outcome = find_pairs(records)

    assert sorted((f.left, f.right) for f in outcome.pairs) == [(2, 5), (2, 9), (5, 9)]


def test_pairs_are_visible_only_when_both_records_are(manager, other_manager):
    mine = CounterpartyFactory(responsible=manager, name="ООО «Альфа»", phone="+79161234567")
    also_mine = CounterpartyFactory(responsible=manager, name="Альфа", phone="+79161234567",
                                    inn="")  # fmt: skip
    theirs = CounterpartyFactory(responsible=other_manager, name="Альфа ООО",
                                 phone="+79161234567", inn="")  # fmt: skip
    run()
    assert len(pairs()) == 3

    seen = {p.ids() for p in pairs_visible(viewer=manager)}

    assert seen == {ordered(mine, also_mine)}
    assert not pairs_visible(viewer=UserFactory(roles=[]))
    assert ordered(mine, theirs) in {p.ids() for p in pairs_visible(viewer=UserFactory(
        roles=["admin"]))}  # fmt: skip


def test_a_vip_pair_found_by_phone_is_hidden_from_who_may_not_reveal(manager):
    vip = CounterpartyFactory(responsible=manager, name="ООО «Альфа»", phone="+79161234567",
                              is_vip=True)  # fmt: skip
    plain = CounterpartyFactory(responsible=manager, name="Альфа", phone="+79161234567", inn="")
    named = CounterpartyFactory(responsible=manager, name="Alfa", inn="")
    run()
    assert ordered(vip, plain) in pairs()

    shown = {p.ids() for p in pairs_visible(viewer=manager)}

    assert ordered(vip, plain) not in shown  # it would confirm the VIP's hidden phone
    assert ordered(vip, named) in shown  # by name only: nothing hidden is confirmed
    director = UserFactory(roles=["director"])  # sees all, may reveal
    assert ordered(vip, plain) in {p.ids() for p in pairs_visible(viewer=director)}


def test_a_failed_scan_says_why_and_keeps_the_old_pairs(manager, monkeypatch):
    a = CounterpartyFactory(responsible=manager, name="ООО «Альфа»", phone="+79161234567")
    b = CounterpartyFactory(responsible=manager, name="Альфа", phone="+79161234567", inn="")
    run()

    def broken(region):
        raise RuntimeError("disk full")
        yield  # pragma: no cover

    monkeypatch.setitem(__import__("accord.dedup.scan").dedup.scan.READERS, Kind.COUNTERPARTY,
                        broken)  # fmt: skip
    scan = Scan.objects.create(kinds=[Kind.COUNTERPARTY])
    with pytest.raises(RuntimeError):
        scan_run(scan.pk)

    scan.refresh_from_db()
    assert (scan.status, scan.error) == (ScanStatus.FAILED, "disk full")
    assert pairs() == {ordered(a, b)}
    assert scan_run(scan.pk) is None  # a finished scan is not run again


def test_the_task_runs_a_queued_scan_and_a_schedule_scans_everything(manager):
    CounterpartyFactory(responsible=manager, name="ООО «Альфа»", phone="+79161234567")
    CounterpartyFactory(responsible=manager, name="Альфа", phone="+79161234567", inn="")
    queued = Scan.objects.create(kinds=[Kind.COUNTERPARTY])

    assert dedup_scan_task.call(queued.pk) == {"records": 2, "found": 1, "new": 1}
    assert dedup_scan_task.call(queued.pk) == {}  # done already: left alone
    assert dedup_scan_task.call() == {"records": 2, "found": 1, "new": 0}
    assert Scan.objects.filter(status=ScanStatus.DONE).count() == 2
