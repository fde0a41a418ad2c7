-- fraud_demo: real-time fraud detection (reference/scenarios.md §2). Idempotent.
CREATE TABLE IF NOT EXISTS users (
  id integer PRIMARY KEY,
  name text NOT NULL,
  -- text, not char(2): pg_trickle 0.67 creates a char(n) column of a stream table as
  -- char(1), and the first two-letter code then fails every refresh.
  country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  account_age_days integer NOT NULL CHECK (account_age_days >= 0)
);

CREATE TABLE IF NOT EXISTS merchants (
  id integer PRIMARY KEY,
  name text NOT NULL,
  category text NOT NULL,
  country text NOT NULL CHECK (country ~ '^[A-Z]{2}$')
);

-- Append-only event stream, pruned to the retention window by the generator.
CREATE TABLE IF NOT EXISTS transactions (
  id bigserial PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id),
  merchant_id integer NOT NULL REFERENCES merchants (id),
  amount numeric(12, 2) NOT NULL CHECK (amount > 0),
  txn_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS transactions_txn_at ON transactions (txn_at);
-- The risk rule looks at each user's transactions in the minute before each one.
CREATE INDEX IF NOT EXISTS transactions_user_txn_at ON transactions (user_id, txn_at);

-- Slowly changing: one row per merchant, rotated now and then.
CREATE TABLE IF NOT EXISTS merchant_risk_tier (
  merchant_id integer PRIMARY KEY REFERENCES merchants (id),
  tier text NOT NULL CHECK (tier IN ('STANDARD', 'ELEVATED', 'HIGH')),
  updated_at timestamptz NOT NULL DEFAULT now()
);
