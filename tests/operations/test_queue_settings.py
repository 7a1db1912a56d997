"""Each queue's service-level settings come from the queues file like its other settings."""

import pytest

from contactcenter.routing.models import Queue
from contactcenter.routing.reference_data import QueueDataError, queues_load

QUEUE = """
- code: test-queue
  name_en: Test
  name_es: Prueba
  tier: tier1
  channels: [phone]
"""


@pytest.mark.django_db
def test_defaults_and_settings_from_the_file(tmp_path):
    path = tmp_path / "queues.yaml"
    path.write_text(QUEUE)
    queues_load(path=path)
    queue = Queue.objects.get(code="test-queue")
    assert (queue.service_level_seconds, queue.service_level_formula) == (20, "abandons_penalised")
    assert not queue.service_level_counts_flow_outs
    assert not queue.service_level_ignores_short_abandons
    assert queue.service_level_target_percent == 80
    path.write_text(
        QUEUE + "  service_level_seconds: 60\n  service_level_formula: removed_within\n"
        "  service_level_ignores_short_abandons: true\n  service_level_target_percent: 90\n"
    )
    queues_load(path=path)
    queue.refresh_from_db()
    assert (queue.service_level_seconds, queue.service_level_formula) == (60, "removed_within")
    assert queue.service_level_ignores_short_abandons
    assert queue.service_level_target_percent == 90


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("  service_level_formula: fastest\n", "service_level_formula must be one of"),
        ("  service_level_seconds: 0\n", "service_level_seconds must be a whole number"),
        ("  service_level_seconds: twenty\n", "service_level_seconds must be a whole number"),
        ("  service_level_target_percent: 0\n", "service_level_target_percent must be a whole"),
        ("  service_level_target_percent: 101\n", "service_level_target_percent must be a whole"),
        ("  service_level_target_percent: 80.5\n", "service_level_target_percent must be a whole"),
    ],
)
def test_a_bad_setting_is_refused_and_nothing_is_loaded(tmp_path, extra, message):
    path = tmp_path / "queues.yaml"
    path.write_text(QUEUE + extra)
    with pytest.raises(QueueDataError, match=message):
        queues_load(path=path)
    assert not Queue.objects.filter(code="test-queue").exists()
