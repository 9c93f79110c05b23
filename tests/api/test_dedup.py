"""/api/v1/duplicates: list pairs, start and read scans, merge, "not a duplicate"."""

from __future__ import annotations

import pytest
from django.test import Client

from accord.core.models import AuditEvent
from accord.dedup.models import Kind, Pair, PairStatus, Scan, ScanStatus
from accord.directory.models import Counterparty
from accord.exchange.models import ExternalRef, RefKind
from tests.api.conftest import JsonClient, bearer
from tests.conftest import rows_of
from tests.factories import CounterpartyFactory, DealFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/duplicates"


@pytest.fixture
def head(db):
    return UserFactory(username="head", roles=["head"], department=DepartmentFactory())


@pytest.fixture
def head_api(head) -> JsonClient:
    return JsonClient(Client(), bearer(head.username))


def pair_of(a, b, score=0.9, reasons=("same_inn", "name:97")):
    return Pair.objects.create(kind=Kind.COUNTERPARTY, left_id=min(a.pk, b.pk),
                               right_id=max(a.pk, b.pk), score=score, reasons=list(reasons))  # fmt: skip


def tracked():
    return rows_of([Counterparty, Pair, Scan, AuditEvent])


def test_list_answers_visible_pairs_the_likeliest_first(api, manager, other_manager):
    a = CounterpartyFactory(responsible=manager, name="Альфа")
    b = CounterpartyFactory(responsible=manager, name="Альфа ООО")
    first = pair_of(a, b, score=0.99)
    second = pair_of(CounterpartyFactory(responsible=manager), CounterpartyFactory(responsible=manager),
                     score=0.7)  # fmt: skip
    pair_of(a, CounterpartyFactory(responsible=other_manager))  # hidden: a record is not his

    body = api.get(URL).json()

    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [first.pk, second.pk]
    item = body["items"][0]
    assert item["left"]["name"] in {"Альфа", "Альфа ООО"}
    assert item["reasons"][0] == {"code": "same_inn", "label": "same INN"}
    assert item["status"] == "open"
    assert api.get(URL, {"kind": "contact_person"}).json()["count"] == 0
    page = api.get(URL, {"limit": 1}).json()
    assert page["next_cursor"]
    assert (
        api.get(URL, {"limit": 1, "cursor": page["next_cursor"]}).json()["items"][0]["id"]
        == second.pk
    )


def test_scan_start_and_read(head_api, django_capture_on_commit_callbacks):
    assert head_api.get(f"{URL}/scan").status_code == 404  # none yet

    with django_capture_on_commit_callbacks(execute=False):
        started = head_api.post(f"{URL}/scan", {"kinds": ["counterparty"]})

    assert started.status_code == 202
    assert started.json()["status"] == "queued"
    assert started.json()["kinds"] == ["counterparty"]
    assert started.json()["records"] is None  # a head does not see every counterparty
    scan = Scan.objects.get()
    Scan.objects.filter(pk=scan.pk).update(status=ScanStatus.DONE, records=5, found=1)
    read = head_api.get(f"{URL}/scan").json()
    assert (read["id"], read["status"], read["found"]) == (scan.pk, "done", None)


def test_an_administrator_sees_the_totals(admin_api):
    Scan.objects.create(status=ScanStatus.DONE, records=5, found=1, new=1)

    assert admin_api.get(f"{URL}/scan").json()["records"] == 5


def test_merge_keeps_the_chosen_record(head_api, head):
    left, right = CounterpartyFactory(responsible=head), CounterpartyFactory(responsible=head)
    deal = DealFactory(responsible=head, counterparty=right if right.pk > left.pk else left)
    pair = pair_of(left, right)

    answer = head_api.post(f"{URL}/{pair.pk}/merge", {"keep": "left"})

    assert answer.status_code == 200
    body = answer.json()
    assert body["kept_id"] == pair.left_id
    assert body["removed_id"] == pair.right_id
    assert body["moved"] == {"sales.Deal": 1}
    deal.refresh_from_db()
    assert deal.counterparty_id == pair.left_id


def test_merge_refusals_write_nothing(head_api, head, api, manager, other_manager):
    mine = pair_of(
        CounterpartyFactory(responsible=manager), CounterpartyFactory(responsible=manager)
    )
    foreign = pair_of(CounterpartyFactory(responsible=other_manager),
                      CounterpartyFactory(responsible=other_manager))  # fmt: skip
    a, b = CounterpartyFactory(responsible=head), CounterpartyFactory(responsible=head)
    from tests.dedup.conftest import node

    base = node()
    for cp, ext in ((a, "x"), (b, "y")):
        ExternalRef.objects.create(
            node=base, kind=RefKind.COUNTERPARTY, external_id=ext, object_id=cp.pk
        )
    clash = pair_of(a, b)
    before = tracked()

    assert api.post(f"{URL}/{mine.pk}/merge", {"keep": "left"}).status_code == 403  # no delete
    assert api.post(f"{URL}/{foreign.pk}/merge", {"keep": "left"}).status_code == 404
    assert api.post(f"{URL}/987654321/merge", {"keep": "left"}).status_code == 404
    assert api.post(f"{URL}/{mine.pk}/merge", {"keep": "both"}).status_code == 400
    conflict = head_api.post(f"{URL}/{clash.pk}/merge", {"keep": "left"})
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "merge_conflict"
    assert "1C" in conflict.json()["detail"]

    assert {k: v for k, v in tracked().items() if k != "core.AuditEvent"} == {
        k: v for k, v in before.items() if k != "core.AuditEvent"
    }
    assert (
        not AuditEvent.objects.exclude(action="access.refused")
        .exclude(pk__in=[e["id"] for e in before["core.AuditEvent"]])
        .exists()
    )


def test_dismiss_once(api, manager):
    pair = pair_of(
        CounterpartyFactory(responsible=manager), CounterpartyFactory(responsible=manager)
    )

    answer = api.post(f"{URL}/{pair.pk}/dismiss", {})

    assert answer.status_code == 200
    assert answer.json()["status"] == "dismissed"
    pair.refresh_from_db()
    assert pair.status == PairStatus.DISMISSED
    again = api.post(f"{URL}/{pair.pk}/dismiss", {})
    assert (again.status_code, again.json()["code"]) == (409, "pair_decided")


def test_a_user_who_may_not_change_the_directory_is_refused(db):
    viewer = JsonClient(Client(), bearer(UserFactory(roles=["director"]).username))
    before = tracked()

    assert viewer.get(URL).status_code == 403
    assert viewer.post(f"{URL}/scan", {}).status_code == 403
    assert rows_of([Scan, Pair]) == {
        k: v for k, v in before.items() if k in {"dedup.Scan", "dedup.Pair"}
    }
