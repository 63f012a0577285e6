from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "techmarket.experts"
    label = "experts"
    verbose_name = "专家库"
