-- Static reference data and a first hour of transactions. Inserts only what is missing.
INSERT INTO users (id, name, country, account_age_days) VALUES
  (1, 'Ava Thompson', 'US', 2210), (2, 'Liam O''Brien', 'IE', 1430), (3, 'Sofia Rossi', 'IT', 980),
  (4, 'Noah Becker', 'DE', 1760), (5, 'Mia Laurent', 'FR', 45), (6, 'Lucas Silva', 'BR', 620),
  (7, 'Emma Clarke', 'GB', 3050), (8, 'Kenji Mori', 'JP', 1200), (9, 'Olivia Novak', 'CZ', 12),
  (10, 'Mateus Costa', 'PT', 870), (11, 'Chloe Martin', 'CA', 1510), (12, 'Arjun Mehta', 'IN', 330),
  (13, 'Zoe Jensen', 'DK', 2600), (14, 'Diego Ramos', 'MX', 75), (15, 'Hannah Fischer', 'AT', 1900),
  (16, 'Ivan Petrov', 'BG', 410), (17, 'Leah Cohen', 'IL', 1320), (18, 'Omar Haddad', 'AE', 28),
  (19, 'Grace Kim', 'KR', 2100), (20, 'Ethan Walker', 'AU', 1650), (21, 'Nora Berg', 'NO', 760),
  (22, 'Pablo Ortiz', 'ES', 540), (23, 'Yuki Sato', 'JP', 3300), (24, 'Amara Okafor', 'NG', 190),
  (25, 'Felix Wagner', 'DE', 1280), (26, 'Isla Murphy', 'IE', 60), (27, 'Ravi Kumar', 'IN', 1005),
  (28, 'Camila Díaz', 'AR', 880), (29, 'Jack Wilson', 'US', 2750), (30, 'Elena Popescu', 'RO', 15)
ON CONFLICT (id) DO NOTHING;

INSERT INTO merchants (id, name, category, country) VALUES
  (1, 'Northwind Outfitters', 'Retail', 'US'),
  (2, 'Blue Harbor Market', 'Retail', 'GB'),
  (3, 'Voltage Electronics', 'Electronics', 'DE'),
  (4, 'PixelPoint', 'Electronics', 'US'),
  (5, 'SkyRoute Travel', 'Travel', 'FR'),
  (6, 'Atlas Air', 'Travel', 'NL'),
  (7, 'Lucky Star Casino', 'Gambling', 'MT'),
  (8, 'Royal Flush Online', 'Gambling', 'GI'),
  (9, 'CoinSwift Exchange', 'Crypto', 'SC'),
  (10, 'BitHarbor', 'Crypto', 'KY'),
  (11, 'Green Fork Bistro', 'Food', 'IT'),
  (12, 'Daily Grind Café', 'Food', 'US'),
  (13, 'Noodle Republic', 'Food', 'JP'),
  (14, 'CarePlus Pharmacy', 'Pharmacy', 'CA'),
  (15, 'MediQuick', 'Pharmacy', 'DE')
ON CONFLICT (id) DO NOTHING;

INSERT INTO merchant_risk_tier (merchant_id, tier, updated_at)
SELECT id, CASE category WHEN 'Crypto' THEN 'HIGH' WHEN 'Gambling' THEN 'ELEVATED' ELSE 'STANDARD' END, now()
FROM merchants
ON CONFLICT (merchant_id) DO NOTHING;

-- 40 transactions over the last hour, amounts typical of each merchant's category.
INSERT INTO transactions (user_id, merchant_id, amount, txn_at)
SELECT 1 + (g * 7) % 30, m.id,
       round((CASE m.category WHEN 'Retail' THEN 60 WHEN 'Electronics' THEN 240 WHEN 'Travel' THEN 420
              WHEN 'Gambling' THEN 110 WHEN 'Crypto' THEN 520 WHEN 'Food' THEN 28 ELSE 38 END)
             * (0.6 + (g % 9) * 0.1), 2),
       now() - make_interval(secs => (40 - g) * 88)
FROM generate_series(1, 40) AS g
JOIN merchants m ON m.id = 1 + (g * 4) % 15
WHERE NOT EXISTS (SELECT 1 FROM transactions);
