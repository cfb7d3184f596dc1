// The merchant's distributors (docs/console.md "Distributors"): the list (pending applications
// first) with search and filters, one distributor's page (inviter, customers, team, orders,
// commission by state, withdrawals, grade and its progress by the engine's gradeStatus, the grade
// history), and the actions: approve, reject with a reason the applicant reads, the grade by
// hand, freeze / unfreeze (a frozen distributor is not in the attribution slice, so the engine
// credits him nothing new; web/withdraw.js refuses his withdrawals; what he earned stays),
// revoke, groups (分组管理) and the inviter (the engine's set_inviter, a cycle refused with its
// reason). Rules are the engine's; this file reads and stores.
'use strict';
const grades = require('../grades');
const ledger = require('../ledger');
const withdraw = require('../withdraw');
const { refusal } = require('./attribution');
const { formatCst, explainZh, gradeZh } = require('../../bindings/engine');
const { D_STATUS, METHOD, W_STATUS } = require('./merchant-exports');
const { bad, conflict, notFound } = require('../errors');

const LIMIT_MAX = 100;
const REASON = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' };
const GROUP_NAME = { type: 'string', minLength: 1, maxLength: 32, pattern: '\\S' };

module.exports = async function merchantDistributors(app, { ctx }) {
  const { db, clock, programs, engine } = ctx;
  const DIGITS = { type: 'string', pattern: '^[0-9]{1,16}$' };
  const duParams = { params: { type: 'object', properties: { program_id: DIGITS, user_id: DIGITS } } };
  const body = (properties, required = Object.keys(properties)) => ({
    body: { type: 'object', properties, required, additionalProperties: false },
  });
  const text = (ms) => (ms == null ? null : formatCst(Number(ms), true));

  function gradeName(program, id) {
    const gs = (program && program.config.grades) || [];
    const g = gs.find((x) => x.id === id) || (id ? null : gs[0]);
    return g ? g.name || g.id : null;
  }

  function row(r, program) {
    return {
      program_id: Number(r.program_id), user_id: Number(r.user_id), name: r.nickname || '', phone_masked: null,
      status: r.status, status_text: D_STATUS[r.status] || r.status, grade: r.grade || (program && (program.config.grades || [])[0] ? program.config.grades[0].id : null),
      grade_name: gradeName(program, r.grade), grade_manual: !!r.grade_manual,
      group_ids: (r.group_ids || []).map(Number), inviter_id: r.inviter_id == null ? null : Number(r.inviter_id), inviter_name: r.inviter_name || null,
      created_ms: Number(r.created_ms), applied_ms: Number(r.created_ms), decided_ms: r.decided_ms == null ? null : Number(r.decided_ms),
      created_text: text(r.created_ms), decided_text: text(r.decided_ms), reject_reason: r.reject_reason || null,
    };
  }

  const SELECT = `SELECT d.*, u.nickname, iu.nickname AS inviter_name,
      COALESCE((SELECT array_agg(g.group_id ORDER BY g.group_id) FROM distributor_group_members g
        WHERE g.merchant_id = d.merchant_id AND g.program_id = d.program_id AND g.user_id = d.user_id), '{}') AS group_ids
    FROM distributors d LEFT JOIN users u ON u.merchant_id = d.merchant_id AND u.user_id = d.user_id
    LEFT JOIN users iu ON iu.merchant_id = d.merchant_id AND iu.user_id = d.inviter_id`;

  async function programOf(m, id) {
    const p = await programs.load(db.query, m, Number(id));
    return p;
  }

  // The list: newest first, pending applications first when no status is asked for. `before` is
  // the `next` of the page before: "<pending 0|1>.<created_ms>.<program_id>.<user_id>".
  app.get('/api/merchant/distributors', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          program_id: DIGITS, status: { type: 'string', enum: Object.keys(D_STATUS) }, grade: { type: 'string', maxLength: 64 },
          group_id: DIGITS, q: { type: 'string', maxLength: 64 }, before: { type: 'string', pattern: '^[01]\\.[0-9]{1,15}\\.[0-9]{1,16}\\.[0-9]{1,16}$' },
          limit: { type: 'string', pattern: '^[0-9]{1,3}$' },
        },
        additionalProperties: false,
      },
    },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const qs = req.query;
    const limit = qs.limit == null ? 50 : Number(qs.limit);
    if (limit < 1 || limit > LIMIT_MAX) throw bad('E_RANGE', 'limit', `limit is 1 … ${LIMIT_MAX}`);
    const programId = qs.program_id == null ? null : Number(qs.program_id);
    if (programId != null) await programOf(m, programId);
    const cur = qs.before ? qs.before.split('.').map(Number) : null;
    const search = qs.q ? qs.q.trim() : '';
    const rows = await db.query(`${SELECT} WHERE d.merchant_id = $1 AND ($2::bigint IS NULL OR d.program_id = $2) AND ($3::text IS NULL OR d.status = $3)
        AND ($4::text IS NULL OR d.grade = $4) AND ($5::bigint IS NULL OR EXISTS (SELECT 1 FROM distributor_group_members g WHERE g.merchant_id = d.merchant_id
          AND g.program_id = d.program_id AND g.user_id = d.user_id AND g.group_id = $5))
        AND ($6::text IS NULL OR d.user_id::text = $6 OR strpos(lower(COALESCE(u.nickname, '')), lower($6)) > 0)
        AND ($7::int IS NULL OR ((d.status = 'pending')::int, d.created_ms, d.program_id, d.user_id) < ($7::int, $8::bigint, $9::bigint, $10::bigint))
        ORDER BY (d.status = 'pending')::int DESC, d.created_ms DESC, d.program_id DESC, d.user_id DESC LIMIT ${limit + 1}`,
    [m, programId, qs.status || null, qs.grade || null, qs.group_id == null ? null : Number(qs.group_id), search || null,
      cur ? cur[0] : null, cur ? cur[1] : null, cur ? cur[2] : null, cur ? cur[3] : null]);
    const cache = new Map();
    const out = [];
    for (const r of rows.slice(0, limit)) {
      const pid = Number(r.program_id);
      if (!cache.has(pid)) cache.set(pid, await programOf(m, pid));
      out.push(row(r, cache.get(pid)));
    }
    const last = rows.length > limit ? rows[limit - 1] : null;
    return { ok: true, distributors: out,
      next: last ? `${last.status === 'pending' ? 1 : 0}.${last.created_ms}.${last.program_id}.${last.user_id}` : null };
  });

  async function loadOne(q, m, programId, userId, lock = false) {
    const [d] = await q(`SELECT * FROM distributors WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3${lock ? ' FOR UPDATE' : ''}`,
      [m, programId, userId]);
    if (!d) throw notFound('distributor', 'user_id');
    return d;
  }

  async function detail(m, programId, userId) {
    const p = await programOf(m, programId);
    const [r] = await db.query(`${SELECT} WHERE d.merchant_id = $1 AND d.program_id = $2 AND d.user_id = $3`, [m, p.program_id, userId]);
    if (!r) throw notFound('distributor', 'user_id');
    const d = row(r, p);
    const q = db.query;
    const [cust] = await q('SELECT COUNT(*)::int AS n FROM relations WHERE merchant_id = $1 AND program_id = $2 AND bound_id = $3', [m, p.program_id, userId]);
    const custRecent = await q(`SELECT r.customer_id, u.nickname, r.bound_since_ms FROM relations r LEFT JOIN users u ON u.merchant_id = r.merchant_id
        AND u.user_id = r.customer_id WHERE r.merchant_id = $1 AND r.program_id = $2 AND r.bound_id = $3 ORDER BY r.updated_ms DESC LIMIT 20`, [m, p.program_id, userId]);
    const [team] = await q('SELECT COUNT(*)::int AS n FROM distributors WHERE merchant_id = $1 AND program_id = $2 AND inviter_id = $3', [m, p.program_id, userId]);
    const teamRecent = await q(`SELECT d.user_id, u.nickname, d.status, d.grade, d.created_ms FROM distributors d LEFT JOIN users u ON u.merchant_id = d.merchant_id
        AND u.user_id = d.user_id WHERE d.merchant_id = $1 AND d.program_id = $2 AND d.inviter_id = $3 ORDER BY d.created_ms DESC LIMIT 20`, [m, p.program_id, userId]);
    const [ord] = await q(`SELECT COUNT(DISTINCT l.order_id)::int AS n FROM commission_lines l JOIN orders o ON o.merchant_id = l.merchant_id AND o.order_id = l.order_id
        WHERE l.merchant_id = $1 AND l.beneficiary_id = $2 AND o.program_id = $3`, [m, userId, p.program_id]);
    const ordRecent = await q(`SELECT o.order_id, o.status, o.paid_fen, o.created_ms, SUM(l.amount - l.clawed) FILTER (WHERE l.reward = 'cash') AS commission_fen
        FROM commission_lines l JOIN orders o ON o.merchant_id = l.merchant_id AND o.order_id = l.order_id
        WHERE l.merchant_id = $1 AND l.beneficiary_id = $2 AND o.program_id = $3 GROUP BY o.order_id, o.status, o.paid_fen, o.created_ms
        ORDER BY o.order_id DESC LIMIT 20`, [m, userId, p.program_id]);
    const byState = await q(`SELECT l.state, COALESCE(SUM(l.amount - l.clawed), 0) AS fen FROM commission_lines l JOIN orders o
        ON o.merchant_id = l.merchant_id AND o.order_id = l.order_id WHERE l.merchant_id = $1 AND l.beneficiary_id = $2 AND o.program_id = $3
        AND l.reward = 'cash' GROUP BY l.state`, [m, userId, p.program_id]);
    const commission = { pending_fen: 0, frozen_fen: 0, available_fen: 0, reversed_fen: 0 };
    for (const s of byState) commission[`${s.state}_fen`] = Number(s.fen);
    const ws = await q(`SELECT withdrawal_id, method, amount_fen, net_fen, status, payee, reject_reason, created_ms FROM withdrawals
        WHERE merchant_id = $1 AND user_id = $2 ORDER BY withdrawal_id DESC LIMIT 20`, [m, userId]);
    const history = await q(`SELECT from_grade, to_grade, by_who, why, at_ms FROM grade_history WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3
        ORDER BY history_id DESC LIMIT 50`, [m, p.program_id, userId]);
    const figures = await grades.stats(q, m, p.program_id, userId);
    const progress = (p.config.grades || []).length ? grades.status(engine, p, r, figures) : null;
    const ordersOut = ordRecent.map((o) => ({ order_id: Number(o.order_id), status: o.status, paid_fen: Number(o.paid_fen),
      commission_fen: Number(o.commission_fen || 0), created_ms: Number(o.created_ms), created_text: text(o.created_ms) }));
    ledger.withMoneyTexts(engine, ordersOut, ['paid_fen', 'commission_fen']);
    const wOut = ws.map((w) => ({ withdrawal_id: Number(w.withdrawal_id), method: w.method, method_text: METHOD[w.method], amount_fen: Number(w.amount_fen),
      net_fen: Number(w.net_fen), status: w.status, status_text: W_STATUS[w.status], payee: withdraw.maskPayee(w.payee), reject_reason: w.reject_reason || null,
      created_ms: Number(w.created_ms), created_text: text(w.created_ms) }));
    ledger.withMoneyTexts(engine, wOut, ['amount_fen', 'net_fen']);
    let inviter = null;
    if (d.inviter_id != null) {
      const [i] = await q(`SELECT d.user_id, d.status, u.nickname FROM distributors d LEFT JOIN users u ON u.merchant_id = d.merchant_id AND u.user_id = d.user_id
          WHERE d.merchant_id = $1 AND d.program_id = $2 AND d.user_id = $3`, [m, p.program_id, d.inviter_id]);
      inviter = i ? { user_id: Number(i.user_id), name: i.nickname || '', status: i.status } : { user_id: d.inviter_id, name: '', status: null };
    }
    return {
      distributor: d, inviter,
      customers: { count: cust.n, recent: custRecent.map((c) => ({ customer_id: Number(c.customer_id), name: c.nickname || '',
        bound_since_ms: c.bound_since_ms == null ? null : Number(c.bound_since_ms), bound_since_text: text(c.bound_since_ms) })) },
      team: { count: team.n, recent: teamRecent.map((t) => ({ user_id: Number(t.user_id), name: t.nickname || '', status: t.status,
        status_text: D_STATUS[t.status], grade: t.grade || null, grade_name: gradeName(p, t.grade), created_ms: Number(t.created_ms), created_text: text(t.created_ms) })) },
      orders: { count: ord.n, recent: ordersOut },
      commission: ledger.withMoneyTexts(engine, [commission], Object.keys(commission))[0],
      withdrawals: wOut,
      grade: { current: d.grade, current_name: d.grade_name, manual: d.grade_manual, stats: figures, progress,
        progress_text: progress && progress.ok ? gradeZh(progress, {}) : '',
        next: progress && progress.next ? progress.next.grade : null,
        history: history.map((h) => ({ from: h.from_grade, to: h.to_grade, by: h.by_who, why: h.why ? h.why.reason : null, at_ms: Number(h.at_ms), at_text: text(h.at_ms) })) },
    };
  }

  // Reviewed as it is read (figures may have changed where no route of ours ran: a WeChat Pay
  // notification, the completion sweep).
  app.get('/api/merchant/distributors/:program_id/:user_id', { schema: duParams }, async (req) => {
    const m = req.merchant.merchant_id;
    const programId = Number(req.params.program_id);
    await programOf(m, programId);
    await grades.afterPeople(ctx, m, programId, [Number(req.params.user_id)], clock());
    return { ok: true, ...(await detail(m, programId, Number(req.params.user_id))) };
  });

  // A change of status: from one of `from`, to `to`; already `to` answers as it stands (a
  // second click), any other status is 409 E_STATE. `extra(q, d)` runs in the same transaction.
  async function move(req, from, to, extra) {
    const m = req.merchant.merchant_id;
    const programId = Number(req.params.program_id);
    const userId = Number(req.params.user_id);
    await programOf(m, programId);
    const now = clock();
    const replayed = await ctx.tx(async (q) => {
      const d = await loadOne(q, m, programId, userId, true);
      if (d.status === to) return true;
      if (!from.includes(d.status)) throw conflict('E_STATE', `the distributor is ${d.status}`, 'status');
      await q('UPDATE distributors SET status = $4, decided_ms = $5 WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3', [m, programId, userId, to, now]);
      if (extra) await extra(q, d);
      return false;
    });
    const out = await detail(m, programId, userId);
    return { ok: true, replayed, distributor: out.distributor, inviter_id: out.distributor.inviter_id };
  }

  app.post('/api/merchant/distributors/:program_id/:user_id/approve', { schema: duParams }, async (req) => {
    const r = await move(req, ['pending'], 'approved');
    // An approved invitee counts for his inviter's grade; he may meet a grade himself.
    if (!r.replayed) await grades.afterPeople(ctx, req.merchant.merchant_id, Number(req.params.program_id), [r.inviter_id, Number(req.params.user_id)], clock());
    return r;
  });
  app.post('/api/merchant/distributors/:program_id/:user_id/reject', { schema: { ...duParams, ...body({ reason: REASON }) } }, async (req) => move(req, ['pending'], 'rejected',
    (q) => q('UPDATE distributors SET reject_reason = $4 WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3',
      [req.merchant.merchant_id, Number(req.params.program_id), Number(req.params.user_id), req.body.reason.trim()])));
  app.post('/api/merchant/distributors/:program_id/:user_id/freeze', { schema: duParams }, async (req) => move(req, ['approved'], 'frozen'));
  app.post('/api/merchant/distributors/:program_id/:user_id/unfreeze', { schema: duParams }, async (req) => move(req, ['frozen'], 'approved'));
  app.post('/api/merchant/distributors/:program_id/:user_id/revoke', { schema: duParams }, async (req) => move(req, ['approved', 'frozen', 'pending'], 'revoked'));

  // The grade by hand: one of the program's grades (E_UNKNOWN_GRADE at grade), kept as set (the
  // engine's manual grade: no automatic upgrade over it), written to the grade history.
  app.put('/api/merchant/distributors/:program_id/:user_id/grade', {
    schema: { ...duParams, ...body({ grade: { type: 'string', minLength: 1, maxLength: 64 } }) },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const p = await programOf(m, req.params.program_id);
    const userId = Number(req.params.user_id);
    if (!(p.config.grades || []).some((g) => g.id === req.body.grade)) throw bad('E_UNKNOWN_GRADE', 'grade', 'no grade with this id in the program');
    const now = clock();
    await ctx.tx(async (q) => {
      const d = await loadOne(q, m, p.program_id, userId, true);
      const from = d.grade || (p.config.grades[0] && p.config.grades[0].id) || '';
      await q('UPDATE distributors SET grade = $4, grade_manual = TRUE WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3', [m, p.program_id, userId, req.body.grade]);
      if (from !== req.body.grade || !d.grade_manual) {
        await q(`INSERT INTO grade_history (merchant_id, program_id, user_id, from_grade, to_grade, by_who, why, at_ms) VALUES ($1, $2, $3, $4, $5, 'merchant', NULL, $6)`,
          [m, p.program_id, userId, from, req.body.grade, now]);
      }
    });
    return { ok: true, distributor: (await detail(m, p.program_id, userId)).distributor };
  });

  // Set or correct the inviter: the engine decides (inviter_set, or refused: himself, a cycle);
  // null removes it. The new inviter's figures change (his team).
  app.put('/api/merchant/distributors/:program_id/:user_id/inviter', {
    schema: { ...duParams, ...body({ inviter_id: { type: ['integer', 'null'], minimum: 1, maximum: Number.MAX_SAFE_INTEGER } }) },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const p = await programOf(m, req.params.program_id);
    if (p.kind !== 'distribution') throw bad('E_KIND', 'program_id', 'campaigns have no inviter tree');
    const userId = Number(req.params.user_id);
    const inviter = req.body.inviter_id;
    const now = clock();
    const decision = await ctx.tx(async (q) => {
      const d = await loadOne(q, m, p.program_id, userId, true);
      let dec = null;
      if (inviter != null) {
        const known = await q('SELECT 1 FROM distributors WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3', [m, p.program_id, inviter]);
        if (!known.length) throw bad('E_UNKNOWN_DISTRIBUTOR', 'inviter_id', 'the inviter is not a distributor of this program');
        dec = await ctx.attribution.decideInviter(q, p, userId, inviter, now);
        if (dec.refused) {
          const err = refusal(dec, 'inviter_id');
          err.errors[0].message_zh = explainZh(dec);
          throw err;
        }
      }
      await q('UPDATE distributors SET inviter_id = $4 WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3', [m, p.program_id, userId, inviter]);
      return dec || { event: 'set_inviter', reason: 'inviter_removed', refused: false, facts: { distributor_id: userId, previous_inviter_id: d.inviter_id } };
    });
    await grades.afterPeople(ctx, m, p.program_id, [inviter], now);
    return { ok: true, decision, distributor: (await detail(m, p.program_id, userId)).distributor };
  });

  app.put('/api/merchant/distributors/:program_id/:user_id/groups', {
    schema: { ...duParams, ...body({ group_ids: { type: 'array', maxItems: 50, uniqueItems: true, items: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } } }) },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const programId = Number(req.params.program_id);
    const userId = Number(req.params.user_id);
    await programOf(m, programId);
    const ids = req.body.group_ids;
    await ctx.tx(async (q) => {
      await loadOne(q, m, programId, userId, true);
      if (ids.length) {
        const found = await q(`SELECT group_id FROM distributor_groups WHERE merchant_id = $1 AND group_id IN (SELECT jsonb_array_elements_text($2::jsonb)::bigint)`,
          [m, JSON.stringify(ids)]);
        if (found.length !== ids.length) {
          const have = new Set(found.map((g) => Number(g.group_id)));
          throw bad('E_NOT_FOUND', `group_ids.${ids.findIndex((id) => !have.has(id))}`, 'no such group');
        }
      }
      await q('DELETE FROM distributor_group_members WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3', [m, programId, userId]);
      for (const g of ids) {
        await q('INSERT INTO distributor_group_members (merchant_id, program_id, user_id, group_id) VALUES ($1, $2, $3, $4)', [m, programId, userId, g]);
      }
    });
    return { ok: true, distributor: (await detail(m, programId, userId)).distributor };
  });

  // 分组管理: groups of the merchant (names 1…32 characters, unique), with their member counts.
  const groupView = (g) => ({ group_id: Number(g.group_id), name: g.name, members: Number(g.members || 0), created_ms: Number(g.created_ms) });
  app.get('/api/merchant/groups', async (req) => {
    const rows = await db.query(`SELECT g.*, (SELECT COUNT(*) FROM distributor_group_members x WHERE x.merchant_id = g.merchant_id AND x.group_id = g.group_id) AS members
        FROM distributor_groups g WHERE g.merchant_id = $1 ORDER BY g.group_id`, [req.merchant.merchant_id]);
    return { ok: true, groups: rows.map(groupView) };
  });
  async function uniqueName(q, m, name, except = null) {
    const rows = await q('SELECT group_id FROM distributor_groups WHERE merchant_id = $1 AND name = $2 AND ($3::bigint IS NULL OR group_id <> $3)', [m, name, except]);
    if (rows.length) throw conflict('E_DUPLICATE', 'a group with this name exists', 'name');
  }
  app.post('/api/merchant/groups', { schema: body({ name: GROUP_NAME }) }, async (req) => {
    const m = req.merchant.merchant_id;
    const name = req.body.name.trim();
    const g = await ctx.tx(async (q) => {
      await ledger.lockMerchant(q, m);
      await uniqueName(q, m, name);
      const [r] = await q('INSERT INTO distributor_groups (merchant_id, name, created_ms) VALUES ($1, $2, $3) RETURNING *', [m, name, clock()]);
      return r;
    });
    return { ok: true, group: groupView(g) };
  });
  const gParams = { params: { type: 'object', properties: { group_id: DIGITS } } };
  app.put('/api/merchant/groups/:group_id', { schema: { ...gParams, ...body({ name: GROUP_NAME }) } }, async (req) => {
    const m = req.merchant.merchant_id;
    const name = req.body.name.trim();
    const g = await ctx.tx(async (q) => {
      await ledger.lockMerchant(q, m);
      await uniqueName(q, m, name, Number(req.params.group_id));
      const [r] = await q('UPDATE distributor_groups SET name = $3 WHERE merchant_id = $1 AND group_id = $2 RETURNING *', [m, Number(req.params.group_id), name]);
      if (!r) throw notFound('group', 'group_id');
      return r;
    });
    return { ok: true, group: groupView(g) };
  });
  app.delete('/api/merchant/groups/:group_id', { schema: gParams }, async (req) => {
    const rows = await db.query('DELETE FROM distributor_groups WHERE merchant_id = $1 AND group_id = $2 RETURNING group_id', [req.merchant.merchant_id, Number(req.params.group_id)]);
    if (!rows.length) throw notFound('group', 'group_id');
    return { ok: true, group_id: Number(rows[0].group_id) };
  });
};
