from django.apps import AppConfig


class ListingsConfig(AppConfig):
    name = "techmarket.listings"
    label = "listings"
    verbose_name = "科技成果与技术需求"
