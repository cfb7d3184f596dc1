// The demo merchant, its campaign and its distribution program: created on first start so the
// README's main command opens a page that works. Idempotent.
'use strict';
const { hashKey } = require('./auth');
const { hashPassword } = require('./console-auth');

const DEMO = {
  merchant_id: 1,
  api_key: 'demo-merchant-key',
  campaign_id: 1001,
  distribution_id: 2001,
  // The console's owner account (scripts/run.sh prints it); development and tests only.
  owner_login: 'demo',
  owner_password: 'demo-owner-2026',
};

async function seedOwner(db, now) {
  const hash = await hashPassword(DEMO.owner_password);
  await db.query(`INSERT INTO staff (merchant_id, login, name, role, password_hash, created_ms) VALUES ($1, $2, $3, 'owner', $4, $5)
    ON CONFLICT (lower(login)) DO NOTHING`, [DEMO.merchant_id, DEMO.owner_login, '陈店长', hash, now]);
}

function demoCampaign(now) {
  return {
    kind: 'campaign', title: '新品茶礼 · 分享赚佣金', start_ms: now - 3600000, end_ms: now + 7 * 86400000,
    commission_per_unit_fen: 990, buy_before_distributing: false,
    product: { name: '明前龙井 250g 礼盒', price_fen: 9900, stock: 200 },
    max_buyers: 0, per_user_limit: 5, show_participants: true, ticker: true, splash_ad: true, poster_sharing: true,
    logo_url: '/demo-logo.svg', footer_buttons: [{ text: '关注公众号', url: '/index.html' }],
  };
}

function demoDistribution() {
  return {
    kind: 'distribution', depth: 2, self_purchase: 'none', reward: 'cash', mode: 'rate', rates_bp: [1000, 500],
    cost_protection: true, hold_days: 7, refund_policy: 'proportional',
    grades: [{ id: 'basic', name: '普通推广员' }, { id: 'gold', name: '金牌推广员', rates_bp: [1500, 500], thresholds: { paid_orders: 10 } }],
  };
}

async function seedDemo(db, engine, now = Date.now()) {
  const exists = await db.query('SELECT 1 FROM merchants WHERE merchant_id = $1', [DEMO.merchant_id]);
  if (exists.length) {
    await seedOwner(db, now);
    return DEMO;
  }
  await db.tx(async (q) => {
    await q(`INSERT INTO merchants (merchant_id, name, api_key_hash, role_name, created_ms) VALUES ($1, $2, $3, $4, $5)`,
      [DEMO.merchant_id, '龙井茶庄', hashKey(DEMO.api_key), '推广员', now]);
    await q(`INSERT INTO merchant_ledger (merchant_id, account, delta, ref, created_ms) VALUES ($1, 'balance', $2, 'demo-topup', $3)`,
      [DEMO.merchant_id, 1000000, now]);
    for (const [id, config] of [[DEMO.campaign_id, demoCampaign(now)], [DEMO.distribution_id, demoDistribution()]]) {
      const c = { ...config, program_id: id };
      const v = engine.validateProgram(c);
      const frozen = c.kind === 'campaign' ? engine.previewBudget(c, 1000000, [{ type: 'publish' }]).steps[0].state.frozen_fen : 0;
      await q(`INSERT INTO programs (merchant_id, program_id, kind, config, rules_version, status, stock, created_ms, updated_ms)
               VALUES ($1, $2, $3, $4, $5, 'published', $6, $7, $7)`,
      [DEMO.merchant_id, id, c.kind, JSON.stringify(c), v.rules_version, c.kind === 'campaign' ? c.product.stock : 0, now]);
      await q(`INSERT INTO rule_versions (merchant_id, rules_version, config, created_ms) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [DEMO.merchant_id, v.rules_version, JSON.stringify(c), now]);
      if (frozen) {
        await q(`INSERT INTO merchant_ledger (merchant_id, account, delta, program_id, ref, created_ms)
                 VALUES ($1, 'balance', $2, $3, $4, $5), ($1, 'frozen', $6, $3, $4, $5)`, [DEMO.merchant_id, -frozen, id, `publish:${id}`, now, frozen]);
      }
    }
    await q(`INSERT INTO products (merchant_id, product_id, name, price_fen, cost_fen) VALUES ($1, 'tea-250', '明前龙井 250g', 9900, 5000),
             ($1, 'cup', '青瓷茶杯', 3900, 1500)`, [DEMO.merchant_id]);
  });
  await seedOwner(db, now);
  return DEMO;
}

module.exports = { seedDemo, DEMO };
