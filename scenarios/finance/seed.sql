-- Static reference data, opening prices and a first batch of trades. Inserts only what is missing.
INSERT INTO sectors (id, name) VALUES
  (1, 'Technology'), (2, 'Finance'), (3, 'Healthcare'), (4, 'Energy'),
  (5, 'Consumer'), (6, 'Industrials'), (7, 'Materials'), (8, 'Utilities')
ON CONFLICT (id) DO NOTHING;

INSERT INTO instruments (id, symbol, name, sector_id, asset_class, base_price) VALUES
  (1, 'NOVA', 'Nova Semiconductors', 1, 'Equity', 412.50),
  (2, 'CLDX', 'Cloudex Software', 1, 'Equity', 188.20),
  (3, 'QBIT', 'Qubit Systems', 1, 'Equity', 96.40),
  (4, 'BTCX', 'Bitcoin Tracker', 1, 'Crypto', 64.80),
  (5, 'ETHX', 'Ether Tracker', 1, 'Crypto', 31.25),
  (6, 'ATLB', 'Atlas Bank', 2, 'Equity', 58.90),
  (7, 'MRDN', 'Meridian Insurance', 2, 'Equity', 121.75),
  (8, 'GOVB', 'Treasury 10Y Fund', 2, 'Bond', 98.10),
  (9, 'CORP', 'Corporate Bond Fund', 2, 'Bond', 52.35),
  (10, 'HELX', 'Helix Biotech', 3, 'Equity', 143.60),
  (11, 'CURA', 'Cura Health', 3, 'Equity', 77.15),
  (12, 'MEDI', 'Medisys Devices', 3, 'Equity', 211.30),
  (13, 'PTRX', 'Petrox Energy', 4, 'Equity', 84.45),
  (14, 'SOLR', 'Solaris Power', 4, 'Equity', 39.80),
  (15, 'CRUD', 'Crude Oil Fund', 4, 'Commodity', 72.60),
  (16, 'SHOP', 'Shopwise Retail', 5, 'Equity', 156.90),
  (17, 'BREW', 'Brewhouse Group', 5, 'Equity', 64.25),
  (18, 'LUXE', 'Luxe Brands', 5, 'Equity', 298.40),
  (19, 'AERO', 'Aerodyne', 6, 'Equity', 174.10),
  (20, 'RAIL', 'Continental Rail', 6, 'Equity', 112.55),
  (21, 'ROBO', 'Robotix Automation', 6, 'Equity', 87.30),
  (22, 'GOLD', 'Gold Bullion Fund', 7, 'Commodity', 182.75),
  (23, 'STLX', 'Steelix', 7, 'Equity', 45.60),
  (24, 'CHEM', 'ChemCore', 7, 'Equity', 93.85),
  (25, 'WATR', 'Waterline Utilities', 8, 'Equity', 68.40),
  (26, 'GRID', 'Gridline Power', 8, 'Equity', 54.20),
  (27, 'UTLB', 'Utility Bond Fund', 8, 'Bond', 24.95),
  (28, 'MUNI', 'Municipal Bond Fund', 8, 'Bond', 101.20),
  (29, 'PAYX', 'Payflux', 2, 'Equity', 233.10),
  (30, 'GENE', 'Genomica', 3, 'Equity', 58.75)
ON CONFLICT (id) DO NOTHING;

INSERT INTO portfolios (id, name, manager, strategy) VALUES
  (1, 'Global Equity', 'Hannah Vogel', 'Long-only equity'),
  (2, 'Tech Momentum', 'Ravi Iyer', 'Momentum'),
  (3, 'Income & Bonds', 'Claire Dubois', 'Fixed income'),
  (4, 'Macro Opportunities', 'Marco Bellini', 'Global macro'),
  (5, 'Digital Assets', 'Sam Okoye', 'Crypto and growth')
ON CONFLICT (id) DO NOTHING;

-- 10 accounts per portfolio. Capital limits are set so that, in steady state, most portfolios
-- run OK, Digital Assets usually sits in WARNING and an algorithmic burst can cause a BREACH.
INSERT INTO accounts (id, name, portfolio_id, capital_limit)
SELECT (p.id - 1) * 10 + n,
       p.name || ' #' || n,
       p.id,
       CASE p.id WHEN 1 THEN 100000 WHEN 2 THEN 110000 WHEN 3 THEN 60000 WHEN 4 THEN 120000 ELSE 85000 END
FROM portfolios p CROSS JOIN generate_series(1, 10) AS n
ON CONFLICT (id) DO NOTHING;

INSERT INTO market_prices (instrument_id, bid, ask, mid, updated_at)
SELECT id, round(base_price * 0.99975, 4), round(base_price * 1.00025, 4), base_price, now()
FROM instruments
ON CONFLICT (instrument_id) DO NOTHING;

-- 150 trades over the last hour across all accounts and instruments, a third of them sells.
INSERT INTO trades (account_id, instrument_id, quantity, price, traded_at)
SELECT 1 + (g * 7) % 50, i.id,
       (CASE WHEN g % 3 = 0 THEN -1 ELSE 1 END) * greatest(1, round(8000 / i.base_price))::int,
       i.base_price,
       now() - make_interval(secs => (150 - g) * 23)
FROM generate_series(1, 150) AS g
JOIN instruments i ON i.id = 1 + (g * 11) % 30
WHERE NOT EXISTS (SELECT 1 FROM trades);
