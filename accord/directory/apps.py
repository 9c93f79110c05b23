from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "accord.directory"
    label = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        from accord.users.models import ACTIONS
        from accord.users.object_types import register_object_type

        register_object_type(
            "directory.counterparty", _("Counterparties"), actions=(*ACTIONS, "reveal")
        )
        register_object_type(
            "directory.contactperson", _("Contact persons"), actions=(*ACTIONS, "reveal")
        )
