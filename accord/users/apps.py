from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "accord.users"
    label = "users"
    verbose_name = "Users"

    def ready(self) -> None:
        from accord.users import sessions  # noqa: F401 (connects the sign-in receiver)
        from accord.users.object_types import register_object_type

        crud = ("view", "add", "change", "delete")
        register_object_type(
            "admin.users", _("Users, departments and roles"), actions=crud, admin=True
        )
        register_object_type(
            "admin.directory_settings", _("Directory settings"), actions=crud, admin=True
        )
        register_object_type("admin.audit", _("Audit log"), actions=("view", "export"), admin=True)
