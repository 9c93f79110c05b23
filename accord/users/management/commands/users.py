"""`accord users add LOGIN --password P [--role ROLE ...] [--department NAME] [--superuser]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.core.errors import DomainError
from accord.users.models import User
from accord.users.services import user_save


class Command(BaseCommand):
    help = "Manage users: `users add` creates a user or updates an existing one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Create or update a user.")
        add.add_argument("login")
        add.add_argument("--password", required=True)
        add.add_argument(
            "--role",
            action="append",
            dest="roles",
            help="manager, head, director or admin; repeatable.",
        )
        add.add_argument("--department", default=None)
        add.add_argument("--superuser", action="store_true")
        add.add_argument("--first-name", default="")
        add.add_argument("--last-name", default="")
        add.add_argument("--email", default="")
        sub.add_parser("list", help="List users with their roles.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for user in User.objects.prefetch_related("roles").select_related("department"):
                roles = ",".join(r.code for r in user.roles.all()) or "-"
                flag = " superuser" if user.is_superuser else ""
                self.stdout.write(f"{user.username}\t{roles}\t{user.department or '-'}{flag}")
            return
        try:
            user = user_save(
                actor=None,
                username=options["login"],
                password=options["password"],
                roles=options["roles"],
                department=options["department"],
                superuser=options["superuser"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
            )
        except DomainError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from None
        roles = ",".join(r.code for r in user.roles.all()) or "no roles"
        self.stdout.write(self.style.SUCCESS(f"User {user.username} saved ({roles})."))
