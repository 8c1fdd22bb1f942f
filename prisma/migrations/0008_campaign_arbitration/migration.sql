-- Applicability and suitability rules, arbitration levers and offer budgets per campaign.

-- Null rules always pass; both are JSON Logic over the same facts as the eligibility rule.
ALTER TABLE campaigns ADD COLUMN applicability_rule JSONB;
ALTER TABLE campaigns ADD COLUMN suitability_rule JSONB;
-- Multiplies the arbitration priority of every offer of the campaign; set by marketers.
ALTER TABLE campaigns ADD COLUMN business_lever DOUBLE PRECISION NOT NULL DEFAULT 1;
-- Array of {"when": rule, "weight": number}; the weights of the passing entries multiply.
ALTER TABLE campaigns ADD COLUMN context_weights JSONB NOT NULL DEFAULT '[]';
-- {"period": "day" | "total", "maxDecisions"?: integer, "maxValue"?: number}, per offer of the campaign.
ALTER TABLE campaigns ADD COLUMN offer_budget JSONB;

-- What each offer of a campaign has spent in one budget period. A "total" budget uses the
-- period 1970-01-01; a "day" budget uses the UTC day of the decision.
CREATE TABLE offer_budget_spend (
  campaign_id   UUID NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  offer_id      UUID NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
  period_start  DATE NOT NULL,
  decisions     INTEGER NOT NULL DEFAULT 0,
  value         DOUBLE PRECISION NOT NULL DEFAULT 0,
  updated_at    TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, offer_id, period_start)
);
