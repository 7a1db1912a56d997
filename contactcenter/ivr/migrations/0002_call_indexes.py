"""Two indexes on a call's start time, a column no turn changes (so a turn's update of the
row still touches no index): open calls, for the job that closes calls whose end was never
reported, and every call, for the supervisors' view of today's calls."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inquiries', '0001_initial'),
        ('ivr', '0001_initial'),
        ('routing', '0004_capacity_in_trigger'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='call',
            index=models.Index(condition=models.Q(('ended_at__isnull', True)), fields=['started_at'], name='ivr_call_open'),
        ),
        migrations.AddIndex(
            model_name='call',
            index=models.Index(fields=['started_at'], name='ivr_call_started'),
        ),
    ]
