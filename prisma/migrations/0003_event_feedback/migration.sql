-- Where each event's emotion came from, and whether its explicit feedback (a rating)
-- agrees with its text and the behaviour around it.
ALTER TABLE events
  ADD COLUMN emotion_sources TEXT[] NOT NULL DEFAULT '{}',
  ADD COLUMN feedback_consistency TEXT
    CHECK (feedback_consistency IN ('consistent', 'inconsistent', 'not-applicable')),
  ADD COLUMN consistency_reasons JSONB;

CREATE INDEX events_feedback_consistency_idx ON events (feedback_consistency) WHERE feedback_consistency IS NOT NULL;
