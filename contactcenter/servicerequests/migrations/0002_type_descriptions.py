# A one-line description of each kind of service request, in English and Spanish, for agents
# choosing the kind; filled by load-service-request-types from the types file.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("servicerequests", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicerequesttype",
            name="description_en",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddField(
            model_name="servicerequesttype",
            name="description_es",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
    ]
