from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

OBJECT_TYPES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "admin.exchange": (_("Exchange with 1C"), ("view", "add", "change", "delete")),
}


class ExchangeConfig(AppConfig):
    name = "accord.exchange"
    label = "exchange"
    verbose_name = "Exchange"

    def ready(self) -> None:
        from accord.users import object_types

        for code, (label, actions) in OBJECT_TYPES.items():
            object_types.register_object_type(code, label, actions=actions, admin=True)
