from django.apps import AppConfig


class InstrumentsConfig(AppConfig):
    name = "techmarket.instruments"
    label = "instruments"
    verbose_name = "仪器共享"
