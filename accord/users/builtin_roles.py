"""The roles every installation starts with. Administrators may edit them afterwards.

Actions (per object type): `view`, `add`, `change`, `delete`, `export`, and `reveal`: see
the contact details of VIP counterparties and contact persons unmasked, by an explicit,
audited act (`accord.directory.masking`). `reveal` is never implied by the other actions; a
role must name it. Installations created before `reveal` existed get it on the head,
director and administrator roles from `directory/migrations/0004_builtin_roles_reveal.py`.
"""

from __future__ import annotations

from typing import Any

ALL_ACTIONS = ["view", "add", "change", "delete", "export"]
WORK_ACTIONS = ["view", "add", "change", "export"]
REVEAL = "reveal"
# The built-in roles that may reveal VIP contact details; the manager may not.
REVEALING_ROLES = ("head", "director", "admin")

BUILTIN_ROLES: dict[str, dict[str, Any]] = {
    "manager": {
        "name": "Manager",
        "rules": {"*": {"actions": WORK_ACTIONS, "scope": "own"}},
    },
    "head": {
        "name": "Head of department",
        "rules": {"*": {"actions": [*ALL_ACTIONS, REVEAL], "scope": "department"}},
    },
    "director": {
        "name": "Director",
        "rules": {"*": {"actions": ["view", "export", REVEAL], "scope": "all"}},
    },
    "admin": {
        "name": "Administrator",
        "rules": {
            "*": {"actions": [*ALL_ACTIONS, REVEAL], "scope": "all"},
            "admin.*": {"actions": ALL_ACTIONS, "scope": "all"},
        },
    },
}


# Role names are data that users see and edit, so they are stored in the installation's
# language (ACCORD_LANGUAGE) when a role is created, not translated on display.
LOCAL_NAMES: dict[str, dict[str, str]] = {
    "ru": {
        "manager": "Менеджер",
        "head": "Руководитель отдела",
        "director": "Директор",
        "admin": "Администратор",
    },
}


def builtin_role_name(code: str, language: str) -> str:
    """The name a new built-in role gets in an installation speaking `language`."""
    return LOCAL_NAMES.get(language[:2], {}).get(code, BUILTIN_ROLES[code]["name"])
