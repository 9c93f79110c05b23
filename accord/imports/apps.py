from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "accord.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self) -> None:
        from accord.users import object_types

        # Seeing everyone's import log (each user always sees his own imports).
        object_types.register_object_type(
            "admin.imports", _("Import log of all users"), actions=("view",), admin=True
        )
