from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "accord.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from accord.billing.hooks import register_hooks

        register_hooks()
