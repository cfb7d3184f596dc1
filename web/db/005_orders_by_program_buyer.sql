-- 004's index led the planner, on young statistics, to walk a whole program's orders for "has
-- this sharer bought here" (program and buyer): one index on both serves that lookup and the
-- activity view's program scans.
DROP INDEX IF EXISTS orders_program;

CREATE INDEX orders_program_buyer ON orders (merchant_id, program_id, buyer_id)
