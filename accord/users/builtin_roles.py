"""The roles every installation starts with. Administrators may edit them afterwards."""

from __future__ import annotations

from typing import Any

ALL_ACTIONS = ["view", "add", "change", "delete", "export"]
WORK_ACTIONS = ["view", "add", "change", "export"]

BUILTIN_ROLES: dict[str, dict[str, Any]] = {
    "manager": {
        "name": "Manager",
        "rules": {"*": {"actions": WORK_ACTIONS, "scope": "own"}},
    },
    "head": {
        "name": "Head of department",
        "rules": {"*": {"actions": ALL_ACTIONS, "scope": "department"}},
    },
    "director": {
        "name": "Director",
        "rules": {"*": {"actions": ["view", "export"], "scope": "all"}},
    },
    "admin": {
        "name": "Administrator",
        "rules": {
            "*": {"actions": ALL_ACTIONS, "scope": "all"},
            "admin.*": {"actions": ALL_ACTIONS, "scope": "all"},
        },
    },
}
