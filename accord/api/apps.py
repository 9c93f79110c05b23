from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "accord.api"
    label = "api"
    verbose_name = "REST API"
