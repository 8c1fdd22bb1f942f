-- Initial schema: customers and their events, the offer catalog, decisions,
-- outreach messages, outcomes and propensity models.

CREATE TABLE customers (
  id              TEXT PRIMARY KEY,
  attributes      JSONB NOT NULL DEFAULT '{}',
  activity        DOUBLE PRECISION NOT NULL DEFAULT 0,
  activity_at     TIMESTAMPTZ(3),
  valence         DOUBLE PRECISION NOT NULL DEFAULT 0,
  valence_weight  DOUBLE PRECISION NOT NULL DEFAULT 0,
  emotion_at      TIMESTAMPTZ(3),
  stage           TEXT,
  stage_at        TIMESTAMPTZ(3),
  event_count     INTEGER NOT NULL DEFAULT 0,
  last_event_at   TIMESTAMPTZ(3),
  created_at      TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

CREATE TABLE events (
  id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  customer_id      TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  type             TEXT NOT NULL,
  touchpoint       TEXT NOT NULL,
  channel          TEXT NOT NULL,
  occurred_at      TIMESTAMPTZ(3) NOT NULL,
  received_at      TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  sequence         BIGSERIAL NOT NULL,
  text             TEXT,
  rating           DOUBLE PRECISION,
  value            DOUBLE PRECISION,
  wait_seconds     DOUBLE PRECISION,
  properties       JSONB NOT NULL DEFAULT '{}',
  idempotency_key  TEXT,
  stage            TEXT,
  sentiment        DOUBLE PRECISION,
  valence          DOUBLE PRECISION,
  emotion_label    TEXT,
  scored_at        TIMESTAMPTZ(3)
);
CREATE INDEX events_customer_id_occurred_at_idx ON events (customer_id, occurred_at);
-- Idempotency keys are scoped to the customer: two customers may use the same order number.
CREATE UNIQUE INDEX events_customer_id_idempotency_key_key ON events (customer_id, idempotency_key);
-- The scoring worker looks for unscored events; a partial index keeps that lookup small.
CREATE INDEX events_unscored_idx ON events (customer_id) WHERE scored_at IS NULL;

CREATE TABLE channels (
  id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name         TEXT NOT NULL UNIQUE,
  webhook_url  TEXT NOT NULL,
  active       BOOLEAN NOT NULL DEFAULT true,
  created_at   TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

CREATE TABLE offers (
  id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name        TEXT NOT NULL UNIQUE,
  channel_id  UUID NOT NULL REFERENCES channels (id),
  content     JSONB NOT NULL,
  value       DOUBLE PRECISION NOT NULL DEFAULT 0,
  active      BOOLEAN NOT NULL DEFAULT true,
  created_at  TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

CREATE TABLE campaigns (
  id             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  key            TEXT NOT NULL UNIQUE,
  name           TEXT NOT NULL,
  rule           JSONB NOT NULL,
  holdout_share  DOUBLE PRECISION NOT NULL CHECK (holdout_share >= 0 AND holdout_share <= 1),
  holdout_group  TEXT NOT NULL,
  priority       INTEGER NOT NULL DEFAULT 0,
  starts_at      TIMESTAMPTZ(3),
  ends_at        TIMESTAMPTZ(3),
  active         BOOLEAN NOT NULL DEFAULT true,
  created_at     TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at     TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

CREATE TABLE campaign_offers (
  campaign_id  UUID NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  offer_id     UUID NOT NULL REFERENCES offers (id),
  PRIMARY KEY (campaign_id, offer_id)
);

CREATE TABLE decisions (
  id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  customer_id      TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  campaign_id      UUID REFERENCES campaigns (id),
  holdout_group    TEXT NOT NULL,
  arm              TEXT NOT NULL CHECK (arm IN ('treatment', 'control')),
  offer_id         UUID REFERENCES offers (id),
  channel          TEXT,
  score            DOUBLE PRECISION,
  model_version    TEXT,
  reasons          JSONB NOT NULL DEFAULT '[]',
  features         JSONB NOT NULL DEFAULT '{}',
  source           TEXT NOT NULL DEFAULT 'live',
  idempotency_key  TEXT UNIQUE,
  created_at       TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX decisions_campaign_id_arm_idx ON decisions (campaign_id, arm);
CREATE INDEX decisions_holdout_group_arm_idx ON decisions (holdout_group, arm);
CREATE INDEX decisions_customer_id_created_at_idx ON decisions (customer_id, created_at);

CREATE TABLE outreach_messages (
  id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  decision_id      UUID NOT NULL UNIQUE REFERENCES decisions (id) ON DELETE CASCADE,
  channel_id       UUID NOT NULL REFERENCES channels (id),
  payload          JSONB NOT NULL,
  send_at          TIMESTAMPTZ(3) NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TIMESTAMPTZ(3) NOT NULL,
  locked_until     TIMESTAMPTZ(3),
  last_error       TEXT,
  sent_at          TIMESTAMPTZ(3),
  created_at       TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX outreach_messages_status_next_attempt_at_idx ON outreach_messages (status, next_attempt_at);

CREATE TABLE outcomes (
  id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  decision_id      UUID NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
  customer_id      TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  campaign_id      UUID REFERENCES campaigns (id),
  type             TEXT NOT NULL CHECK (type IN ('click', 'visit', 'conversion')),
  value            DOUBLE PRECISION,
  occurred_at      TIMESTAMPTZ(3) NOT NULL,
  idempotency_key  TEXT UNIQUE,
  created_at       TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX outcomes_decision_id_type_idx ON outcomes (decision_id, type);

CREATE TABLE propensity_models (
  id             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  offer_id       UUID NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
  version        INTEGER NOT NULL,
  feature_names  JSONB NOT NULL,
  coefficients   JSONB NOT NULL,
  scaling        JSONB NOT NULL,
  metrics        JSONB NOT NULL,
  sample_size    INTEGER NOT NULL,
  trained_at     TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  UNIQUE (offer_id, version)
);
