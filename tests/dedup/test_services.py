"""Starting scans, merging a pair, and "not a duplicate"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.core.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.dedup.errors import PairDecidedError
from accord.dedup.models import Decision, Kind, Pair, PairStatus, Scan, ScanStatus
from accord.dedup.services import pair_dismiss, pair_merge, record_merge, scan_start
from accord.directory.models import Counterparty
from tests.factories import CounterpartyFactory, UserFactory

pytestmark = pytest.mark.django_db


def pair_of(a, b, kind=Kind.COUNTERPARTY, score=0.9):
    low, high = sorted((a.pk, b.pk))
    return Pair.objects.create(kind=kind, left_id=low, right_id=high, score=score,
                               reasons=["same_phone"], by_contact=True)  # fmt: skip


def test_scan_start_queues_one_scan_and_answers_it_while_it_is_active(
    head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        scan = scan_start(actor=head)
        again = scan_start(actor=head, kinds=[Kind.COUNTERPARTY])

    assert again == scan
    assert (scan.status, scan.kinds, scan.started_by) == (
        ScanStatus.QUEUED, [Kind.COUNTERPARTY, Kind.CONTACT_PERSON], head,
    )  # fmt: skip
    assert len(callbacks) == 1  # the task is enqueued once, when the transaction commits
    assert AuditEvent.objects.filter(action="dedup.scan.started").count() == 1


def test_a_stale_scan_is_closed_and_a_new_one_started(head):
    old = Scan.objects.create(status=ScanStatus.RUNNING,
                              heartbeat_at=timezone.now() - dt.timedelta(hours=1))  # fmt: skip

    scan = scan_start(actor=head)

    old.refresh_from_db()
    assert old.status == ScanStatus.FAILED
    assert scan.pk != old.pk


def test_scan_start_refusals_write_nothing(everything_state):
    viewer = UserFactory(roles=["director"])  # views everything, changes nothing
    admin = UserFactory(roles=["admin"])
    before = everything_state()
    with pytest.raises(PermissionDeniedError):
        scan_start(actor=viewer)
    with pytest.raises(ValidationFailedError):
        scan_start(actor=admin, kinds=["deals"])
    assert everything_state() == before


def test_pair_merge_keeps_the_chosen_side(head):
    left = CounterpartyFactory(responsible=head)
    right = CounterpartyFactory(responsible=head)
    pair = pair_of(left, right)

    result = pair_merge(actor=head, pair=pair, keep="right")

    assert result.kept == right
    assert not Counterparty.objects.filter(pk=left.pk).exists()
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED


def test_pair_merge_refusals_write_nothing(head, seller, everything_state):
    pair = pair_of(CounterpartyFactory(responsible=head), CounterpartyFactory(responsible=head))
    sellers = pair_of(
        CounterpartyFactory(responsible=seller), CounterpartyFactory(responsible=seller)
    )
    hidden = pair_of(
        CounterpartyFactory(responsible=UserFactory(roles=["manager"])),
        CounterpartyFactory(responsible=head),
    )
    before = everything_state()

    with pytest.raises(ValidationFailedError):
        pair_merge(actor=head, pair=pair, keep="both")
    with pytest.raises(PermissionDeniedError):
        pair_merge(actor=seller, pair=sellers, keep="left")  # a manager may not delete them
    with pytest.raises(NotFoundError):
        pair_merge(actor=seller, pair=pair, keep="left")  # the head's clients: not his
    with pytest.raises(NotFoundError):
        pair_merge(actor=head, pair=hidden, keep="left")
    with pytest.raises(NotFoundError):
        pair_merge(actor=head, pair=987_654_321, keep="left")

    assert everything_state() == before


def test_dismiss_is_remembered_and_a_decided_pair_is_a_conflict(seller, everything_state):
    a, b = CounterpartyFactory(responsible=seller), CounterpartyFactory(responsible=seller)
    pair = pair_of(a, b)

    pair_dismiss(actor=seller, pair=pair)

    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == (PairStatus.DISMISSED, seller)
    assert Decision.objects.filter(kind=Kind.COUNTERPARTY, left_id=pair.left_id).exists()
    assert AuditEvent.objects.filter(action="dedup.pair.dismissed", object_id=str(pair.pk)).exists()
    director = UserFactory(roles=["director"])
    before = everything_state()
    with pytest.raises(PairDecidedError):
        pair_dismiss(actor=seller, pair=pair)
    with pytest.raises(PairDecidedError):
        pair_merge(actor=seller, pair=pair, keep="left")
    with pytest.raises(PermissionDeniedError):
        pair_dismiss(actor=director, pair=pair)
    assert everything_state() == before


def test_record_merge_needs_a_known_kind(head, everything_state):
    a, b = CounterpartyFactory(responsible=head), CounterpartyFactory(responsible=head)
    before = everything_state()
    with pytest.raises(ValidationFailedError):
        record_merge(actor=head, kind="deals", keep=a.pk, other=b.pk)
    assert everything_state() == before
