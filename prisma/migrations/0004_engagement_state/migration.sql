-- Explainable engagement and the emotion trend: decayed engagement components (overall and
-- per stage) and the slow valence, as one JSON document per customer. '{}' means a customer
-- scored before this migration; the scoring code defaults the missing parts.
ALTER TABLE customers
  ADD COLUMN scoring_state JSONB NOT NULL DEFAULT '{}';
