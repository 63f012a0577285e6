"""Fill the mode flag columns of existing achievements and demands from their JSON lists."""

from typing import Any

from django.db import migrations

MODES = ("transfer", "license", "equity", "co_development", "service")


def backfill(apps: Any, schema_editor: Any) -> None:
    for model_name, source in (("Achievement", "transfer_modes"), ("Demand", "cooperation_modes")):
        model = apps.get_model("listings", model_name)
        for mode in MODES:
            # The JSON text holds each mode in quotes: an exact match on SQLite and PostgreSQL.
            model.objects.filter(**{f"{source}__icontains": f'"{mode}"'}).update(
                **{f"mode_{mode}": True}
            )


class Migration(migrations.Migration):
    dependencies = [("listings", "0005_mode_flags_and_amount_sort_indexes")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
