"""A head of department opens a VIP card, sees the contact details masked, clicks "Show" and
sees the number; the reveal is on record. Screenshots go to test-output/.
"""

from __future__ import annotations

import re

import pytest

from accord.core.models import AuditEvent
from tests.factories import CounterpartyFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.browser
PASSWORD = "secret-pass-123"


def test_a_head_clicks_show_on_a_vip_card_and_sees_the_number(
    live_server, transactional_db, new_page, output_dir
):
    dept = DepartmentFactory()
    manager = UserFactory(username="petr", roles=["manager"], department=dept)
    UserFactory(username="olga", first_name="Olga", roles=["head"], department=dept)
    cp = CounterpartyFactory(
        name="ООО Важный клиент", responsible=manager, is_vip=True,
        phone="+79161234567", email="ceo@vazhny.ru",
    )  # fmt: skip
    page = new_page("en-US")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "olga")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"^[^?]*/$"))  # the start page

    page.goto(f"{live_server.url}/counterparties/{cp.pk}/")
    block = page.locator("#cp-contacts")
    assert "+7 9** ***-**-67" in block.inner_text()
    assert "ceo@vazhny.ru" not in page.content()
    page.screenshot(path=str(output_dir / "vip_card_masked.png"), full_page=True)

    block.locator("button[data-reveal=counterparty]").click()
    page.locator("#cp-contacts a[href='tel:+79161234567']").wait_for()

    text = page.locator("#cp-contacts").inner_text()
    assert "916 123-45-67" in text
    assert "ceo@vazhny.ru" in text
    assert page.locator("button[data-reveal=counterparty]").count() == 0
    page.screenshot(path=str(output_dir / "vip_card_revealed.png"), full_page=True)
    assert (
        AuditEvent.objects.filter(
            action="directory.counterparty.revealed", object_id=str(cp.pk), actor__username="olga"
        ).count()
        == 1
    )
