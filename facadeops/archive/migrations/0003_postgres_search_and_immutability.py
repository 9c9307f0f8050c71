"""PostgreSQL only: pg_trgm full-text search that works for Chinese, and the trigger that
makes archive entries immutable (REG-2.5.2).

- ``pg_trgm`` + a GIN trigram index on ``UPPER(search_text)``: Django's ``icontains`` is
  ``UPPER(col) LIKE UPPER('%q%')``, which this index serves. On this server's locale
  (C.UTF-8) CJK characters are word characters for pg_trgm, so Chinese substrings of three or
  more characters are found through the index (shorter ones still match, by recheck); the
  tests prove both.
- The trigger refuses UPDATE of the content columns and DELETE unless the disposal was
  approved; the disposal itself may only clear the file and the text (the tombstone keeps
  the rest) and only after the retention period. A disposed entry never changes again.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS archive_search_trgm ON archive_archiveentry "
    "USING gin (UPPER(search_text) gin_trgm_ops)",
    """
CREATE OR REPLACE FUNCTION archive_entry_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.disposed_at IS NULL OR OLD.disposed_by_id IS NULL THEN
            RAISE EXCEPTION 'archive entry % is immutable: it may be deleted only after its approved disposal', OLD.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.disposed_at IS NOT NULL THEN
        RAISE EXCEPTION 'archive entry % was disposed of and cannot change', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF (NEW.id, NEW.record_type_id, NEW.classification, NEW.title, NEW.number,
        NEW.customer_id, NEW.project_id, NEW.record_date, NEW.archived_by_id,
        NEW.archived_at, NEW.retention_until, NEW.dossier_sha256, NEW.source_type_id,
        NEW.source_id)
       IS DISTINCT FROM
       (OLD.id, OLD.record_type_id, OLD.classification, OLD.title, OLD.number,
        OLD.customer_id, OLD.project_id, OLD.record_date, OLD.archived_by_id,
        OLD.archived_at, OLD.retention_until, OLD.dossier_sha256, OLD.source_type_id,
        OLD.source_id) THEN
        RAISE EXCEPTION 'archive entry % is immutable', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.disposed_at IS NULL THEN
        -- not a disposal: nothing else may change either
        IF (NEW.dossier, NEW.search_text, NEW.disposed_by_id, NEW.disposal_note)
           IS DISTINCT FROM (OLD.dossier, OLD.search_text, OLD.disposed_by_id, OLD.disposal_note) THEN
            RAISE EXCEPTION 'archive entry % is immutable', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    -- the disposal step
    IF NEW.disposed_by_id IS NULL THEN
        RAISE EXCEPTION 'disposal of archive entry % needs the approver', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.retention_until >= (now() AT TIME ZONE 'Asia/Shanghai')::date THEN
        RAISE EXCEPTION 'archive entry % is still within its retention period', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.dossier <> '' OR NEW.search_text <> '' THEN
        RAISE EXCEPTION 'disposal of archive entry % may only clear the file and the text', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$
""",
    "DROP TRIGGER IF EXISTS archive_entry_immutable ON archive_archiveentry",
    "CREATE TRIGGER archive_entry_immutable BEFORE UPDATE OR DELETE ON archive_archiveentry "
    "FOR EACH ROW EXECUTE FUNCTION archive_entry_immutable()",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS archive_entry_immutable ON archive_archiveentry",
    "DROP FUNCTION IF EXISTS archive_entry_immutable()",
    "DROP INDEX IF EXISTS archive_search_trgm",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for sql in FORWARD:
            cursor.execute(sql)  # no params: the '%' of RAISE stays literal


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for sql in BACKWARD:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("archive", "0002_seed_record_types")]
    operations = [migrations.RunPython(forward, backward)]
