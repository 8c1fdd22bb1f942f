-- API keys of every role. They replace platform_keys, whose rows move here with the role
-- 'platform' and their hashes unchanged, so keys already handed to platforms keep working.
-- Only the SHA-256 hash of a key is stored; the key itself is shown once, when it is created.
CREATE TABLE api_keys (
  id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name               TEXT NOT NULL,
  role               TEXT NOT NULL CHECK (role IN ('admin', 'marketer', 'analyst', 'platform')),
  key_hash           TEXT NOT NULL UNIQUE,
  -- The first characters of the key, so an operator can tell keys apart.
  key_prefix         TEXT NOT NULL,
  created_at         TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  -- The admin key that created this one; null for keys created at start-up or by the CLI.
  created_by_key_id  UUID REFERENCES api_keys (id),
  -- The key stops working at this moment. A rotated key may get a time in the future,
  -- so its callers can switch to the new key during a grace period.
  revoked_at         TIMESTAMPTZ(3),
  -- Updated at most about once per verification cache period, not on every request.
  last_used_at       TIMESTAMPTZ(3),
  -- The key this one replaced. UNIQUE lets a key be rotated only once.
  rotated_from_id    UUID UNIQUE REFERENCES api_keys (id)
);

INSERT INTO api_keys (id, name, role, key_hash, key_prefix, created_at, revoked_at)
SELECT id, name, 'platform', key_hash, key_prefix, created_at, revoked_at FROM platform_keys;

DROP TABLE platform_keys;
