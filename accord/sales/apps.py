from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "accord.sales"
    label = "sales"
    verbose_name = "Sales"

    def ready(self) -> None:
        from accord.sales.hooks import register_hooks

        register_hooks()
