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


def _unit_piece():
    from accord.catalog.models import Unit

    return Unit.objects.get(code="796")


def _rouble():
    from accord.catalog.models import Currency

    return Currency.objects.get(code="RUB")


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
