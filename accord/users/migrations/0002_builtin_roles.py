"""Create the built-in roles (manager, head, director, admin) on a new installation."""

from django.conf import settings
from django.db import migrations

from accord.users.builtin_roles import BUILTIN_ROLES, builtin_role_name


def create_roles(apps, schema_editor):
    Role = apps.get_model("users", "Role")
    for code, spec in BUILTIN_ROLES.items():
        name = builtin_role_name(code, settings.LANGUAGE_CODE)
        Role.objects.get_or_create(code=code, defaults={"name": name, "rules": spec["rules"]})


class Migration(migrations.Migration):
    dependencies = [("users", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
