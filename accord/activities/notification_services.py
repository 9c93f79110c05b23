"""In-app notifications (the bell) and their e-mail copies.

`notify` is the one door: it writes a notification only when the recipient may see the
object it is about, so a bell never leaks a record. E-mail copies are sent by the worker
(`notifications_email`), with Django's e-mail backend (the console by default).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from accord.activities.models import Notification, NotificationKind
from accord.users.models import User

logger = logging.getLogger(__name__)

# Send at most this many e-mails per worker tick; the rest wait for the next one.
EMAIL_BATCH = 200


def _sees(user: User, obj: models.Model | None) -> bool:
    if obj is None:
        return True
    manager: Any = type(obj)._default_manager
    visible = getattr(manager, "visible_to", None)
    if visible is None:
        return True
    return bool(visible(user).filter(pk=obj.pk).exists())


def notify(
    *,
    recipients: Iterable[User],
    kind: NotificationKind | str,
    title: str,
    text: str = "",
    url: str = "",
    about: models.Model | None = None,
    reminder: Any = None,
    assignment: Any = None,
    exclude: Any = None,
) -> list[Notification]:
    """Write a notification for each active recipient who may see `about`.

    `exclude` (a user) gets nothing: nobody is notified of what they did themselves.
    """
    skip = getattr(exclude, "pk", exclude)
    rows: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or not user.is_active or user.pk == skip or user.pk in seen:
            continue
        seen.add(user.pk)
        if not _sees(user, about):
            continue
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                title=title[:300],
                text=text,
                url=url[:300],
                reminder=reminder,
                assignment=assignment,
            )
        )
    return Notification.objects.bulk_create(rows)


def notifications_mark_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when `ids` is None)."""
    rows = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def notifications_email(*, limit: int = EMAIL_BATCH) -> int:
    """E-mail the notifications not yet e-mailed to recipients that have an address.

    A notification is claimed (emailed_at set) before its mail goes out, so two workers
    never send the same one; a failed send is logged and not retried (the bell has it).
    """
    since = timezone.now() - dt.timedelta(days=2)
    pending = list(
        Notification.objects.filter(emailed_at__isnull=True, created_at__gte=since)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("created_at", "id")[:limit]
    )
    sent = 0
    for note in pending:
        with transaction.atomic():
            claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
                emailed_at=timezone.now()
            )
        if not claimed:
            continue
        link = f"{settings.ACCORD_BASE_URL.rstrip('/')}{note.url}" if note.url else ""
        body = "\n\n".join(part for part in (note.text, link) if part)
        try:
            send_mail(note.title, body or note.title, None, [note.recipient.email])
        except Exception:  # an unreachable SMTP server must not stop the worker
            logger.exception("Could not e-mail notification %s", note.pk)
            continue
        sent += 1
    return sent
