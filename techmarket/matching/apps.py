from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "techmarket.matching"
    label = "matching"
    verbose_name = "供需匹配"

    def ready(self) -> None:
        from techmarket.matching import receivers

        receivers.connect()
