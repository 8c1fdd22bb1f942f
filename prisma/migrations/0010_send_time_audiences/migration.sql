-- Send-time optimization, pull access for e-mail platforms, and audience exports.

-- Why the message is due when it is: the source of the hour-of-week pattern (customer,
-- segment or global), the chosen hour, its score and the event counts. Null for
-- messages created before this column existed.
ALTER TABLE outreach_messages ADD COLUMN send_time_reason JSONB;

-- Engagement events by type and time, for the segment and global send-time patterns.
CREATE INDEX events_type_occurred_at_idx ON events (type, occurred_at);

-- Treatment audience of a campaign: each customer's latest decision, in customer order.
CREATE INDEX decisions_campaign_id_customer_id_created_at_idx ON decisions (campaign_id, customer_id, created_at);

-- API keys of e-mail and ad platforms. Only the SHA-256 hash of a key is stored; the
-- key itself is shown once, when it is created.
CREATE TABLE platform_keys (
  id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name         TEXT NOT NULL,
  key_hash     TEXT NOT NULL UNIQUE,
  -- The first characters of the key, so an operator can tell keys apart.
  key_prefix   TEXT NOT NULL,
  created_at   TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  revoked_at   TIMESTAMPTZ(3)
);
