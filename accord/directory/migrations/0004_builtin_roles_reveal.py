"""Give the built-in head, director and administrator roles the new "reveal" action.

New installations get it from `users.builtin_roles` already; this brings existing ones in
line. Only the business wildcard rule ("*") of those three roles is touched, and only when it
exists: an administrator's other edits stay as they are.
"""

from django.db import migrations

REVEALING_ROLES = ("head", "director", "admin")  # users.builtin_roles.REVEALING_ROLES, frozen


def _update(apps, add: bool) -> None:
    Role = apps.get_model("users", "Role")
    for role in Role.objects.filter(code__in=REVEALING_ROLES):
        rule = (role.rules or {}).get("*")
        if not isinstance(rule, dict):
            continue
        actions = [a for a in rule.get("actions", []) if a != "reveal"]
        if add:
            actions.append("reveal")
        if actions != rule.get("actions", []):
            role.rules = {**role.rules, "*": {**rule, "actions": actions}}
            role.save(update_fields=["rules"])


def add_reveal(apps, schema_editor):
    _update(apps, add=True)


def remove_reveal(apps, schema_editor):
    _update(apps, add=False)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_contact_person_name_key"),
        ("users", "0002_builtin_roles"),
    ]
    operations = [migrations.RunPython(add_reveal, remove_reveal)]
