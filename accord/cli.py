"""The `accord` console command: a thin wrapper over Django's management commands.

`accord migrate`, `accord serve`, `accord worker`, `accord demo`, `accord users add ...`,
`accord token create ...` and every other management command work the same way.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "accord"
    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
