-- The activity view reads a program's orders (participants, the ticker of recent orders) on every
-- page load; without this it walks all of the merchant's orders. program_id never changes, so
-- paying an order can still update its row in place (HOT).
CREATE INDEX orders_program ON orders (merchant_id, program_id)
