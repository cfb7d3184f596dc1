// Distributor applications (SPEC 9): the merchant's conditions (phone bound, spent at least an
// amount, at least a number of orders, a tag the merchant gave the user), automatic or merchant
// approval, and the merchant's name for the role. The facts come from the database: spent and
// orders from the user's orders (paid or completed, less refunds), never from the request.
//
// The comparison of facts against conditions is the engine's (evaluateApplication), the same call
// the distributor centre can make; this file only reads the settings and the facts.
'use strict';

const DEFAULT_ROLE = '推广员';

function settingsOf(merchant) {
  const a = ((merchant && merchant.settings) || {}).application || {};
  return {
    approval: a.approval || (a.manual_approval ? 'manual' : 'auto'),
    conditions: { ...(a.conditions || {}) },
  };
}

async function facts(q, merchantId, userId) {
  const [row] = await q(`SELECT COALESCE(u.phone_bound, FALSE) AS phone_bound, COALESCE(u.tags, '{}') AS tags,
      (SELECT COALESCE(SUM(paid_fen - refunded_fen), 0) FROM orders
        WHERE merchant_id = $1 AND buyer_id = $2 AND status IN ('paid', 'completed')) AS spent_fen,
      (SELECT COUNT(*) FROM orders
        WHERE merchant_id = $1 AND buyer_id = $2 AND status IN ('paid', 'completed') AND refunded_fen < paid_fen)::int AS orders
    FROM (SELECT 1) one LEFT JOIN users u ON u.merchant_id = $1 AND u.user_id = $2`, [merchantId, userId]);
  return { phone_bound: !!row.phone_bound, tags: row.tags || [], spent_fen: Number(row.spent_fen), orders: Number(row.orders) };
}

// Every condition the user does not meet, each with what he has and what it takes (the engine's
// reasons: code, path conditions.<name>, current, target, missing and money texts).
function unmet(engine, settings, f) {
  const c = settings.conditions;
  const conditions = {};
  if (c.phone_bound) conditions.phone_bound = true;
  if (c.min_spent_fen > 0) conditions.min_spent_fen = c.min_spent_fen;
  if (c.min_orders > 0) conditions.min_orders = c.min_orders;
  if (c.tag) conditions.tag = c.tag;
  return engine.evaluateApplication(conditions, f).reasons;
}

module.exports = { settingsOf, facts, unmet, DEFAULT_ROLE };
