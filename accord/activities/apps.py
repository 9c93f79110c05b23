from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "accord.activities"
    label = "activities"
    verbose_name = "Activities"

    def ready(self) -> None:
        from accord.activities.hooks import register_hooks

        register_hooks()
