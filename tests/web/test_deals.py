"""Deal pages: the board with its aggregates and moves, the list, the card, the form."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from accord.sales.models import Deal, DealStageChange
from accord.sales.selectors import COLUMN_SIZE
from tests.factories import CounterpartyFactory, DealFactory, lost_reason

pytestmark = pytest.mark.django_db
BOARD = {"HTTP_X_ACCORD_BOARD": "1"}


@pytest.fixture
def stages(db):
    from tests.factories import sales_pipeline

    names = ("new", "qualification", "proposal", "negotiation", "won", "lost")
    return dict(zip(names, sales_pipeline().stages.all(), strict=True))


def test_board_columns_sum_the_visible_deals_only(manager_client, manager, other_manager, stages):
    for i in range(7):
        DealFactory(responsible=manager, stage=stages["new" if i < 4 else "won"], amount=100 + i)
    DealFactory(responsible=other_manager, stage=stages["new"], amount=10_000)
    DealFactory(
        responsible=other_manager, participants=[manager], stage=stages["proposal"], amount=5
    )

    response = manager_client.get("/deals/")

    assert response.status_code == 200
    columns = {c.stage.pk: c for c in response.context["columns"]}
    expected = (
        Deal.objects.visible_to(manager).values("stage_id").annotate(n=Count("id"), s=Sum("amount"))
    )
    assert {k: (c.count, c.total) for k, c in columns.items() if c.count} == {
        row["stage_id"]: (row["n"], row["s"]) for row in expected
    }
    assert columns[stages["new"].pk].total == Decimal("406")
    assert len(columns) == 6


def test_board_query_count_does_not_grow_with_deals(manager_client, manager, stages,
                                                   django_assert_max_num_queries):  # fmt: skip
    for i in range(120):
        DealFactory(responsible=manager, stage=list(stages.values())[i % 6])

    # session, user, roles, pipelines + their stages, lost reasons, one aggregate, one page
    # per stage (6): constant whatever the number of deals.
    with django_assert_max_num_queries(14):
        response = manager_client.get("/deals/")

    assert sum(len(c.page.items) for c in response.context["columns"]) == 120


def test_a_column_shows_a_page_of_cards_and_then_more(manager_client, manager, stages):
    for _ in range(COLUMN_SIZE + 5):
        DealFactory(responsible=manager)
    column = manager_client.get("/deals/").context["columns"][0]
    assert len(column.page.items) == COLUMN_SIZE

    more = manager_client.get(
        f"/deals/stages/{stages['new'].pk}/", {"cursor": column.page.next_cursor}
    )

    assert more.status_code == 200
    assert more.content.decode().count('class="deal-card"') == 5


def test_board_move_answers_the_two_columns_with_their_totals(manager_client, manager, stages):
    deal = DealFactory(responsible=manager, amount=700)
    DealFactory(responsible=manager, amount=50)

    response = manager_client.post(
        f"/deals/{deal.pk}/move/", {"stage_id": stages["proposal"].pk}, **BOARD
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="column-{stages["new"].pk}"' in html
    assert f'id="column-{stages["proposal"].pk}"' in html
    counts = {c.stage.pk: (c.count, c.total) for c in response.context["columns"]}
    assert counts == {
        stages["new"].pk: (1, Decimal("50")),
        stages["proposal"].pk: (1, Decimal("700")),
    }
    assert DealStageChange.objects.filter(deal=deal, to_stage=stages["proposal"]).exists()


def test_board_move_to_lost_without_reason_answers_json_and_changes_nothing(
    manager_client, manager, stages
):
    deal = DealFactory(responsible=manager)

    response = manager_client.post(
        f"/deals/{deal.pk}/move/", {"stage_id": stages["lost"].pk}, **BOARD
    )

    assert response.status_code == 400
    assert json.loads(response.content)["code"] == "lost_reason_required"
    deal.refresh_from_db()
    assert deal.stage == stages["new"]
    assert not DealStageChange.objects.exists()

    ok = manager_client.post(f"/deals/{deal.pk}/move/",
        {"stage_id": stages["lost"].pk, "lost_reason_id": lost_reason().pk}, **BOARD)  # fmt: skip
    assert ok.status_code == 200


def test_plain_form_move_redirects_back(manager_client, manager, stages):
    deal = DealFactory(responsible=manager)

    response = manager_client.post(f"/deals/{deal.pk}/move/",
        {"stage_id": stages["won"].pk, "next": "/deals/?q=x"})  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == "/deals/?q=x"
    deal.refresh_from_db()
    assert deal.stage == stages["won"]


def test_another_managers_deal_is_404_everywhere(manager_client, other_manager, stages):
    deal = DealFactory(responsible=other_manager)
    missing = deal.pk + 1000

    for url in ("/deals/{}/", "/deals/{}/edit/", "/deals/{}/delete/"):
        hidden, absent = (
            manager_client.get(url.format(deal.pk)),
            manager_client.get(url.format(missing)),
        )
        assert hidden.status_code == absent.status_code == 404
    moved = manager_client.post(f"/deals/{deal.pk}/move/", {"stage_id": stages["won"].pk}, **BOARD)
    assert moved.status_code == 404
    deal.refresh_from_db()
    assert deal.stage == stages["new"]


def test_card_shows_fields_and_stage_history(manager_client, manager, stages,
                                            django_assert_max_num_queries):  # fmt: skip
    deal = DealFactory(responsible=manager, title="Поставка станков", amount=1500)
    manager_client.post(f"/deals/{deal.pk}/move/", {"stage_id": stages["proposal"].pk})

    with django_assert_max_num_queries(12):
        response = manager_client.get(f"/deals/{deal.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Поставка станков",
        deal.counterparty.name,
        "1,500\xa0₽",
        "Stage history",
        "Предложение",
    ):
        assert text in html, text


def test_list_is_sorted_and_paged_with_a_query_budget(manager_client, manager, other_manager, stages,
                                                     django_assert_max_num_queries):  # fmt: skip
    for i in range(60):
        DealFactory(responsible=manager if i < 55 else other_manager, amount=i)

    with django_assert_max_num_queries(10):
        response = manager_client.get("/deals/list/", {"sort": "-amount"})

    items = response.context["result"].page.items
    assert [d.amount for d in items[:2]] == [Decimal("54"), Decimal("53")]
    assert len(items) == 50
    assert response.context["result"].count.value == 55
    second = manager_client.get(
        "/deals/list/", {"sort": "-amount", "cursor": response.context["result"].page.next_cursor}
    )
    assert len(second.context["result"].page.items) == 5


def test_create_form_makes_a_deal_for_a_visible_counterparty(manager_client, manager, stages):
    cp = CounterpartyFactory(responsible=manager, name="ООО Альфа")

    page = manager_client.get(f"/deals/new/?counterparty={cp.pk}")
    response = manager_client.post("/deals/new/", {
        "title": "Внедрение", "counterparty_id": cp.pk, "amount": "2500", "currency": "RUB",
        "responsible_id": manager.pk})  # fmt: skip

    assert page.status_code == 200
    assert "ООО Альфа" in page.content.decode()
    deal = Deal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/deals/{deal.pk}/"
    assert (deal.title, deal.counterparty, deal.stage) == ("Внедрение", cp, stages["new"])


def test_counterparty_search_lists_only_visible_counterparties(
    manager_client, manager, other_manager
):
    CounterpartyFactory(responsible=manager, name="ООО Ромашка")
    CounterpartyFactory(responsible=other_manager, name="ООО Ромашка-2")

    html = manager_client.get("/deals/counterparties/", {"q": "ромашка"}).content.decode()

    assert "ООО Ромашка<" in html
    assert "Ромашка-2" not in html


def test_counterparty_card_lists_its_visible_deals(manager_client, manager, other_manager, stages):
    cp = CounterpartyFactory(responsible=manager)
    DealFactory(responsible=manager, counterparty=cp, title="Видимая")
    DealFactory(responsible=other_manager, counterparty=cp, title="Чужая")

    html = manager_client.get(f"/counterparties/{cp.pk}/").content.decode()

    assert "Видимая" in html
    assert "Чужая" not in html
    assert f"/deals/new/?counterparty={cp.pk}" in html


def test_pipeline_settings_are_403_for_managers_and_work_for_admins(
    manager_client, admin_client, stages
):
    assert manager_client.get("/settings/pipelines/").status_code == 403
    assert manager_client.post("/settings/lost-reasons/add/", {"name": "x"}).status_code == 403

    assert admin_client.get("/settings/pipelines/").status_code == 200
    response = admin_client.post(f"/settings/pipelines/{stages['new'].pipeline_id}/stages/add/",
                                 {"name": "Пилот", "probability": 60, "kind": "open", "color": "teal"})  # fmt: skip
    assert response.status_code == 302
    assert stages["new"].pipeline.stages.filter(name="Пилот").exists()
