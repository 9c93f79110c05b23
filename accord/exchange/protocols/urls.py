"""The addresses 1C calls: ours, and Bitrix's, which 1C uses when given only the host."""

from __future__ import annotations

from django.urls import path

from accord.exchange.protocols.views import exchange

app_name = "exchange"

urlpatterns = [
    path("exchange/1c/", exchange, name="onec"),
    # Typed without the slash: APPEND_SLASH would answer a redirect, which loses a POST body.
    path("exchange/1c", exchange, name="onec_no_slash"),
    # 1C's standard module appends this path when the user types only the site's address.
    path("bitrix/admin/1c_exchange.php", exchange, name="onec_bitrix"),
]
