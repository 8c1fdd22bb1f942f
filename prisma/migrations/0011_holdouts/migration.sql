-- The first arm each customer was given in each holdout group. Later decisions reuse it, so
-- editing a campaign's holdout share or moving it to another campaign never moves a customer
-- between arms. The global control group is stored under the group name '~global-control'.
CREATE TABLE holdout_assignments (
  holdout_group  TEXT NOT NULL,
  customer_id    TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  arm            TEXT NOT NULL CHECK (arm IN ('treatment', 'control')),
  -- The holdout share in force at the assignment: the probability that this customer was drawn into control.
  holdout_share  DOUBLE PRECISION NOT NULL CHECK (holdout_share >= 0 AND holdout_share <= 1),
  salt           TEXT NOT NULL,
  created_at     TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (holdout_group, customer_id)
);
CREATE INDEX holdout_assignments_customer_idx ON holdout_assignments (customer_id);
