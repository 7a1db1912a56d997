"""A disclosure may be made by a service with no member of staff (the phone line emailing a
status link to the address on file): ``viewer`` may be empty when ``system_actor`` names it.

On SQLite these changes rebuild the table, which drops its append-only triggers, so they are
made again at the end (PostgreSQL keeps its trigger through ALTER TABLE)."""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


_APPEND_ONLY = importlib.import_module("contactcenter.audit.migrations.0002_append_only_trigger")


def _triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _APPEND_ONLY.SQLITE_DOWN + _APPEND_ONLY.SQLITE_UP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_trigger'),
        ('cases', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='disclosurelog',
            name='system_actor',
            field=models.CharField(blank=True, help_text='The automated service that used the data, when no member of staff did.', max_length=40),
        ),
        migrations.AlterField(
            model_name='disclosurelog',
            name='viewer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='disclosures', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='disclosurelog',
            constraint=models.CheckConstraint(condition=models.Q(('viewer__isnull', False), models.Q(('system_actor', ''), _negated=True), _connector='OR'), name='audit_disclosure_names_who'),
        ),
        migrations.RunPython(_triggers_again, _triggers_again),
    ]
