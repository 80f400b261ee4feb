"""On PostgreSQL, the database itself refuses to change, delete or truncate audit entries.

Python already refuses (`AuditEntry.save` and `.delete`); this holds for raw SQL, a queryset's update() or delete(),
another program with the same credentials, and `manage.py flush`. Removing the trigger takes DDL (DROP TRIGGER),
which a database role that does not own the table cannot run. On SQLite the operation does nothing.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION knotwork_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % of audit entries is refused.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_auditentry_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION knotwork_audit_append_only();
CREATE TRIGGER audit_auditentry_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION knotwork_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_auditentry_no_update_or_delete ON audit_auditentry;
DROP FUNCTION IF EXISTS knotwork_audit_append_only();
"""


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL only (the trigger language is PL/pgSQL)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_actor_kind_and_hash_chain")]

    operations = [PostgreSQLOnly(FORWARD, BACKWARD)]
