"""On PostgreSQL the database itself refuses two holding bookings of one instrument whose
times overlap (an exclusion constraint over tstzrange); the service's locked check is the
same rule on every engine."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE instruments_booking ADD CONSTRAINT instruments_booking_no_overlap
       EXCLUDE USING gist (instrument_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&)
       WHERE (status IN ('requested', 'confirmed', 'completed'))""",
]
DROP = ["ALTER TABLE instruments_booking DROP CONSTRAINT IF EXISTS instruments_booking_no_overlap"]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("instruments", "0001_instruments_initial")]

    operations = [migrations.RunPython(install, remove)]
