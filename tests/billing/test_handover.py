"""The hand-over step: open invoices of the handed-over counterparties go to the new manager;
paid-up, cancelled and other counterparties' invoices stay."""

from __future__ import annotations

import pytest

from accord.billing.hooks import invoices_handover
from accord.billing.services import invoice_cancel, invoice_issue
from accord.directory.handover import clients_hand_over, handover_steps
from tests.factories import CounterpartyFactory, invoice_draft, own_company

pytestmark = pytest.mark.django_db


def test_open_invoices_follow_their_counterparty(admin_user, manager, other_manager):
    company = own_company()
    cp = CounterpartyFactory(responsible=manager)
    draft = invoice_draft(responsible=manager, company=company, counterparty=cp)
    issued = invoice_issue(actor=manager, invoice=invoice_draft(
        responsible=manager, company=company, counterparty=cp))  # fmt: skip
    cancelled = invoice_cancel(actor=manager, invoice=invoice_draft(
        responsible=manager, company=company, counterparty=cp))  # fmt: skip
    elsewhere = invoice_draft(responsible=manager, company=company)

    result = clients_hand_over(
        actor=admin_user, from_user=manager, to_user=other_manager, counterparty_ids=[cp.pk]
    )

    assert invoices_handover in handover_steps().values()
    assert 2 in result.steps.values()
    for invoice in (draft, issued, cancelled, elsewhere):
        invoice.refresh_from_db()
    assert [i.responsible for i in (draft, issued, cancelled, elsewhere)] == [
        other_manager, other_manager, manager, manager,
    ]  # fmt: skip
    assert issued.number == 1
