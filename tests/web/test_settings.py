"""The settings pages: custom properties, sources and industries; hidden from non-admins."""

from __future__ import annotations

import re

import pytest

from accord.core.models import AuditEvent
from accord.directory.models import Industry, PropertyDefinition, Source
from tests.factories import CounterpartyFactory

pytestmark = pytest.mark.django_db


def property_data(**overrides):
    data = {
        "target": "counterparty", "code": "segment", "name": "Сегмент", "kind": "choice",
        "choices": "Малый бизнес\r\nКрупный бизнес\r\n\r\n", "position": "", "required": "",
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.fixture
def segment(db) -> PropertyDefinition:
    return PropertyDefinition.objects.create(
        target="counterparty", code="segment", name="Segment", kind="choice",
        choices=["SMB", "Enterprise"],
    )  # fmt: skip


def test_admin_creates_a_choice_property_that_the_counterparty_form_shows(admin_client):
    response = admin_client.post("/settings/properties/new/", property_data())

    assert response.status_code == 302
    assert response["Location"] == "/settings/properties/"
    definition = PropertyDefinition.objects.get()
    assert (definition.code, definition.kind, definition.choices, definition.required) == (
        "segment", "choice", ["Малый бизнес", "Крупный бизнес"], False
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="directory.property.created").count() == 1

    listing = admin_client.get("/settings/properties/").content.decode()
    assert "Сегмент" in listing
    assert "Крупный бизнес" in listing
    form = admin_client.get("/counterparties/new/").content.decode()
    assert 'name="custom_segment"' in form
    assert '<option value="Крупный бизнес">Крупный бизнес</option>' in form


def test_a_value_of_the_new_property_shows_on_the_card(admin_client, admin_user, segment):
    cp = CounterpartyFactory(responsible=admin_user, custom={"segment": "Enterprise"})

    html = admin_client.get(f"/counterparties/{cp.pk}/").content.decode()

    assert "Segment" in html
    assert "Enterprise" in html


def test_edit_keeps_the_code_and_changes_the_rest(admin_client, segment):
    form = admin_client.get(f"/settings/properties/{segment.pk}/edit/").content.decode()
    assert re.search(r'<input[^>]*name="code"[^>]*disabled', form)
    assert "SMB\nEnterprise" in form

    data = property_data(code="hacked", target="contact_person", name="Size", choices="S\nM\nL",
                         required="on")  # fmt: skip
    response = admin_client.post(f"/settings/properties/{segment.pk}/edit/", data)

    assert response.status_code == 302
    segment.refresh_from_db()
    assert (segment.code, segment.target, segment.name, segment.choices, segment.required) == (
        "segment", "counterparty", "Size", ["S", "M", "L"], True
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="directory.property.updated").count() == 1


def test_delete_asks_then_deletes(admin_client, segment, htmx):
    confirm = admin_client.get(f"/settings/properties/{segment.pk}/delete/", **htmx)
    assert "Delete property?" in confirm.content.decode()
    assert PropertyDefinition.objects.exists()

    response = admin_client.post(f"/settings/properties/{segment.pk}/delete/", **htmx)

    assert response["HX-Redirect"] == "/settings/properties/"
    assert not PropertyDefinition.objects.exists()
    assert AuditEvent.objects.filter(action="directory.property.deleted").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": "Bad Code"}, "code", "Use lower-case Latin letters"),
        ({"choices": "  \n "}, "choices", "A choice property needs at least one value."),
        ({"name": ""}, "name", "Give a name of at most 100 characters."),
    ],
)
def test_bad_input_shows_field_errors_and_writes_nothing(admin_client, overrides, field, message):
    response = admin_client.post("/settings/properties/new/", property_data(**overrides))

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert "Please correct the errors below." in response.content.decode()
    assert PropertyDefinition.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_taken_code_is_refused(admin_client, segment):
    response = admin_client.post("/settings/properties/new/", property_data())

    assert response.context["form"].errors["code"] == ["This code is already used."]
    assert PropertyDefinition.objects.count() == 1


def test_sources_and_industries_are_added(admin_client):
    page = admin_client.get("/settings/classifiers/").content.decode()
    assert 'action="/settings/classifiers/source/add/"' in page
    assert 'action="/settings/classifiers/industry/add/"' in page

    response = admin_client.post(
        "/settings/classifiers/source/add/", {"source-name": " Выставка  "}
    )
    admin_client.post("/settings/classifiers/industry/add/", {"industry-name": "Розница"})

    assert response.status_code == 302
    assert response["Location"] == "/settings/classifiers/#source"
    assert list(Source.objects.values_list("name", flat=True)) == ["Выставка"]
    assert list(Industry.objects.values_list("name", flat=True)) == ["Розница"]
    page = admin_client.get("/settings/classifiers/").content.decode()
    assert "Выставка" in page
    assert "Розница" in page


def test_an_empty_classifier_name_is_refused(admin_client):
    response = admin_client.post("/settings/classifiers/source/add/", {"source-name": "  "})

    assert response.status_code == 200
    assert "Give a name of at most 100 characters." in response.content.decode()
    assert not Source.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_unknown_classifier_list_is_404(admin_client):
    response = admin_client.post("/settings/classifiers/tag/add/", {"tag-name": "x"})

    assert response.status_code == 404


def settings_urls(pk: int) -> list[str]:
    return [
        "/settings/properties/", "/settings/properties/new/",
        f"/settings/properties/{pk}/edit/", f"/settings/properties/{pk}/delete/",
        "/settings/classifiers/", "/settings/classifiers/source/add/",
        "/settings/classifiers/industry/add/",
    ]  # fmt: skip


@pytest.mark.parametrize("method", ["get", "post"])
def test_manager_gets_403_on_every_settings_url(manager_client, segment, method):
    data = {**property_data(code="other", name="Changed"), "source-name": "X", "industry-name": "Y"}
    for url in settings_urls(segment.pk):
        call = getattr(manager_client, method)
        response = call(url, data) if method == "post" else call(url)
        assert response.status_code == 403, url

    segment.refresh_from_db()
    assert (segment.name, PropertyDefinition.objects.count()) == ("Segment", 1)
    assert not Source.objects.exists()
    assert not Industry.objects.exists()
    assert not AuditEvent.objects.exclude(action="access.refused").exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/settings/properties/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_sidebar_link_is_shown_to_admin_and_hidden_from_manager(admin_client, manager_client):
    admin_page = admin_client.get("/counterparties/").content.decode()
    manager_page = manager_client.get("/counterparties/").content.decode()

    assert 'href="/settings/properties/"' in admin_page
    assert 'href="/settings/classifiers/"' in admin_page
    assert "/settings/" not in manager_page
