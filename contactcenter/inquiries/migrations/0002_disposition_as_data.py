"""Dispositions as data: a table of wrap-up codes (the built-ins and the agency's own), the
built-ins written from the codes the inquiry's field used to list, and, on PostgreSQL, a
trigger that refuses to delete a built-in or change its code (a check constraint keeps each
built-in active on every database)."""

import django.core.validators
from django.db import migrations, models

# The built-ins as they were when this migration was written (the services keep their own list
# to put back any that go missing; this one is frozen with the migration).
BUILTINS = [
    ("resolved_first_contact", "Resolved at first contact", "Resuelta en el primer contacto",
     10, True),
    ("service_request_created", "Service request created", "Se creó una solicitud de servicio",
     20, True),
    ("referred", "Referred", "Remitida", 30, True),
    ("escalated", "Escalated", "Escalada", 40, False),
    ("no_answer", "No answer", "Sin respuesta", 50, False),
]  # fmt: skip


def builtins_write(apps, schema_editor):
    Disposition = apps.get_model("inquiries", "Disposition")
    for code, label_en, label_es, order, resolved in BUILTINS:
        Disposition.objects.get_or_create(
            code=code,
            defaults={"label_en": label_en, "label_es": label_es, "sort_order": order,
                      "counts_as_resolved": resolved, "builtin": True, "active": True},
        )  # fmt: skip


PROTECT_BUILTINS = """
CREATE OR REPLACE FUNCTION inquiries_disposition_protect_builtin() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.builtin THEN
        RAISE EXCEPTION 'built-in disposition % cannot be deleted', OLD.code
            USING ERRCODE = 'CC002';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.builtin AND (NEW.code <> OLD.code OR NOT NEW.builtin) THEN
        RAISE EXCEPTION 'built-in disposition % cannot change its code', OLD.code
            USING ERRCODE = 'CC002';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER inquiries_disposition_protect_builtin
    BEFORE UPDATE OR DELETE ON inquiries_disposition
    FOR EACH ROW EXECUTE FUNCTION inquiries_disposition_protect_builtin();
"""

UNPROTECT_BUILTINS = """
DROP TRIGGER IF EXISTS inquiries_disposition_protect_builtin ON inquiries_disposition;
DROP FUNCTION IF EXISTS inquiries_disposition_protect_builtin();
"""


def _postgresql_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('inquiries', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='inquiry',
            name='disposition',
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.CreateModel(
            name='Disposition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('code', models.CharField(max_length=30, unique=True, validators=[django.core.validators.RegexValidator('^[a-z][a-z0-9_]{1,29}$', 'Use 2 to 30 lowercase letters, digits and underscores, starting with a letter.')])),
                ('label_en', models.CharField(max_length=120)),
                ('label_es', models.CharField(max_length=120)),
                ('active', models.BooleanField(default=True)),
                ('sort_order', models.PositiveSmallIntegerField(default=100)),
                ('counts_as_resolved', models.BooleanField(default=True)),
                ('builtin', models.BooleanField(default=False, editable=False)),
            ],
            options={
                'ordering': ['sort_order', 'code'],
                'constraints': [models.CheckConstraint(condition=models.Q(('builtin', False), ('active', True), _connector='OR'), name='disposition_builtin_active'), models.CheckConstraint(condition=models.Q(('code__regex', '^[a-z][a-z0-9_]{1,29}$')), name='disposition_code_format')],
            },
        ),
        migrations.RunPython(builtins_write, migrations.RunPython.noop),
        migrations.RunPython(
            _postgresql_only(PROTECT_BUILTINS), _postgresql_only(UNPROTECT_BUILTINS)
        ),
    ]
