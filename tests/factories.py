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
