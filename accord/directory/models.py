"""Counterparties and their contact persons, with what classifies and describes them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.core.models import TimestampedModel
from accord.users.access import owner_filter


class CounterpartyKind(models.TextChoices):
    LEGAL_ENTITY = "legal_entity", _("Legal entity")
    SOLE_TRADER = "sole_trader", _("Sole trader")
    PERSON = "person", _("Private person")


class Relation(models.TextChoices):
    """What the counterparty is to us (the "type" of 1C:CRM)."""

    CLIENT = "client", _("Client")
    PROSPECT = "prospect", _("Prospect")
    SUPPLIER = "supplier", _("Supplier")
    PARTNER = "partner", _("Partner")
    COMPETITOR = "competitor", _("Competitor")
    OTHER = "other", _("Other")


class CounterpartyStatus(models.TextChoices):
    NEW = "new", _("New")
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    CLOSED = "closed", _("Closed")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """Where a client came from (exhibition, website, referral, ...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Industry(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PropertyKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice from a list")


class PropertyDefinition(models.Model):
    """A field that users add to counterparties or contact persons without a code change.

    Values live in the owner's `custom` JSON under `code`, validated by the services.
    """

    class Target(models.TextChoices):
        COUNTERPARTY = "counterparty", _("Counterparty")
        CONTACT_PERSON = "contact_person", _("Contact person")

    target = models.CharField(_("applies to"), max_length=20, choices=Target.choices)
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=PropertyKind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(pgettext_lazy("order in a list", "position"), default=0)

    class Meta:
        verbose_name = _("custom property")
        verbose_name_plural = _("custom properties")
        ordering = ["target", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["target", "code"], name="property_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CounterpartyQuerySet(models.QuerySet["Counterparty"]):
    def visible_to(self, user: Any) -> CounterpartyQuerySet:
        """The rows `user` may see: the one row-level security rule for counterparties."""
        condition = owner_filter(user, "directory.counterparty", "responsible")
        return self if condition is None else self.filter(condition)


class Counterparty(TimestampedModel):
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=CounterpartyKind.choices,
        default=CounterpartyKind.LEGAL_ENTITY,
    )
    name = models.CharField(_("name"), max_length=255)
    full_name = models.CharField(_("full legal name"), max_length=500, blank=True)
    # Lower-case name without legal form and quotes: for sorting, search and duplicates.
    name_key = models.CharField(max_length=255, db_index=True, editable=False)
    inn = models.CharField(_("INN"), max_length=12, blank=True, db_index=True)
    kpp = models.CharField(_("KPP"), max_length=9, blank=True)
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True)
    # The record's code in the system it came from (an old CRM, a spreadsheet): a key for imports.
    code = models.CharField(_("external code"), max_length=50, blank=True, db_index=True)
    legal_address = models.TextField(_("legal address"), blank=True)
    actual_address = models.TextField(_("actual address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True, db_index=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="counterparties",
    )
    relation = models.CharField(
        _("type"), max_length=20, choices=Relation.choices, default=Relation.CLIENT
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CounterpartyStatus.choices,
        default=CounterpartyStatus.NEW,
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.SET_NULL
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), null=True, blank=True, on_delete=models.SET_NULL
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    is_vip = models.BooleanField(_("VIP"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    custom = models.JSONField(_("custom properties"), default=dict, blank=True)

    objects = CounterpartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("counterparty")
        verbose_name_plural = _("counterparties")
        indexes = [
            models.Index(fields=["name_key", "id"], name="cp_name_key_id"),
            models.Index(fields=["-created_at", "-id"], name="cp_created_id"),
            models.Index(fields=["responsible", "name_key", "id"], name="cp_resp_name_id"),
            models.Index(fields=["inn", "kpp"], name="cp_inn_kpp"),
        ]

    def __str__(self) -> str:
        return self.name


class BankAccount(models.Model):
    counterparty = models.ForeignKey(
        Counterparty, on_delete=models.CASCADE, related_name="bank_accounts"
    )
    bic = models.CharField(_("BIC"), max_length=9)
    bank_name = models.CharField(_("bank"), max_length=255, blank=True)
    account = models.CharField(_("account"), max_length=20)
    correspondent_account = models.CharField(_("correspondent account"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.account} ({self.bic})"


class ContactPersonQuerySet(models.QuerySet["ContactPerson"]):
    def visible_to(self, user: Any) -> ContactPersonQuerySet:
        """A contact person is visible with its counterparty."""
        condition = owner_filter(user, "directory.counterparty", "counterparty__responsible")
        return self if condition is None else self.filter(condition)


class ContactPerson(TimestampedModel):
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        related_name="contact_persons",
    )
    name = models.CharField(_("full name"), max_length=255)
    # The name folded like Counterparty.name_key: for sorting and case-insensitive search.
    name_key = models.CharField(max_length=255, editable=False, default="")
    position = models.CharField(_("position"), max_length=200, blank=True)
    role = models.CharField(
        _("role"), max_length=100, blank=True, help_text=_("e.g. decision maker, accountant")
    )
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    is_vip = models.BooleanField(_("VIP"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    custom = models.JSONField(_("custom properties"), default=dict, blank=True)

    objects = ContactPersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["name_key", "id"]
        indexes = [models.Index(fields=["name_key", "id"], name="person_name_key_id")]

    def __str__(self) -> str:
        return self.name


class DetailKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    MESSENGER = "messenger", _("Messenger")


class ContactDetail(models.Model):
    """A phone (E.164), an e-mail (lower case) or a messenger handle of a contact person.

    Carries its counterparty too, so that a search by phone or e-mail is one indexed lookup.
    """

    contact_person = models.ForeignKey(
        ContactPerson, on_delete=models.CASCADE, related_name="details"
    )
    counterparty = models.ForeignKey(Counterparty, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=DetailKind.choices)
    value = models.CharField(_("value"), max_length=254)
    service = models.CharField(
        _("messenger"), max_length=30, blank=True, help_text=_("Telegram, WhatsApp, ...")
    )

    class Meta:
        verbose_name = _("contact detail")
        verbose_name_plural = _("contact details")
        ordering = ["kind", "id"]
        indexes = [models.Index(fields=["kind", "value"], name="detail_kind_value")]

    def __str__(self) -> str:
        return self.value
