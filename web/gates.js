// The server's side of the campaign gates: the engine's evaluateGate with what only the server
// knows — the user's profile (follower, region), what he bought, the live stock and buyers, whether
// a password pass carries our signature, and his wrong tries (kept in password_tries, row-locked
// so parallel guesses all count). This answer is the one that refuses an order.
'use strict';
const crypto = require('crypto');
const { createPasswordGuard, hashPassword } = require('../bindings/gate-node');
const { ApiError } = require('./errors');

module.exports = function gates(ctx) {
  const { engine } = ctx;
  const passSecret = crypto.createHmac('sha256', ctx.secret).update('gate-pass-1').digest('hex');

  // Wrong tries of one user, in this transaction, the row locked until it commits.
  function triesStore(q, m, programId) {
    return {
      async get(key) {
        const userId = Number(key.split(':')[1]);
        await q(`INSERT INTO password_tries (merchant_id, program_id, user_id, tries) VALUES ($1, $2, $3, '[]')
                 ON CONFLICT DO NOTHING`, [m, programId, userId]);
        const [row] = await q('SELECT tries FROM password_tries WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3 FOR UPDATE',
          [m, programId, userId]);
        return row ? row.tries : [];
      },
      async set(key, tries) {
        await q('UPDATE password_tries SET tries = $4 WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3',
          [m, programId, Number(key.split(':')[1]), JSON.stringify(tries)]);
      },
    };
  }

  function guard(q, program) {
    if (!program.password_hash) return null;
    return createPasswordGuard({ engine, secret: passSecret, passwordHash: program.password_hash,
      programId: Number(program.program_id), store: triesStore(q, program.merchant_id, program.program_id) });
  }

  // What the gate knows of the user: profile and units held in this campaign (program_buyers),
  // fetched here unless the caller read them already; the live stock and buyer count are the
  // program row's.
  async function userContext(q, program, userId, pass, facts) {
    let f = facts;
    if (!f) {
      [f] = await q(`SELECT u.is_fan, u.region, (SELECT units FROM program_buyers WHERE merchant_id = $1 AND program_id = $2 AND buyer_id = $3) AS bought_units
                     FROM (SELECT 1) one LEFT JOIN users u ON u.merchant_id = $1 AND u.user_id = $3`, [program.merchant_id, program.program_id, userId]);
    }
    const user = { id: userId, is_fan: !!f.is_fan, bought_units: Number(f.bought_units || 0) };
    if (f.region) user.region = f.region;
    if (pass) user.pass = pass;
    return { user, state: { stock_left: Number(program.stock), buyers: Number(program.buyers) } };
  }

  return {
    async evaluate(q, program, userId, pass, now, facts = null) {
      const { user, state } = await userContext(q, program, userId, pass, facts);
      const g = guard(q, program);
      const r = g ? await g.evaluate(program.config, now, user, state) : engine.call('evaluateGate', { program: program.config, now_ms: now, user, state });
      if (!r.ok) throw new ApiError(400, r.errors[0].code, r.errors[0].path, r.errors[0].message);
      return r;
    },
    // Refuses an order the gate does not allow, with every reason (codes G_*).
    async requireBuy(q, program, userId, pass, units, now, facts = null) {
      const r = await this.evaluate(q, program, userId, pass, now, facts);
      if (!r.buy.allowed) {
        const err = new ApiError(403, r.buy.reasons[0], 'program_id', 'the gate does not allow buying now');
        err.errors = r.reasons.filter((x) => x.blocks.includes('buy')).map((x) => ({ code: x.code, path: 'program_id', message: x.message }));
        throw err;
      }
      if (units > r.buy.max_units) throw new ApiError(409, 'E_PURCHASE_LIMIT', 'units', `at most ${r.buy.max_units} more`);
      return r;
    },
    async attempt(q, program, userId, password, now) {
      const g = guard(q, program);
      if (!g) throw new ApiError(409, 'E_NO_PASSWORD', 'program_id', 'this campaign has no password');
      return g.attempt({ userId, password, nowMs: now });
    },
    hashPassword,
  };
};
