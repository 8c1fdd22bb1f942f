-- Contact policies: caps, quiet hours and cooldown for the whole deployment, caps and
-- the consent rule per channel, and each customer's time zone and consent per channel.

ALTER TABLE customers ADD COLUMN time_zone TEXT;

-- One row at most, with id 'global'; without it, the policy has no caps, no quiet hours,
-- no cooldown and the time zone UTC.
CREATE TABLE contact_policies (
  id                TEXT PRIMARY KEY DEFAULT 'global' CHECK (id = 'global'),
  max_per_day       INTEGER CHECK (max_per_day >= 0),
  max_per_week      INTEGER CHECK (max_per_week >= 0),
  -- Minutes after local midnight; both set or both null.
  quiet_hours_start INTEGER CHECK (quiet_hours_start BETWEEN 0 AND 1439),
  quiet_hours_end   INTEGER CHECK (quiet_hours_end BETWEEN 0 AND 1439),
  cooldown_hours    INTEGER CHECK (cooldown_hours >= 0),
  default_time_zone TEXT NOT NULL DEFAULT 'UTC',
  updated_at        TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CHECK ((quiet_hours_start IS NULL) = (quiet_hours_end IS NULL))
);

CREATE TABLE channel_contact_policies (
  channel_id       UUID PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
  max_per_day      INTEGER CHECK (max_per_day >= 0),
  max_per_week     INTEGER CHECK (max_per_week >= 0),
  requires_consent BOOLEAN NOT NULL DEFAULT false,
  updated_at       TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

CREATE TABLE customer_consents (
  customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  channel_id  UUID NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  status      TEXT NOT NULL CHECK (status IN ('granted', 'opted_out')),
  updated_at  TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, channel_id)
);
