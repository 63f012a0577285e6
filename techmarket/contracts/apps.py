from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "techmarket.contracts"
    label = "contracts"
    verbose_name = "技术合同登记"
