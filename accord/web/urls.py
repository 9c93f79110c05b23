"""URLs of the web interface (namespace `web`)."""

from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from accord.web.views import auth, contact_persons, counterparties, settings

app_name = "web"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:counterparty_list"), name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("language/", auth.language, name="language"),
    path("counterparties/", counterparties.counterparty_list, name="counterparty_list"),
    path("counterparties/new/", counterparties.counterparty_create, name="counterparty_create"),
    path(
        "counterparties/new/validate/",
        counterparties.counterparty_validate,
        name="counterparty_validate",
    ),
    path("counterparties/<int:pk>/", counterparties.counterparty_card, name="counterparty_card"),
    path(
        "counterparties/<int:pk>/edit/", counterparties.counterparty_edit, name="counterparty_edit"
    ),
    path(
        "counterparties/<int:pk>/edit/validate/",
        counterparties.counterparty_validate,
        name="counterparty_validate_existing",
    ),
    path(
        "counterparties/<int:pk>/delete/",
        counterparties.counterparty_delete,
        name="counterparty_delete",
    ),
    path(
        "counterparties/<int:pk>/contacts/new/",
        contact_persons.contact_person_create,
        name="contact_person_create",
    ),
    path("contact-persons/", contact_persons.contact_person_list, name="contact_person_list"),
    path(
        "contact-persons/<int:pk>/edit/",
        contact_persons.contact_person_edit,
        name="contact_person_edit",
    ),
    path(
        "contact-persons/<int:pk>/delete/",
        contact_persons.contact_person_delete,
        name="contact_person_delete",
    ),
    path("settings/properties/", settings.properties, name="settings_properties"),
    path("settings/properties/new/", settings.property_new, name="settings_property_new"),
    path(
        "settings/properties/<int:pk>/edit/",
        settings.property_edit,
        name="settings_property_edit",
    ),
    path(
        "settings/properties/<int:pk>/delete/",
        settings.property_delete,
        name="settings_property_delete",
    ),
    path("settings/classifiers/", settings.classifiers, name="settings_classifiers"),
    path(
        "settings/classifiers/<str:kind>/add/",
        settings.classifier_add,
        name="settings_classifier_add",
    ),
]
