-- One row per change an admin or marketer (or the CLI, or a job) made to configuration:
-- who made it, what it changed, and the entity as it was before and after. Rows are only
-- ever inserted, in the same transaction as the change they describe.
CREATE TABLE audit_log (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at  TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  -- The API key's id, or NULL outside a request; actor_name is then the process ('cli', 'system').
  actor_key_id TEXT,
  actor_name   TEXT NOT NULL,
  actor_role   TEXT,
  action       TEXT NOT NULL,
  entity_type  TEXT NOT NULL,
  -- The entity's name or key, as the API addresses it.
  entity_key   TEXT NOT NULL,
  entity_id    TEXT,
  -- NULL on create and on delete respectively. Secrets are replaced before they are stored.
  before       JSONB,
  after        JSONB,
  request_id   TEXT
);
CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at, id);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_key, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_name, id);
