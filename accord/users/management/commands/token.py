"""`accord token create LOGIN [--name NAME]`: print a new API token (shown only once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.core.errors import DomainError
from accord.users.services import token_create


class Command(BaseCommand):
    help = "Manage API tokens: `token create LOGIN` prints a new token."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("login")
        create.add_argument("--name", default="cli")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            _token, raw = token_create(actor=None, username=options["login"], name=options["name"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(raw)
