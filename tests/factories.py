"""factory_boy factories for the domain models. Generated values are valid (checksums,
E.164 phones), so a test that needs a wrong value says so explicitly.
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory
from stdnum.ru import inn as stdnum_inn

from accord.directory.identifiers import name_key
from accord.directory.models import ContactDetail, ContactPerson, Counterparty
from accord.users.models import Department, Role, User
from accord.users.services import roles_ensure_builtin


def valid_inn(n: int, *, person: bool = False) -> str:
    """The n-th valid INN: 10 digits for a company, 12 for a person."""
    if person:
        body = f"77{n:08d}"
        return body + stdnum_inn.calc_personal_check_digits(body)
    body = f"77{n:07d}"
    return body + stdnum_inn.calc_company_check_digit(body)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Department {n}")

    @factory.post_generation
    def set_path(self, create, extracted, **kwargs):
        if create:
            parent_path = self.parent.path if self.parent else "/"
            self.path = f"{parent_path}{self.pk}/"
            self.save(update_fields=["path"])


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            roles_ensure_builtin()
            self.roles.set(Role.objects.filter(code__in=extracted))


class CounterpartyFactory(DjangoModelFactory):
    class Meta:
        model = Counterparty
        skip_postgeneration_save = True

    kind = "legal_entity"
    name = factory.Sequence(lambda n: f"ООО Компания {n}")
    name_key = factory.LazyAttribute(lambda o: name_key(o.name))
    inn = factory.Sequence(lambda n: valid_inn(n + 1))
    responsible = factory.SubFactory(UserFactory)


class ContactPersonFactory(DjangoModelFactory):
    class Meta:
        model = ContactPerson

    counterparty = factory.SubFactory(CounterpartyFactory)
    name = factory.Sequence(lambda n: f"Иванов Иван {n}")
    name_key = factory.LazyAttribute(lambda o: name_key(o.name))
    position = "Директор"


class ContactDetailFactory(DjangoModelFactory):
    class Meta:
        model = ContactDetail

    contact_person = factory.SubFactory(ContactPersonFactory)
    counterparty = factory.LazyAttribute(lambda o: o.contact_person.counterparty)
    kind = "phone"
    value = factory.Sequence(lambda n: f"+7916{n:07d}")


# ---------------------------------------------------------------- catalog


# A transactional test (live server, row locks) flushes the database when it ends, and with
# it the rows the data migrations seeded: later tests on the same worker get them back here.


def _unit_piece():
    from accord.catalog.models import Unit

    defaults = {"short_name": "шт", "full_name": "Штука", "international": "PCE"}
    return Unit.objects.get_or_create(code="796", defaults=defaults)[0]


def _rouble():
    from accord.catalog.models import Currency

    defaults = {"numeric_code": "643", "name": "Российский рубль", "symbol": "₽"}
    return Currency.objects.get_or_create(code="RUB", defaults=defaults)[0]


class ProductGroupFactory(DjangoModelFactory):
    class Meta:
        model = "catalog.ProductGroup"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Группа {n}")

    @factory.post_generation
    def set_path(self, create, extracted, **kwargs):
        if create:
            parent_path = self.parent.path if self.parent else "/"
            self.path = f"{parent_path}{self.pk}/"
            self.save(update_fields=["path"])


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = "catalog.Product"

    name = factory.Sequence(lambda n: f"Товар {n}")
    name_key = factory.LazyAttribute(lambda o: " ".join(o.name.lower().replace("ё", "е").split()))
    article = factory.Sequence(lambda n: f"ART-{n:05d}")
    unit = factory.LazyFunction(_unit_piece)


class VariantFactory(DjangoModelFactory):
    class Meta:
        model = "catalog.Variant"

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Размер {n}")


class PriceTypeFactory(DjangoModelFactory):
    class Meta:
        model = "catalog.PriceType"

    name = factory.Sequence(lambda n: f"Цена {n}")
    code = factory.Sequence(lambda n: f"price-{n}")
    currency = factory.LazyFunction(_rouble)


class WarehouseFactory(DjangoModelFactory):
    class Meta:
        model = "catalog.Warehouse"

    name = factory.Sequence(lambda n: f"Склад {n}")
    code = factory.Sequence(lambda n: f"wh-{n}")


# ---------------------------------------------------------------- sales

SALES_STAGES = (
    ("Новая", 10, "open"), ("Квалификация", 25, "open"), ("Предложение", 50, "open"),
    ("Переговоры", 75, "open"), ("Выиграна", 100, "won"), ("Проиграна", 0, "lost"),
)  # fmt: skip


def sales_pipeline(name: str = "Продажи", *, default: bool = True):
    """The pipeline `name` with the six standard stages, created when missing (a flushed
    database in live-server tests has lost the data migration's rows)."""
    from accord.sales.models import Pipeline, Stage

    pipeline, created = Pipeline.objects.get_or_create(name=name, defaults={"is_default": default})
    if created or not pipeline.stages.exists():
        for i, (stage, probability, kind) in enumerate(SALES_STAGES):
            Stage.objects.create(
                pipeline=pipeline, name=stage, position=i, probability=probability, kind=kind
            )
    return pipeline


def lost_reason(name: str = "Дорого"):
    from accord.sales.models import LostReason

    return LostReason.objects.get_or_create(name=name)[0]


class DealFactory(DjangoModelFactory):
    """A deal in the first stage of the standard pipeline, for a counterparty of its manager."""

    class Meta:
        model = "sales.Deal"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Сделка {n}")
    pipeline = factory.LazyFunction(sales_pipeline)
    stage = factory.LazyAttribute(lambda o: o.pipeline.stages.first())
    responsible = factory.SubFactory(UserFactory)
    counterparty = factory.LazyAttribute(lambda o: CounterpartyFactory(responsible=o.responsible))
    amount = 1000

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if create and extracted:
            self.participants.set(extracted)


# ---------------------------------------------------------------- billing
# A BIC with a settlement and a correspondent account whose control keys match it.
OWN_BIC, OWN_ACCOUNT, OWN_CORR = "044525225", "40702810938000000001", "30101810400000000225"


def own_company(name: str = "ООО «Аккорд»", *, with_account: bool = True, default: bool = True):
    """An own company (the issuer of invoices), with a valid bank account unless told."""
    from accord.billing.models import OwnBankAccount, OwnCompany

    company = OwnCompany.objects.create(
        name=name, full_name=f"Общество с ограниченной ответственностью {name}",
        inn="7707083893", kpp="773601001", legal_address="Москва, ул. Вавилова, 19",
        director="Иванов И. И.", accountant="Петрова П. П.", is_default=default,
    )  # fmt: skip
    if with_account:
        OwnBankAccount.objects.create(
            company=company, bank_name="ПАО Сбербанк", bic=OWN_BIC, account=OWN_ACCOUNT,
            correspondent_account=OWN_CORR,
        )  # fmt: skip
    return company


def invoice_draft(*, responsible, company=None, counterparty=None, lines=None, **fields):
    """A draft invoice made through the service (so its amounts are computed as in use)."""
    from accord.billing.services import invoice_create

    data = {
        "own_company_id": (company or own_company()).pk,
        "counterparty_id": (counterparty or CounterpartyFactory(responsible=responsible)).pk,
        "lines": lines if lines is not None else [
            {"name": "Консультация", "quantity": "2", "price": "1500.00", "vat_rate": "20"}
        ],
        **fields,
    }  # fmt: skip
    return invoice_create(actor=responsible, data=data)


# ---------------------------------------------------------------- quotes and orders


def priced_product(price: str = "1000.00", *, price_type=None, vat_rate: str = "20"):
    """A product with a price of `price_type` (by default a new RUB price type)."""
    from accord.catalog.models import Price

    price_type = price_type or PriceTypeFactory()
    product = ProductFactory(vat_rate=vat_rate)
    Price.objects.create(price_type=price_type, product=product, value=price)
    return product


def quote_for(owner, *, deal=None, lines=None, **data):
    """A quote made through the service by `owner`, for a deal (or a counterparty) of theirs."""
    from accord.sales.document_services import quote_create

    deal = deal or DealFactory(responsible=owner)
    lines = lines or [{"product_id": ProductFactory().pk, "quantity": "2", "price": "150.00"}]
    return quote_create(actor=owner, data={"deal_id": deal.pk, "lines": lines, **data})


def order_for(owner, *, deal=None, lines=None, **data):
    from accord.sales.document_services import order_create

    deal = deal or DealFactory(responsible=owner)
    lines = lines or [{"product_id": ProductFactory().pk, "quantity": "3", "price": "100.00"}]
    return order_create(actor=owner, data={"deal_id": deal.pk, "lines": lines, **data})


# ---------------------------------------------------------------- shipments


def shipment_for(owner, *, order=None, lines=None, **data):
    """A draft shipment of an order of `owner` (by default the whole order), via the service."""
    from accord.sales.shipment_services import shipment_create_from_order

    order = order or order_for(owner)
    return shipment_create_from_order(actor=owner, order=order, lines=lines, data=data or None)


# ---------------------------------------------------------------- payments


def issued_invoice(*, responsible, counterparty=None, price: str = "1000.00", **fields):
    """An issued invoice of one line without VAT for `price` (so its total is `price`)."""
    from accord.billing.services import invoice_issue

    draft = invoice_draft(
        responsible=responsible, counterparty=counterparty,
        lines=[{"name": "Работы", "quantity": "1", "price": price, "vat_rate": "none"}],
        **fields,
    )  # fmt: skip
    return invoice_issue(actor=responsible, invoice=draft)


def payment_for(invoice, amount: str, *, actor=None, **data):
    """A payment of `amount` allocated wholly to `invoice`, registered through the service."""
    from accord.billing.payment_services import payment_register

    return payment_register(actor=actor or invoice.responsible, data={
        "counterparty_id": invoice.counterparty_id, "amount": amount,
        "allocations": [{"invoice_id": invoice.pk, "amount": amount}], **data,
    })  # fmt: skip


# ---------------------------------------------------------------- claims


def claim_for(owner, *, counterparty=None, actor=None, **data):
    """A claim registered through the service by `actor` (by default `owner`, who is made
    responsible), about a counterparty of `owner`."""
    from accord.activities.claim_services import claim_create

    cp = counterparty or CounterpartyFactory(responsible=owner)
    fields = {"subject": "Брак в поставке", "counterparty_id": cp.pk,
              "responsible_id": owner.pk, **data}  # fmt: skip
    return claim_create(actor=actor or owner, data=fields)


# ---------------------------------------------------------------- business processes

_process_numbers = iter(range(1, 1_000_000))


def process_template(*, name=None, steps=None, actor=None, **fields):
    """A process template saved through the service by an administrator; by default one
    step for the object's responsible manager, on deals, started by hand."""
    from accord.activities.process_services import process_template_save

    actor = actor or UserFactory(username="process-admin", roles=["admin"], is_superuser=True)
    data = {
        "name": name or f"Process {next(_process_numbers)}", "object_kind": "deal",
        "steps": steps or [{"key": "do", "name": "Do it", "assignee_kind": "responsible"}],
        **fields,
    }  # fmt: skip
    return process_template_save(actor=actor, data=data)


def process_for(owner, *, obj=None, template=None):
    """A running process started by `owner` on a deal of theirs (or on `obj`)."""
    from accord.activities.process_services import process_start

    obj = obj or DealFactory(responsible=owner)
    return process_start(actor=owner, template=template or process_template(), obj=obj)


# ---------------------------------------------------------------- interactions, assignments, reminders


def interaction_for(owner, *, counterparty=None, actor=None, **data):
    """An interaction (a planned call by default) with a counterparty of `owner`, made
    through the service by `actor` (by default `owner`, who is made responsible)."""
    from accord.activities.interaction_services import interaction_create

    cp = counterparty or CounterpartyFactory(responsible=owner)
    fields = {"kind": "call", "subject": "Звонок", "counterparty_id": cp.pk,
              "responsible_id": owner.pk, **data}  # fmt: skip
    return interaction_create(actor=actor or owner, data=fields)


def assignment_for(author, *, performers=None, **data):
    """An assignment given by `author` to `performers` (by default a new manager), due in a
    week, through the service."""
    import datetime as dt

    from django.utils import timezone

    from accord.activities.assignment_services import assignment_create

    performers = performers or [UserFactory(roles=["manager"])]
    fields = {"subject": "Подготовить КП", "performer_ids": [u.pk for u in performers],
              "deadline": timezone.now() + dt.timedelta(days=7), **data}  # fmt: skip
    return assignment_create(actor=author, data=fields)


def reminder_for(owner, **data):
    """A one-off reminder of `owner` an hour from now, through the service."""
    import datetime as dt

    from django.utils import timezone

    from accord.activities.reminder_services import reminder_create

    fields = {"subject": "Перезвонить", "starts_at": timezone.now() + dt.timedelta(hours=1),
              **data}  # fmt: skip
    return reminder_create(actor=owner, data=fields)
