"""The fields a spreadsheet column can be mapped to, per object, and the suggestion of a
mapping from the header's names.

A field's name is the one the REST API uses for that object (`inn`, `responsible_id`, ...);
the contact person of a counterparty row has dotted names (`contact.phone`), and custom
properties are `custom.<code>`. Aliases are the header names people write in Russian and
English; a header is compared with them folded (lower case, ё as е, no punctuation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accord.imports.models import ImportKey, ImportObject


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str | Promise
    aliases: tuple[str, ...] = ()
    required: bool = False  # for a new record


COUNTERPARTY_FIELDS: tuple[ImportField, ...] = (
    ImportField("name", _("Name"), ("наименование", "название", "контрагент", "клиент",
                                    "компания", "организация", "company", "client", "name"),
                required=True),
    ImportField("full_name", _("Full legal name"), ("полное наименование", "full name",
                                                    "legal name")),
    ImportField("kind", _("Kind (legal entity, sole trader, person)"),
                ("вид", "тип лица", "юр физ лицо", "вид контрагента", "kind", "type")),
    ImportField("inn", _("INN"), ("инн", "inn", "tax id", "taxpayer id")),
    ImportField("kpp", _("KPP"), ("кпп", "kpp")),
    ImportField("ogrn", _("OGRN"), ("огрн", "огрнип", "ogrn")),
    ImportField("code", _("External code"), ("код", "внешний код", "код 1с", "code",
                                             "external code", "external id", "id")),
    ImportField("legal_address", _("Legal address"), ("юридический адрес", "юр адрес",
                                                      "адрес", "legal address", "address")),
    ImportField("actual_address", _("Actual address"), ("фактический адрес", "факт адрес",
                                                         "почтовый адрес", "actual address")),
    ImportField("phone", _("Phone"), ("телефон", "тел", "телефон организации", "phone",
                                      "telephone")),
    ImportField("email", _("E-mail"), ("email", "e mail", "эл почта", "электронная почта",
                                       "почта", "mail")),
    ImportField("website", _("Website"), ("сайт", "веб сайт", "website", "site", "web")),
    ImportField("responsible_id", _("Responsible manager (login, e-mail or name)"),
                ("ответственный", "менеджер", "ответственный менеджер", "responsible",
                 "manager", "owner")),
    ImportField("relation", _("Type (client, supplier, ...)"),
                ("тип", "тип контрагента", "отношение", "relation")),
    ImportField("status", _("Status"), ("статус", "status")),
    ImportField("source_id", _("Source"), ("источник", "source", "lead source")),
    ImportField("industry_id", _("Industry"), ("отрасль", "сфера", "industry")),
    ImportField("is_vip", _("VIP"), ("vip", "вип")),
    ImportField("tags", _("Tags (comma-separated)"), ("теги", "метки", "tags", "labels")),
    ImportField("notes", _("Notes"), ("примечание", "комментарий", "заметки", "notes",
                                      "comment", "comments")),
    ImportField("contact.name", _("Contact person: full name"),
                ("контактное лицо", "контакт", "фио", "фио контакта", "contact",
                 "contact name", "contact person")),
    ImportField("contact.position", _("Contact person: position"),
                ("должность", "position", "job title", "title")),
    ImportField("contact.role", _("Contact person: role"), ("роль", "role")),
    ImportField("contact.phone", _("Contact person: phone"),
                ("телефон контакта", "телефон контактного лица", "мобильный",
                 "мобильный телефон", "contact phone", "mobile")),
    ImportField("contact.email", _("Contact person: e-mail"),
                ("email контакта", "почта контакта", "contact email")),
    ImportField("contact.birthday", _("Contact person: birthday"),
                ("день рождения", "дата рождения", "birthday", "date of birth")),
    ImportField("contact.notes", _("Contact person: notes"), ("примечание контакта",
                                                              "contact notes")),
)  # fmt: skip

PRODUCT_FIELDS: tuple[ImportField, ...] = (
    ImportField("name", _("Name"), ("наименование", "название", "товар", "номенклатура",
                                    "name", "product"), required=True),
    ImportField("full_name", _("Full name"), ("полное наименование", "full name")),
    ImportField("article", _("Article"), ("артикул", "article", "sku", "код товара")),
    ImportField("barcode", _("Barcode"), ("штрихкод", "штрих код", "ean", "barcode")),
    ImportField("kind", _("Kind (goods or service)"), ("вид", "тип", "kind", "type")),
    ImportField("group_id", _("Group (name, or a path Group / Subgroup)"),
                ("группа", "категория", "раздел", "group", "category")),
    ImportField("unit_id", _("Unit (name or OKEI code)"),
                ("единица", "ед изм", "единица измерения", "unit", "uom")),
    ImportField("vat_rate", _("VAT rate"), ("ндс", "ставка ндс", "vat", "vat rate")),
    ImportField("manufacturer", _("Manufacturer"), ("производитель", "manufacturer", "brand")),
    ImportField("country", _("Country of origin"), ("страна", "страна происхождения",
                                                    "country")),
    ImportField("trademark", _("Trademark"), ("торговая марка", "марка", "trademark")),
    ImportField("weight", _("Weight, kg"), ("вес", "масса", "weight")),
    ImportField("description", _("Description"), ("описание", "description")),
    ImportField("is_active", _("Active"), ("активен", "active", "is active")),
)  # fmt: skip

KEYS: dict[str, tuple[str, ...]] = {
    ImportObject.COUNTERPARTIES: (
        ImportKey.INN_KPP, ImportKey.EMAIL, ImportKey.PHONE, ImportKey.CODE, ImportKey.NONE,
    ),
    ImportObject.PRODUCTS: (ImportKey.ARTICLE, ImportKey.BARCODE, ImportKey.NONE),
}  # fmt: skip

# The fields a key reads: a row without them cannot be matched.
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    ImportKey.INN_KPP: ("inn",),
    ImportKey.EMAIL: ("email",),
    ImportKey.PHONE: ("phone",),
    ImportKey.CODE: ("code",),
    ImportKey.ARTICLE: ("article",),
    ImportKey.BARCODE: ("barcode",),
    ImportKey.NONE: (),
}

_NON_WORD = re.compile(r"[^\w]+")


def fields_for(obj: str) -> tuple[ImportField, ...]:
    return PRODUCT_FIELDS if obj == ImportObject.PRODUCTS else COUNTERPARTY_FIELDS


def fold(header: str) -> str:
    """A header name folded for comparison with the aliases."""
    text = header.lower().replace("ё", "е").replace("_", " ")
    return " ".join(_NON_WORD.sub(" ", text).split())


def suggest(
    header: Sequence[str], obj: str, custom_codes: Iterable[tuple[str, str]] = ()
) -> dict[str, str]:
    """A column -> field mapping guessed from the header; each field is used once, the
    first column that names it wins. `custom_codes` are (code, name) of custom properties."""
    by_alias: dict[str, str] = {}
    for item in fields_for(obj):
        for alias in (item.name, item.name.replace(".", " "), str(item.label), *item.aliases):
            by_alias.setdefault(fold(alias), item.name)
    for code, name in custom_codes:
        by_alias.setdefault(fold(code), f"custom.{code}")
        by_alias.setdefault(fold(name), f"custom.{code}")
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for column in header:
        found = by_alias.get(fold(column))
        if found and found not in used:
            mapping[column] = found
            used.add(found)
    return mapping
