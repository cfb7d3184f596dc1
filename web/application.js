// Distributor applications (SPEC 9): the merchant's conditions (phone bound, spent at least an
// amount, at least a number of orders, a tag the merchant gave the user), automatic or merchant
// approval, and the merchant's name for the role. The facts come from the database: spent and
// orders from the user's orders (paid or completed, less refunds), never from the request.
//
// The comparison of facts against conditions is here, in JS, until the engine has a call for it
// (asked for in build/NOTES-from-server.md); it is the only eligibility rule the server decides.
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

// Every condition the user does not meet, each with what he has and what it takes.
function unmet(settings, f) {
  const c = settings.conditions;
  const out = [];
  if (c.phone_bound && !f.phone_bound) {
    out.push({ code: 'E_APPLY_PHONE', path: 'conditions.phone_bound', message: 'bind a phone number first', current: false, target: true });
  }
  if (c.min_spent_fen > 0 && f.spent_fen < c.min_spent_fen) {
    out.push({ code: 'E_APPLY_SPENT', path: 'conditions.min_spent_fen', message: `spend at least ${c.min_spent_fen} fen first`,
      current: f.spent_fen, target: c.min_spent_fen, missing: c.min_spent_fen - f.spent_fen });
  }
  if (c.min_orders > 0 && f.orders < c.min_orders) {
    out.push({ code: 'E_APPLY_ORDERS', path: 'conditions.min_orders', message: `place at least ${c.min_orders} orders first`,
      current: f.orders, target: c.min_orders, missing: c.min_orders - f.orders });
  }
  if (c.tag && !f.tags.includes(c.tag)) {
    out.push({ code: 'E_APPLY_TAG', path: 'conditions.tag', message: `only users tagged "${c.tag}" can apply`, current: f.tags, target: c.tag });
  }
  return out;
}

module.exports = { settingsOf, facts, unmet, DEFAULT_ROLE };
