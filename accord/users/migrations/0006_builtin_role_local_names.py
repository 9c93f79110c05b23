"""Name the built-in roles in the installation's language where they still have the default."""

from django.conf import settings
from django.db import migrations

from accord.users.builtin_roles import BUILTIN_ROLES, builtin_role_name


def rename(apps, schema_editor):
    Role = apps.get_model("users", "Role")
    for code, spec in BUILTIN_ROLES.items():
        Role.objects.filter(code=code, name=spec["name"]).update(
            name=builtin_role_name(code, settings.LANGUAGE_CODE)
        )


def restore(apps, schema_editor):
    Role = apps.get_model("users", "Role")
    for code, spec in BUILTIN_ROLES.items():
        Role.objects.filter(code=code, name=builtin_role_name(code, settings.LANGUAGE_CODE)).update(
            name=spec["name"]
        )


class Migration(migrations.Migration):
    dependencies = [("users", "0005_user_session_generation")]
    operations = [migrations.RunPython(rename, restore)]
