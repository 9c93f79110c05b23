"""/api/v1/deals and /api/v1/pipelines: list, get, create, patch, move; 404 for hidden deals."""

from __future__ import annotations

import pytest

from accord.sales.models import Deal, DealStageChange
from tests.factories import CounterpartyFactory, DealFactory, lost_reason, sales_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def stages(db):
    names = ("new", "qualification", "proposal", "negotiation", "won", "lost")
    return dict(zip(names, sales_pipeline().stages.all(), strict=True))


def test_pipelines_list_their_stages(api, stages):
    body = api.get("/api/v1/pipelines").json()
    pipeline = next(p for p in body if p["id"] == stages["new"].pipeline_id)

    assert [s["kind"] for s in pipeline["stages"]] == ["open"] * 4 + ["won", "lost"]
    assert api.get(f"/api/v1/pipelines/{pipeline['id']}").json()["name"] == pipeline["name"]
    assert api.get("/api/v1/pipelines/999999").status_code == 404


def test_list_pages_and_filters_visible_deals(api, manager, other_manager, stages,
                                              django_assert_max_num_queries):  # fmt: skip
    for i in range(5):
        DealFactory(responsible=manager, stage=stages["won" if i == 0 else "new"])
    DealFactory(responsible=other_manager)

    with django_assert_max_num_queries(10):
        first = api.get("/api/v1/deals", {"limit": 3}).json()
    second = api.get("/api/v1/deals", {"limit": 3, "cursor": first["next_cursor"]}).json()
    won = api.get("/api/v1/deals", {"stage": stages["won"].pk}).json()

    assert first["count"] == 5
    assert len(first["items"]) == 3
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    assert won["count"] == 1
    assert won["items"][0]["stage_kind"] == "won"


def test_create_patch_and_move(api, manager, stages):
    cp = CounterpartyFactory(responsible=manager)

    created = api.post(
        "/api/v1/deals", {"title": "API", "counterparty_id": cp.pk, "amount": "99.50"}
    )
    assert created.status_code == 201, created.json()
    deal_id = created.json()["id"]
    assert created.json()["stage_id"] == stages["new"].pk
    assert created.json()["amount"] == "99.50"

    patched = api.patch(f"/api/v1/deals/{deal_id}", {"title": "API 2", "currency": "USD"})
    assert patched.status_code == 200
    assert patched.json()["title"] == "API 2"

    refused = api.post(f"/api/v1/deals/{deal_id}/move", {"stage_id": stages["lost"].pk})
    assert refused.status_code == 400
    assert refused.json()["code"] == "lost_reason_required"

    moved = api.post(f"/api/v1/deals/{deal_id}/move",
                     {"stage_id": stages["lost"].pk, "lost_reason_id": lost_reason().pk})  # fmt: skip
    assert moved.status_code == 200
    assert moved.json()["closed_at"] is not None
    assert DealStageChange.objects.filter(deal_id=deal_id).count() == 2


def test_create_refuses_a_hidden_counterparty_and_bad_amounts(api, other_manager, stages):
    hidden = CounterpartyFactory(responsible=other_manager)

    response = api.post("/api/v1/deals", {"title": "x", "counterparty_id": hidden.pk})
    negative = api.post(
        "/api/v1/deals", {"title": "x", "counterparty_id": hidden.pk, "amount": "-1"}
    )

    assert response.status_code == 400
    assert "counterparty_id" in response.json()["fields"]
    assert negative.status_code == 400
    assert not Deal.objects.exists()


def test_another_managers_deal_is_404_for_get_patch_and_move(api, other_manager, stages):
    deal = DealFactory(responsible=other_manager, title="Чужая")
    missing = deal.pk + 1000

    for path in (f"/api/v1/deals/{deal.pk}", f"/api/v1/deals/{missing}"):
        assert api.get(path).status_code == 404
        assert api.patch(path, {"title": "mine"}).status_code == 404
        assert api.post(f"{path}/move", {"stage_id": stages["won"].pk}).status_code == 404
    deal.refresh_from_db()
    assert (deal.title, deal.stage) == ("Чужая", stages["new"])
    assert not DealStageChange.objects.exists()
