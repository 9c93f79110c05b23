"""Claim pages: the list with filters and a query budget, the card and its status dialog,
the form (errors shown, nothing written), the control report, History, and 404 for
another manager's claim."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.activities.claim_services import claim_move
from accord.activities.models import Claim
from accord.core.models import AuditEvent
from tests.conftest import rows_of
from tests.factories import (
    ContactPersonFactory,
    CounterpartyFactory,
    ProductFactory,
    claim_for,
    order_for,
)

pytestmark = pytest.mark.django_db


def test_list_filters_and_keeps_a_query_budget(manager_client, manager, other_manager,
                                               django_assert_max_num_queries):  # fmt: skip
    for _ in range(30):
        claim_for(manager)
    late = claim_for(manager, subject="Протекает кран", deadline=timezone.localdate())
    Claim.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    claim_for(other_manager, subject="Чужая претензия")

    # session, user, roles, count, the page (counterparty and responsible joined): 5 (a
    # head's responsible filter adds its users), for 31 rows or 50.
    with django_assert_max_num_queries(6):
        response = manager_client.get("/claims/")
    assert response.status_code == 200
    assert response.context["result"].count.value == 31
    html = response.content.decode()
    assert "Протекает кран" in html
    assert "Чужая претензия" not in html
    assert "Overdue" in html

    overdue = manager_client.get("/claims/", {"overdue": "1"}).context["result"]
    assert [c.pk for c in overdue.page.items] == [late.pk]
    found = manager_client.get("/claims/", {"q": late.number}).context["result"]
    assert [c.pk for c in found.page.items] == [late.pk]


def test_htmx_asks_for_the_results_alone(manager_client, manager, htmx):
    claim_for(manager, subject="Разбитое стекло")
    response = manager_client.get("/claims/", {"status": "open"}, **htmx)
    html = response.content.decode()
    assert 'id="claim-results"' in html
    assert "Разбитое стекло" in html
    assert "<html" not in html


def test_stale_cursor_says_so(manager_client, manager):
    claim_for(manager)
    response = manager_client.get("/claims/", {"cursor": "broken"})
    assert response.status_code == 200
    assert "out of date" in response.content.decode()


def test_card_shows_the_claim_its_buttons_and_progress(manager_client, manager,
                                                       django_assert_max_num_queries):  # fmt: skip
    order = order_for(manager)
    claim = claim_for(manager, counterparty=order.counterparty, order_id=order.pk,
                      description="Пришло 9 коробок из 10")  # fmt: skip
    # session, user, roles, the claim with its links, its status steps, whether the order
    # may be opened: 6.
    with django_assert_max_num_queries(7):
        response = manager_client.get(f"/claims/{claim.pk}/")
    html = response.content.decode()
    for text in (claim.number, "Пришло 9 коробок из 10", order.number, "Take for review",
                 "Resolve", "Reject", f"/orders/{order.pk}/"):  # fmt: skip
        assert text in html, text
    assert [m["status"] for m in response.context["moves"]] == [
        "under_review", "resolved", "rejected",
    ]  # fmt: skip


def test_the_card_names_a_link_the_viewer_may_not_open(client, manager, other_manager):
    """A head linked another manager's order: the responsible manager sees its number only."""
    from tests.factories import DepartmentFactory, UserFactory

    department = DepartmentFactory()
    head = UserFactory(roles=["head"], department=department)
    anna = UserFactory(roles=["manager"], department=department)
    boris = UserFactory(roles=["manager"], department=department)
    order = order_for(boris)
    claim = claim_for(anna, actor=head, counterparty=order.counterparty, order_id=order.pk)
    client.force_login(anna)
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    assert order.number in html
    assert f"/orders/{order.pk}/" not in html


def test_create_through_the_form(manager_client, manager):
    cp = CounterpartyFactory(responsible=manager)
    person = ContactPersonFactory(counterparty=cp)
    product = ProductFactory()
    response = manager_client.post("/claims/new/", {
        "subject": "Не работает насос", "description": "После месяца работы",
        "counterparty_id": cp.pk, "contact_person_id": person.pk, "product_id": product.pk,
        "severity": "high", "deadline": timezone.localdate().isoformat(),
        "responsible_id": manager.pk,
    })  # fmt: skip
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.pk}/"
    assert (claim.number, claim.severity, claim.product_id, claim.contact_person_id) == (
        "ПР-000001", "high", product.pk, person.pk,
    )  # fmt: skip


def test_form_errors_are_shown_and_nothing_is_written(manager_client, manager, other_manager):
    foreign = CounterpartyFactory(responsible=other_manager)
    before = rows_of((Claim, AuditEvent))
    response = manager_client.post("/claims/new/", {
        "subject": "", "counterparty_id": foreign.pk, "severity": "medium",
        "deadline": "2001-01-01",
    })  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"subject", "counterparty_id", "deadline"}
    html = response.content.decode()
    assert "The deadline cannot be in the past." in html
    assert "Please correct the errors below." in html
    assert rows_of((Claim, AuditEvent)) == before


def test_new_claim_from_an_order_is_prefilled(manager_client, manager):
    order = order_for(manager)
    response = manager_client.get("/claims/new/", {"order": order.pk})
    form = response.context["form"]
    assert (form.initial["counterparty_id"], form.initial["order_id"]) == (
        order.counterparty_id, order.pk,
    )  # fmt: skip
    assert f'<option value="{order.pk}" selected>' in response.content.decode()


def test_form_links_follow_the_counterparty_and_never_show_a_foreign_one(
    manager_client, manager, other_manager, htmx
):
    order = order_for(manager)
    person = ContactPersonFactory(counterparty=order.counterparty, name="Петров Пётр")
    html = manager_client.get("/claims/links/", {"counterparty_id": order.counterparty_id},
                              **htmx).content.decode()  # fmt: skip
    assert 'id="claim-links"' in html
    assert order.number in html
    assert person.name in html

    foreign = order_for(other_manager)
    ContactPersonFactory(counterparty=foreign.counterparty, name="Тайный Человек")
    html = manager_client.get("/claims/links/", {"counterparty_id": foreign.counterparty_id},
                              **htmx).content.decode()  # fmt: skip
    assert foreign.number not in html
    assert "Тайный Человек" not in html


def test_edit_saves_and_a_closed_claim_says_why_it_cannot(manager_client, manager):
    claim = claim_for(manager)
    form = {"subject": "Новая тема", "counterparty_id": claim.counterparty_id,
            "severity": "low", "responsible_id": manager.pk}  # fmt: skip
    assert manager_client.post(f"/claims/{claim.pk}/edit/", form).status_code == 302
    claim.refresh_from_db()
    assert (claim.subject, claim.severity) == ("Новая тема", "low")

    claim_move(actor=manager, claim=claim, status="rejected", resolution="Нет оснований")
    response = manager_client.post(f"/claims/{claim.pk}/edit/", {**form, "subject": "Ещё"})
    assert response.status_code == 200
    assert "reopen it for review first" in response.content.decode()
    claim.refresh_from_db()
    assert claim.subject == "Новая тема"


def test_status_moves_from_the_card(manager_client, manager, htmx):
    claim = claim_for(manager)
    response = manager_client.post(f"/claims/{claim.pk}/move/", {"status": "under_review"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "under_review"

    dialog = manager_client.get(f"/claims/{claim.pk}/move/", {"status": "resolved"}, **htmx)
    html = dialog.content.decode()
    assert 'id="claim-move-form"' in html
    assert "<html" not in html
    assert 'name="resolution"' in html

    refused = manager_client.post(f"/claims/{claim.pk}/move/", {"status": "resolved"}, **htmx)
    assert "Say how the claim was resolved." in refused.content.decode()
    claim.refresh_from_db()
    assert claim.status == "under_review"

    done = manager_client.post(f"/claims/{claim.pk}/move/",
                               {"status": "resolved", "resolution": "Заменили насос"},
                               **htmx)  # fmt: skip
    assert done["HX-Redirect"] == f"/claims/{claim.pk}/"
    claim.refresh_from_db()
    assert (claim.status, claim.resolution) == ("resolved", "Заменили насос")
    card = manager_client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Заменили насос" in card
    assert "Reopen" in card


def test_a_move_not_allowed_now_goes_back_to_the_card(manager_client, manager):
    claim = claim_for(manager)
    response = manager_client.post(f"/claims/{claim.pk}/move/", {"status": "registered"},
                                   follow=True)  # fmt: skip
    assert "This status change is not allowed now." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "registered"


def test_delete_by_an_administrator(admin_client, admin_user):
    claim = claim_for(admin_user)
    assert admin_client.get(f"/claims/{claim.pk}/delete/").status_code == 200
    response = admin_client.post(f"/claims/{claim.pk}/delete/")
    assert response.status_code == 302
    assert not Claim.objects.exists()


def test_a_manager_may_not_delete(manager_client, manager):
    claim = claim_for(manager)
    html = manager_client.get(f"/claims/{claim.pk}/").content.decode()
    assert f"/claims/{claim.pk}/delete/" not in html
    response = manager_client.post(f"/claims/{claim.pk}/delete/")
    assert "You do not have permission to do this." in response.content.decode()
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_history_lists_the_claims_events(manager_client, manager):
    claim = claim_move(actor=manager, claim=claim_for(manager), status="under_review")
    response = manager_client.get(f"/claims/{claim.pk}/history/")
    assert response.status_code == 200
    assert len(response.context["entries"]) == 2


def test_control_report_page(manager_client, manager, django_assert_max_num_queries):
    claim_for(manager)
    claim_move(actor=manager, claim=claim_for(manager), status="rejected", resolution="Нет")
    today = timezone.localdate().isoformat()
    # session, user, roles, the figures (one grouped query), the managers named: 5.
    with django_assert_max_num_queries(6):
        response = manager_client.get("/claims/control/", {"date_from": today, "date_to": today})
    report = response.context["report"]
    assert (report.total.open, report.total.registered, report.total.rejected) == (1, 2, 1)
    assert str(manager) in response.content.decode()

    wrong = manager_client.get("/claims/control/", {"date_from": today, "date_to": "2000-01-01"})
    assert "The end of the period is before its start." in wrong.content.decode()


def test_sidebar_shows_claims(manager_client):
    html = manager_client.get("/claims/").content.decode()
    assert 'href="/claims/"' in html


@pytest.mark.parametrize("suffix", ["", "edit/", "move/?status=resolved", "delete/", "history/"])
def test_another_managers_claim_is_404(manager_client, other_manager, suffix):
    claim = claim_for(other_manager)
    assert manager_client.get(f"/claims/{claim.pk}/{suffix}").status_code == 404
    assert manager_client.get(f"/claims/987654/{suffix}").status_code == 404
