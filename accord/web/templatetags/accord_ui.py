"""Template helpers of the web interface: inline SVG icons, phones, avatars, badge tones."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from accord.directory import identifiers as ids
from accord.users.access import can

register = template.Library()

# 24x24 outline icons, drawn for Accord: each is the inside of one <svg>.
ICONS: dict[str, str] = {
    "logo": '<path d="M5 19 12 4l7 15"/><path d="M8.2 12.5h7.6"/>',
    "search": '<circle cx="11" cy="11" r="6.5"/><path d="m20 20-4.2-4.2"/>',
    "building": (
        '<rect x="4.5" y="3" width="15" height="18" rx="1.5"/>'
        '<path d="M9 7h1.5M13.5 7H15M9 11h1.5M13.5 11H15M9 15h1.5M13.5 15H15M10.5 21v-2.5h3V21"/>'
    ),
    "users": (
        '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c.7-3.5 3.3-5.5 6.5-5.5s5.8 2 6.5 5.5"/>'
        '<path d="M15.5 4.7a3.5 3.5 0 0 1 0 6.6M18 14.8c1.9.7 3.1 2.4 3.5 5.2"/>'
    ),
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4.5 21c.9-4 3.9-6 7.5-6s6.6 2 7.5 6"/>',
    "briefcase": (
        '<rect x="3" y="7" width="18" height="13" rx="2"/>'
        '<path d="M8.5 7V5.5A1.5 1.5 0 0 1 10 4h4a1.5 1.5 0 0 1 1.5 1.5V7M3 12.5h18"/>'
    ),
    "package": '<path d="m12 3 8 4.5v9L12 21l-8-4.5v-9z"/><path d="m4 7.5 8 4.5 8-4.5M12 12v9"/>',
    "file": (
        '<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/>'
        '<path d="M14 3v5h5M9 13h6M9 17h4"/>'
    ),
    "calendar": '<rect x="3.5" y="5" width="17" height="15.5" rx="2"/><path d="M3.5 10h17M8 3v4M16 3v4"/>',
    "chart": '<path d="M4 20.5h16M7 17v-5M12 17V7M17 17v-8"/>',
    "exchange": '<path d="M4 8h14l-3.5-3.5M20 16H6l3.5 3.5"/>',
    "plus": '<path d="M12 5v14M5 12h14"/>',
    "pencil": '<path d="M4 20h4L19 9a2.8 2.8 0 0 0-4-4L4 16z"/><path d="m13.5 6.5 4 4"/>',
    "trash": (
        '<path d="M4 7h16M10 11v6M14 11v6M6 7l1 12.5A1.5 1.5 0 0 0 8.5 21h7a1.5 1.5 0 0 0 '
        '1.5-1.5L18 7M9 7V4.5A1.5 1.5 0 0 1 10.5 3h3A1.5 1.5 0 0 1 15 4.5V7"/>'
    ),
    "x": '<path d="M6 6l12 12M18 6 6 18"/>',
    "chevron-left": '<path d="m15 6-6 6 6 6"/>',
    "chevron-right": '<path d="m9 6 6 6-6 6"/>',
    "chevron-down": '<path d="m6 9 6 6 6-6"/>',
    "arrow-up": '<path d="M12 19V5M6.5 10.5 12 5l5.5 5.5"/>',
    "arrow-down": '<path d="M12 5v14M6.5 13.5 12 19l5.5-5.5"/>',
    "sort": '<path d="m8 9.5 4-4 4 4M8 14.5l4 4 4-4"/>',
    "logout": '<path d="M9.5 20H6a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2h3.5M15.5 16l4-4-4-4M19.5 12H9"/>',
    "globe": (
        '<circle cx="12" cy="12" r="9"/><path d="M3 12h18"/>'
        '<path d="M12 3c2.4 2.6 3.6 5.6 3.6 9s-1.2 6.4-3.6 9c-2.4-2.6-3.6-5.6-3.6-9S9.6 5.6 12 3z"/>'
    ),
    "star": '<path d="m12 3.5 2.6 5.3 5.9.9-4.3 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z"/>',
    "phone": (
        '<path d="M5.5 4H9l1.5 4-2.2 1.4a11 11 0 0 0 6.3 6.3L16 13.5l4 1.5v3.5a1.5 1.5 0 0 1-1.6 1.5'
        'A15.5 15.5 0 0 1 4 5.6 1.5 1.5 0 0 1 5.5 4z"/>'
    ),
    "mail": '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3.5 6.5 8.5 6.5 8.5-6.5"/>',
    "message": '<path d="M5 5h14a1.5 1.5 0 0 1 1.5 1.5v9A1.5 1.5 0 0 1 19 17H9.5L5 20.5V6.5A1.5 1.5 0 0 1 5 5z"/>',
    "gift": (
        '<rect x="3.5" y="8" width="17" height="4" rx="1"/><path d="M5 12v8h14v-8M12 8v12"/>'
        '<path d="M12 8S10.6 4 8.6 4a2 2 0 0 0 0 4M12 8s1.4-4 3.4-4a2 2 0 0 1 0 4"/>'
    ),
    "alert": '<path d="M12 4 2.8 19.5h18.4z"/><path d="M12 10v4M12 16.8v.2"/>',
    "check": '<path d="m5 12.5 4.5 4.5L19 7.5"/>',
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7.5V12l3 2"/>',
    "bank": '<path d="m3 9.5 9-5.5 9 5.5M5.5 10v7.5M10 10v7.5M14 10v7.5M18.5 10v7.5M3 20.5h18"/>',
    "pin": '<path d="M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21z"/><circle cx="12" cy="9.5" r="2.5"/>',
    "tag": '<path d="M3.5 12.3V4.5a1 1 0 0 1 1-1h7.8l8.5 8.5-8.8 8.8z"/><circle cx="8" cy="8" r="1.4"/>',
    "inbox": (
        '<path d="M3 13.5 6 5h12l3 8.5V19a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1z"/>'
        '<path d="M3 13.5h5l1.5 2.5h5l1.5-2.5h5"/>'
    ),
    "filter": '<path d="M4 5h16l-6.2 7.7V19l-3.6 1.8v-8.1z"/>',
    "note": '<path d="M5 4h14v11l-5 5H5z"/><path d="M14 20v-5h5M8.5 9h7M8.5 12.5h4"/>',
    "sliders": (
        '<path d="M4 7h9M17 7h3M4 17h3M11 17h9"/>'
        '<circle cx="15" cy="7" r="2"/><circle cx="9" cy="17" r="2"/>'
    ),
    "list": '<path d="M9 6h11M9 12h11M9 18h11"/><circle cx="4.5" cy="6" r=".9"/>'
    '<circle cx="4.5" cy="12" r=".9"/><circle cx="4.5" cy="18" r=".9"/>',
    "bell": '<path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z"/><path d="M10 20.5a2 2 0 0 0 4 0"/>',
    "home": '<path d="m3.5 11 8.5-7 8.5 7"/><path d="M5.5 9.5V20h13V9.5"/><path d="M10 20v-5.5h4V20"/>',
    "task": '<rect x="4" y="4" width="16" height="16" rx="2.5"/><path d="m8.5 12 2.5 2.5 4.5-5"/>',
    "flag": '<path d="M5 21V4.5"/><path d="M5 4.5h11l-2 4 2 4H5"/>',
}

# The icon of each interaction kind.
KIND_ICONS = {"call": "phone", "meeting": "users", "letter": "mail", "email": "mail",
              "note": "note", "sms": "message"}  # fmt: skip


@register.simple_tag
def icon(name: str, size: int = 16, css: str = "") -> SafeString:
    """An inline SVG icon that takes the text colour; unknown names draw nothing."""
    body = ICONS.get(name, "")
    classes = f"icon icon-{name} {css}".strip()
    return format_html(
        '<svg class="{}" width="{}" height="{}" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
        'stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" '
        'focusable="false">{}</svg>',
        classes,
        size,
        size,
        mark_safe(body),  # noqa: S308 - constant markup from ICONS above
    )


@register.simple_tag
def kind_icon(kind: str, size: int = 14) -> SafeString:
    """The icon of an interaction kind (`call`, `meeting`, ...)."""
    return icon(KIND_ICONS.get(kind, "note"), size)


@register.simple_tag
def may(user: Any, action: str, object_type: str) -> bool:
    """`{% may request.user "view" "admin.directory_settings" as shown %}`: the access rule."""
    return bool(user and user.is_authenticated and can(user, action, object_type))


@register.filter
def phone(value: str) -> str:
    """A stored E.164 number as people read it: `+7 916 123-45-67`."""
    return ids.format_phone(value) if value else ""


@register.filter
def initials(user: Any) -> str:
    """One or two letters for an avatar."""
    if user is None:
        return ""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    letters = (first[:1] + last[:1]) or str(getattr(user, "username", "") or user)[:2]
    return letters.upper()


STATUS_TONES = {"new": "blue", "active": "green", "inactive": "gray", "closed": "red"}
RELATION_TONES = {
    "client": "green",
    "prospect": "blue",
    "supplier": "violet",
    "partner": "teal",
    "competitor": "red",
    "other": "gray",
}


@register.filter
def status_tone(status: str) -> str:
    return STATUS_TONES.get(status, "gray")


@register.filter
def relation_tone(relation: str) -> str:
    return RELATION_TONES.get(relation, "gray")


@register.filter
def avatar_tone(value: Any) -> int:
    """A stable colour (0-5) for a person's avatar, from their id or name."""
    key = getattr(value, "pk", None) or str(value)
    return sum(str(key).encode()) % 6 if not isinstance(key, int) else key % 6


CURRENCY_SIGNS = {"RUB": "₽", "USD": "$", "EUR": "€", "CNY": "¥"}


@register.filter
def money(value: Any, currency: str = "RUB") -> str:
    """An amount with its currency sign, kopecks only when there are any: "177 000 ₽".

    A no-break space keeps the number and the sign together in narrow board cards.
    """
    if value is None or value == "":
        return ""
    return f"{floatformat(value, '-2g')}\xa0{CURRENCY_SIGNS.get(currency, currency)}"
