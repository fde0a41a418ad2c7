-- finance_demo: financial risk analytics (reference/scenarios.md §3). Idempotent.
CREATE TABLE IF NOT EXISTS sectors (
  id integer PRIMARY KEY,
  name text NOT NULL UNIQUE
);

CREATE TABLE IF NOT EXISTS instruments (
  id integer PRIMARY KEY,
  symbol text NOT NULL UNIQUE,
  name text NOT NULL,
  sector_id integer NOT NULL REFERENCES sectors (id),
  asset_class text NOT NULL CHECK (asset_class IN ('Equity', 'Bond', 'Commodity', 'Crypto')),
  base_price numeric(12, 4) NOT NULL CHECK (base_price > 0)
);

CREATE TABLE IF NOT EXISTS portfolios (
  id integer PRIMARY KEY,
  name text NOT NULL UNIQUE,
  manager text NOT NULL,
  strategy text NOT NULL
);

CREATE TABLE IF NOT EXISTS accounts (
  id integer PRIMARY KEY,
  name text NOT NULL,
  portfolio_id integer NOT NULL REFERENCES portfolios (id),
  capital_limit numeric(14, 2) NOT NULL CHECK (capital_limit > 0)
);

-- Append-only event stream (signed quantity: sells are negative), pruned to the window.
CREATE TABLE IF NOT EXISTS trades (
  id bigserial PRIMARY KEY,
  account_id integer NOT NULL REFERENCES accounts (id),
  instrument_id integer NOT NULL REFERENCES instruments (id),
  quantity integer NOT NULL CHECK (quantity <> 0),
  price numeric(12, 4) NOT NULL CHECK (price > 0),
  traded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS trades_traded_at ON trades (traded_at);

-- Slowly changing: one row per instrument, one instrument repriced every cycle.
CREATE TABLE IF NOT EXISTS market_prices (
  instrument_id integer PRIMARY KEY REFERENCES instruments (id),
  bid numeric(12, 4) NOT NULL,
  ask numeric(12, 4) NOT NULL,
  mid numeric(12, 4) NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
