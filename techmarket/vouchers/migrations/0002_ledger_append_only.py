"""The database itself refuses UPDATE of ledger entries (both engines) and DELETE
(PostgreSQL; TRUNCATE, used only by test flushes and restores, stays possible)."""

from django.db import migrations

SQL = {
    "sqlite": (
        [
            """CREATE TRIGGER IF NOT EXISTS vouchers_ledgerentry_no_update
               BEFORE UPDATE ON vouchers_ledgerentry
               BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END""",
        ],
        ["DROP TRIGGER IF EXISTS vouchers_ledgerentry_no_update"],
    ),
    "postgresql": (
        [
            """CREATE OR REPLACE FUNCTION vouchers_ledgerentry_guard() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END
               $$ LANGUAGE plpgsql""",
            """CREATE TRIGGER vouchers_ledgerentry_guard
               BEFORE UPDATE OR DELETE ON vouchers_ledgerentry
               FOR EACH ROW EXECUTE FUNCTION vouchers_ledgerentry_guard()""",
        ],
        [
            "DROP TRIGGER IF EXISTS vouchers_ledgerentry_guard ON vouchers_ledgerentry",
            "DROP FUNCTION IF EXISTS vouchers_ledgerentry_guard()",
        ],
    ),
}


def install(apps, schema_editor):
    for sql in SQL.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(sql)


def remove(apps, schema_editor):
    for sql in SQL.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0001_vouchers_initial")]

    operations = [migrations.RunPython(install, remove)]
