-- Model versions record the window of decisions they were trained on.
ALTER TABLE propensity_models
  ADD COLUMN data_from TIMESTAMPTZ(3),
  ADD COLUMN data_to   TIMESTAMPTZ(3);

-- Uplift models per offer: a T-learner, one logistic regression fitted on the offer's
-- treated decisions and one on the control decisions of its holdout groups. The
-- predicted uplift of a customer is the first model's probability minus the second's.
CREATE TABLE uplift_models (
  id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  offer_id        UUID NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
  version         INTEGER NOT NULL,
  outcome         TEXT NOT NULL,
  treated_model   JSONB NOT NULL,
  control_model   JSONB NOT NULL,
  metrics         JSONB NOT NULL,
  treated_size    INTEGER NOT NULL,
  control_size    INTEGER NOT NULL,
  data_from       TIMESTAMPTZ(3),
  data_to         TIMESTAMPTZ(3),
  trained_at      TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  UNIQUE (offer_id, version)
);

-- What a decision used: the uplift model version next to the propensity version in
-- model_version, the predicted uplift, where the ranking score came from
-- ('model', 'prior' or 'exploration') and the probability that Thompson sampling
-- picks the chosen offer.
ALTER TABLE decisions
  ADD COLUMN uplift_model_version    TEXT,
  ADD COLUMN uplift                  DOUBLE PRECISION,
  ADD COLUMN score_source            TEXT,
  ADD COLUMN exploration_probability DOUBLE PRECISION;
