-- Journey definitions and the journey each scored event is placed on.
--
-- A journey is an ordered list of stages, and each stage lists the touchpoints that place
-- an event in it. The API validates the shape of `stages`; the CHECK only keeps a broken
-- write from storing something that is not a list of 1 to 20 stages.

CREATE TABLE journeys (
  id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  key         TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  priority    INTEGER NOT NULL DEFAULT 0,
  stages      JSONB NOT NULL
              CHECK (jsonb_typeof(stages) = 'array' AND jsonb_array_length(stages) BETWEEN 1 AND 20),
  active      BOOLEAN NOT NULL DEFAULT true,
  created_at  TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

-- Before scoring, the journey the caller named (or null); after scoring, the journey the
-- event was placed on (or null when no journey lists its touchpoint).
ALTER TABLE events ADD COLUMN journey TEXT;
-- Journey maps, pain points and paths read one journey's events at a time.
CREATE INDEX events_journey_occurred_at_idx ON events (journey, occurred_at) WHERE journey IS NOT NULL;
-- Pain points and paths look up each customer's later conversion outcomes.
CREATE INDEX outcomes_customer_id_type_occurred_at_idx ON outcomes (customer_id, type, occurred_at);

-- Seeded journeys. The customer lifecycle lists the touchpoints of the scoring code's
-- default stage map with the same stages, and it has the highest seeded priority, so the
-- stages of events that name no journey stay what they were before journeys existed. The
-- other three take the touchpoints the lifecycle does not list, and any event that names
-- them in its `journey` field.
INSERT INTO journeys (key, name, priority, stages) VALUES
(
  'customer-lifecycle', 'Customer lifecycle', 100,
  '[
    {"key": "awareness", "name": "Awareness", "touchpoints": ["ad_click", "referral"]},
    {"key": "consideration", "name": "Consideration", "touchpoints": ["price_check", "quote", "product_view", "store_visit"]},
    {"key": "purchase", "name": "Purchase", "touchpoints": ["purchase", "checkout"]},
    {"key": "onboarding", "name": "Onboarding", "touchpoints": ["signup", "activation"]},
    {"key": "usage", "name": "Usage", "touchpoints": ["login", "app_open", "bill_payment"]},
    {"key": "support", "name": "Support", "touchpoints": ["call", "chat", "support_ticket", "claim"]},
    {"key": "renewal", "name": "Renewal", "touchpoints": ["renewal", "contract_renewal"]},
    {"key": "churn-risk", "name": "Churn risk", "touchpoints": ["cancellation"]}
  ]'
),
(
  'insurance-claim', 'Insurance claim', 50,
  '[
    {"key": "first-notice", "name": "First notice of loss", "touchpoints": ["claim", "claim_report", "incident_report"]},
    {"key": "documentation", "name": "Documentation", "touchpoints": ["document_upload", "photo_upload"]},
    {"key": "assessment", "name": "Assessment", "touchpoints": ["adjuster_visit", "claim_inspection"]},
    {"key": "decision", "name": "Decision", "touchpoints": ["claim_decision", "claim_status"]},
    {"key": "settlement", "name": "Settlement", "touchpoints": ["claim_payment", "repair_booking"]},
    {"key": "feedback", "name": "Feedback", "touchpoints": ["claim_survey"]}
  ]'
),
(
  'telecom-support', 'Telecom support', 50,
  '[
    {"key": "contact", "name": "Contact", "touchpoints": ["ivr", "call", "chat", "support_ticket"]},
    {"key": "diagnosis", "name": "Diagnosis", "touchpoints": ["line_test", "remote_diagnostics"]},
    {"key": "technician-visit", "name": "Technician visit", "touchpoints": ["technician_visit", "appointment"]},
    {"key": "resolution", "name": "Resolution", "touchpoints": ["ticket_resolved"]},
    {"key": "follow-up", "name": "Follow-up", "touchpoints": ["satisfaction_survey"]}
  ]'
),
(
  'retail-purchase', 'Retail purchase', 50,
  '[
    {"key": "browse", "name": "Browse", "touchpoints": ["product_view", "search", "category_view"]},
    {"key": "cart", "name": "Cart", "touchpoints": ["cart", "wishlist"]},
    {"key": "checkout", "name": "Checkout", "touchpoints": ["checkout", "payment"]},
    {"key": "purchase", "name": "Purchase", "touchpoints": ["purchase"]},
    {"key": "fulfilment", "name": "Fulfilment", "touchpoints": ["shipping_update", "delivery"]},
    {"key": "return", "name": "Return", "touchpoints": ["return_request"]}
  ]'
);
