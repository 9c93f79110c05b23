"""Own companies: created and changed by holders of admin.billing_settings only, validated
with the directory's identifier rules, audited; a refusal writes nothing."""

from __future__ import annotations

import pytest

from accord.billing.models import OwnCompany
from accord.billing.settings_services import own_company_create, own_company_update
from accord.core.errors import PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from tests.factories import OWN_ACCOUNT, OWN_BIC, OWN_CORR, own_company

pytestmark = pytest.mark.django_db

VALID = {
    "name": "ООО «Север»", "inn": "7707083893", "kpp": "773601001",
    "bank_accounts": [{"bic": OWN_BIC, "account": OWN_ACCOUNT, "correspondent_account": OWN_CORR}],
}  # fmt: skip


def test_the_first_company_becomes_the_default_and_is_audited(admin_user):
    company = own_company_create(actor=admin_user, data=VALID)
    assert company.is_default
    assert company.bank_accounts.get().account == OWN_ACCOUNT
    event = AuditEvent.objects.get(action="billing.owncompany.created")
    assert event.changes["bank_accounts"][1][0]["bic"] == OWN_BIC


def test_one_default_at_a_time(admin_user):
    first = own_company()
    second = own_company_create(actor=admin_user, data={**VALID, "is_default": True})
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"inn": "7707083890"}, "inn"),
        ({"inn": ""}, "inn"),
        ({"name": ""}, "name"),
        ({"kpp": "12"}, "kpp"),
        ({"bank_accounts": [{"bic": OWN_BIC, "account": "40702810000000000000"}]},
         "bank_accounts.0.account"),
        ({"bank_accounts": [{"bic": "123", "account": OWN_ACCOUNT}]}, "bank_accounts.0.bic"),
    ],
)  # fmt: skip
def test_bad_requisites_are_refused_and_nothing_is_written(admin_user, billing_state, data, field):
    company = own_company()
    before = billing_state()
    with pytest.raises(ValidationFailedError) as caught:
        own_company_update(actor=admin_user, company=company, data=data)
    assert field in caught.value.fields
    with pytest.raises(ValidationFailedError):
        own_company_create(actor=admin_user, data={**VALID, **data})
    assert billing_state() == before


def test_a_manager_may_not_change_own_companies(manager, billing_state):
    company = own_company()
    before = billing_state()
    with pytest.raises(PermissionDeniedError):
        own_company_update(actor=manager, company=company, data={"name": "Моя"})
    with pytest.raises(PermissionDeniedError):
        own_company_create(actor=manager, data=VALID)
    assert billing_state() == before
    assert OwnCompany.objects.get().name == company.name
