from __future__ import annotations

import importlib.util
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Object types of the catalog as access rules name them: label and actions for the role editor.
# Prices and stock are read with the product; only their writes have a rule of their own.
OBJECT_TYPES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "catalog.product": (_("Products"), ("view", "add", "change", "delete", "export")),
    "catalog.price": (_("Prices"), ("change",)),
    "catalog.stock": (_("Stock"), ("change",)),
    "admin.catalog_settings": (_("Catalog settings"), ("view", "add", "change")),
}


class CatalogConfig(AppConfig):
    name = "accord.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        # The registry of object types is being added to users; register once it exists.
        if importlib.util.find_spec("accord.users.object_types") is None:
            return
        from accord.users import object_types

        for code, (label, actions) in OBJECT_TYPES.items():
            object_types.register_object_type(
                code, label, actions=actions, admin=code.startswith("admin.")
            )
