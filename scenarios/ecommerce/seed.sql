-- Static reference data and a coherent first hour of orders. Inserts only what is missing.
INSERT INTO categories (id, name) VALUES
  (1, 'Electronics'), (2, 'Clothing'), (3, 'Home & Garden'), (4, 'Books'),
  (5, 'Sports'), (6, 'Food & Drink'), (7, 'Beauty'), (8, 'Toys')
ON CONFLICT (id) DO NOTHING;

INSERT INTO products (id, name, category_id, base_price) VALUES
  (1, 'Wireless Headphones', 1, 129.99),
  (2, 'Smart Watch', 1, 249.00),
  (3, 'USB-C Charger', 1, 29.99),
  (4, 'Rain Jacket', 2, 89.50),
  (5, 'Running Shoes', 2, 119.00),
  (6, 'Ceramic Planter', 3, 34.90),
  (7, 'Cordless Drill', 3, 149.00),
  (8, 'Sci-Fi Novel', 4, 18.99),
  (9, 'Cookbook', 4, 32.00),
  (10, 'Yoga Mat', 5, 45.00),
  (11, 'Tennis Racket', 5, 159.00),
  (12, 'Espresso Beans 1kg', 6, 24.50),
  (13, 'Olive Oil 750ml', 6, 16.75),
  (14, 'Face Serum', 7, 54.00),
  (15, 'Building Blocks Set', 8, 79.99)
ON CONFLICT (id) DO NOTHING;

INSERT INTO customers (id, name, country) VALUES
  (1, 'Alice Martin', 'US'), (2, 'Bruno Rossi', 'IT'), (3, 'Chloé Dubois', 'FR'),
  (4, 'Daniel Schmidt', 'DE'), (5, 'Emma Wilson', 'GB'), (6, 'Felipe Santos', 'BR'),
  (7, 'Grace Chen', 'CA'), (8, 'Hiro Tanaka', 'JP'), (9, 'Isabel García', 'ES'),
  (10, 'Jonas Berg', 'SE'), (11, 'Kofi Mensah', 'GH'), (12, 'Laura Jansen', 'NL'),
  (13, 'Mateo López', 'MX'), (14, 'Nina Kowalska', 'PL'), (15, 'Oliver Smith', 'AU'),
  (16, 'Priya Sharma', 'IN'), (17, 'Quentin Moreau', 'FR'), (18, 'Rachel Green', 'US'),
  (19, 'Stefan Müller', 'DE'), (20, 'Tomás Silva', 'BR'), (21, 'Uma Patel', 'IN'),
  (22, 'Victor Hugo', 'FR'), (23, 'Wendy Brown', 'GB'), (24, 'Xu Wei', 'CA'),
  (25, 'Yara Haddad', 'US'), (26, 'Zoe Clarke', 'AU'), (27, 'Aiko Sato', 'JP'),
  (28, 'Ben Carter', 'US'), (29, 'Carla Bianchi', 'IT'), (30, 'Diego Fernández', 'ES')
ON CONFLICT (id) DO NOTHING;

INSERT INTO product_catalog (product_id, current_price, updated_at)
SELECT id, base_price, now() FROM products
ON CONFLICT (product_id) DO NOTHING;

-- 50 orders spread over the last hour, only into an empty table.
INSERT INTO orders (customer_id, product_id, quantity, unit_price, ordered_at)
SELECT 1 + (g * 7) % 30, p.id, 1 + g % 3, p.base_price,
       now() - make_interval(secs => (50 - g) * 70)
FROM generate_series(1, 50) AS g
JOIN products p ON p.id = 1 + (g * 11) % 15
WHERE NOT EXISTS (SELECT 1 FROM orders);
