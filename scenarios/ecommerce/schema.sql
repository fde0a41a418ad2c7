-- ecommerce_demo: online store analytics (reference/scenarios.md §1). Idempotent.
CREATE TABLE IF NOT EXISTS categories (
  id integer PRIMARY KEY,
  name text NOT NULL UNIQUE
);

CREATE TABLE IF NOT EXISTS products (
  id integer PRIMARY KEY,
  name text NOT NULL,
  category_id integer NOT NULL REFERENCES categories (id),
  base_price numeric(10, 2) NOT NULL CHECK (base_price > 0)
);

CREATE TABLE IF NOT EXISTS customers (
  id integer PRIMARY KEY,
  name text NOT NULL,
  -- text, not char(2): pg_trickle 0.67 creates a char(n) column of a stream table as
  -- char(1), and the first two-letter code then fails every refresh.
  country text NOT NULL CHECK (country ~ '^[A-Z]{2}$')
);

-- Append-only event stream, pruned to the retention window by the generator.
CREATE TABLE IF NOT EXISTS orders (
  id bigserial PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers (id),
  product_id integer NOT NULL REFERENCES products (id),
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price numeric(10, 2) NOT NULL CHECK (unit_price > 0),
  ordered_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS orders_ordered_at ON orders (ordered_at);

-- Slowly changing: one row per product, repriced now and then.
CREATE TABLE IF NOT EXISTS product_catalog (
  product_id integer PRIMARY KEY REFERENCES products (id),
  current_price numeric(10, 2) NOT NULL CHECK (current_price > 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
