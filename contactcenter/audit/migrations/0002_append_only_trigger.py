"""Make the disclosure log append-only in the database itself, on SQLite and PostgreSQL."""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER audit_disclosurelog_no_update BEFORE UPDATE ON audit_disclosurelog
       BEGIN SELECT RAISE(ABORT, 'the disclosure log is append-only'); END;""",
    """CREATE TRIGGER audit_disclosurelog_no_delete BEFORE DELETE ON audit_disclosurelog
       BEGIN SELECT RAISE(ABORT, 'the disclosure log is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_disclosurelog_no_update;",
    "DROP TRIGGER IF EXISTS audit_disclosurelog_no_delete;",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION audit_disclosurelog_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the disclosure log is append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_disclosurelog_append_only BEFORE UPDATE OR DELETE
       ON audit_disclosurelog FOR EACH ROW EXECUTE FUNCTION audit_disclosurelog_refuse();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_disclosurelog_append_only ON audit_disclosurelog;",
    "DROP FUNCTION IF EXISTS audit_disclosurelog_refuse();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
