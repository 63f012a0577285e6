from django.apps import AppConfig


class VouchersConfig(AppConfig):
    name = "techmarket.vouchers"
    label = "vouchers"
    verbose_name = "科技创新券"
