from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "techmarket.stats"
    label = "stats"
    verbose_name = "统计"
