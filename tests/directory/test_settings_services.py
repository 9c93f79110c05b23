import pytest

from accord.core.errors import PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.directory.models import PropertyDefinition, Source
from accord.directory.services import counterparty_create
from accord.directory.settings_services import (
    classifier_add,
    property_definition_delete,
    property_definition_save,
)
from tests.factories import UserFactory


@pytest.fixture
def admin(db):
    return UserFactory(roles=["admin"])


def test_admin_defines_a_choice_property_that_counterparties_then_use(admin):
    definition = property_definition_save(
        actor=admin,
        data={
            "target": "counterparty",
            "code": "size",
            "name": "Size",
            "kind": "choice",
            "choices": "S\nM\nL\nM",
        },
    )
    assert definition.choices == ["S", "M", "L"]
    cp = counterparty_create(actor=admin, data={"name": "X", "custom": {"size": "L"}})
    assert cp.custom == {"size": "L"}
    property_definition_save(
        actor=admin, instance=definition, data={"name": "Company size", "required": True}
    )
    definition.refresh_from_db()
    assert (definition.name, definition.required) == ("Company size", True)
    actions = list(
        AuditEvent.objects.filter(object_type="directory.propertydefinition").values_list(
            "action", flat=True
        )
    )
    assert actions == ["directory.property.updated", "directory.property.created"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"target": "counterparty", "code": "Bad Code", "name": "X", "kind": "text"}, "code"),
        ({"target": "deal", "code": "x", "name": "X", "kind": "text"}, "target"),
        ({"target": "counterparty", "code": "x", "name": "", "kind": "text"}, "name"),
        ({"target": "counterparty", "code": "x", "name": "X", "kind": "json"}, "kind"),
        ({"target": "counterparty", "code": "x", "name": "X", "kind": "choice"}, "choices"),
        (
            {
                "target": "counterparty",
                "code": "x",
                "name": "X",
                "kind": "text",
                "position": "first",
            },
            "position",
        ),
    ],
)
def test_bad_definition_is_refused_and_nothing_saved(admin, data, field):
    with pytest.raises(ValidationFailedError) as err:
        property_definition_save(actor=admin, data=data)
    assert field in err.value.fields
    assert PropertyDefinition.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_code_is_unique_per_target_and_cannot_change(admin):
    data = {"target": "counterparty", "code": "size", "name": "Size", "kind": "text"}
    definition = property_definition_save(actor=admin, data=data)
    property_definition_save(actor=admin, data={**data, "target": "contact_person"})
    with pytest.raises(ValidationFailedError):
        property_definition_save(actor=admin, data=data)
    with pytest.raises(ValidationFailedError):
        property_definition_save(actor=admin, instance=definition, data={"code": "other"})
    property_definition_delete(actor=admin, definition=definition)
    assert PropertyDefinition.objects.count() == 1


def test_manager_may_not_change_settings(db):
    manager = UserFactory(roles=["manager"])
    with pytest.raises(PermissionDeniedError):
        property_definition_save(
            actor=manager, data={"target": "counterparty", "code": "x", "name": "X", "kind": "text"}
        )
    director = UserFactory(roles=["director"])
    with pytest.raises(PermissionDeniedError):
        classifier_add(actor=director, kind="source", name="Web")


def test_classifier_add_is_idempotent_and_refuses_bad_names(admin):
    assert classifier_add(actor=admin, kind="source", name="  Выставка  ") == classifier_add(
        actor=admin, kind="source", name="Выставка"
    )
    assert Source.objects.count() == 1
    with pytest.raises(ValidationFailedError):
        classifier_add(actor=admin, kind="source", name=" ")
    with pytest.raises(ValidationFailedError):
        classifier_add(actor=admin, kind="planet", name="Mars")
