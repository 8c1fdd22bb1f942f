-- The propensity prior counts an offer's treated decisions on every next-best-offer
-- request; without this index that count scans the whole decisions table.
CREATE INDEX decisions_offer_id_arm_idx ON decisions (offer_id, arm);
