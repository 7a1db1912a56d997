"""Enforce each agent's capacity per channel where the load is counted, in the trigger.

The claim statement used to read the agent's load row to find the channels with room. That row
is updated by every claim, and reading it cost more than the rest of the claim put together.
The trigger already updates it; now it also compares the new count with the agent's capacity
and refuses the change (SQLSTATE CC001, the channel in the detail) when it would go over. A
supervisor's reassignment may go over on purpose: it sets ``routing.capacity_override`` for its
transaction.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION routing_workitem_track_load() RETURNS trigger AS $$
DECLARE
    old_holder bigint;
    new_holder bigint;
    now_held integer;
    room integer;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_holder := CASE OLD.state WHEN 'assigned' THEN OLD.assigned_to_id
                                     WHEN 'offered' THEN OLD.offered_to_id END;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_holder := CASE NEW.state WHEN 'assigned' THEN NEW.assigned_to_id
                                     WHEN 'offered' THEN NEW.offered_to_id END;
    END IF;
    IF TG_OP = 'UPDATE' AND old_holder IS NOT DISTINCT FROM new_holder
       AND OLD.channel = NEW.channel THEN
        RETURN NULL;
    END IF;
    IF old_holder IS NOT NULL THEN
        UPDATE routing_agentload SET held = held - 1
        WHERE agent_id = old_holder AND channel = OLD.channel;
    END IF;
    IF new_holder IS NOT NULL THEN
        UPDATE routing_agentload SET held = held + 1
        WHERE agent_id = new_holder AND channel = NEW.channel
        RETURNING held INTO now_held;
        IF NOT FOUND THEN
            INSERT INTO routing_agentload (agent_id, channel, held)
            VALUES (new_holder, NEW.channel, 1)
            ON CONFLICT (agent_id, channel) DO UPDATE SET held = routing_agentload.held + 1
            RETURNING held INTO now_held;
        END IF;
        IF coalesce(current_setting('routing.capacity_override', true), '') <> 'on' THEN
            SELECT coalesce((capacity ->> NEW.channel)::integer, 0) INTO room
            FROM routing_agent WHERE id = new_holder;
            IF now_held > coalesce(room, 0) THEN
                RAISE EXCEPTION 'agent % has no room on channel %', new_holder, NEW.channel
                    USING ERRCODE = 'CC001', DETAIL = NEW.channel;
            END IF;
        END IF;
    END IF;
    RETURN NULL;
END; $$ LANGUAGE plpgsql;
"""

PREVIOUS = """
CREATE OR REPLACE FUNCTION routing_workitem_track_load() RETURNS trigger AS $$
DECLARE
    old_holder bigint;
    new_holder bigint;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_holder := CASE OLD.state WHEN 'assigned' THEN OLD.assigned_to_id
                                     WHEN 'offered' THEN OLD.offered_to_id END;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_holder := CASE NEW.state WHEN 'assigned' THEN NEW.assigned_to_id
                                     WHEN 'offered' THEN NEW.offered_to_id END;
    END IF;
    IF TG_OP = 'UPDATE' AND old_holder IS NOT DISTINCT FROM new_holder
       AND OLD.channel = NEW.channel THEN
        RETURN NULL;
    END IF;
    IF old_holder IS NOT NULL THEN
        UPDATE routing_agentload SET held = held - 1
        WHERE agent_id = old_holder AND channel = OLD.channel;
    END IF;
    IF new_holder IS NOT NULL THEN
        INSERT INTO routing_agentload (agent_id, channel, held) VALUES (new_holder, NEW.channel, 1)
        ON CONFLICT (agent_id, channel) DO UPDATE SET held = routing_agentload.held + 1;
    END IF;
    RETURN NULL;
END; $$ LANGUAGE plpgsql;
"""


def _postgresql_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0003_agent_load"),
    ]

    operations = [
        migrations.RunPython(_postgresql_only(FUNCTION), _postgresql_only(PREVIOUS)),
    ]
