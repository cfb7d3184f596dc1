// Grades that upgrade by themselves (seed 001: 自动考核微客业绩，自动升级; docs/attribution.md
// "Grades"). After a change of a distributor's figures (an order paid, completed or refunded; a
// customer bound; a distributor invited) has committed, the route calls `afterOrder` or
// `review`: the figures are counted here (`stats`, the same ones GET /api/me/distributor shows),
// the engine's gradeStatus says whether a higher grade is met, and an upgrade is written with the
// engine's answer as its reason (grade_history). The attribution slice reads distributors.grade,
// so the next order pays the new grade's rates. Never a downgrade, never over a grade the
// merchant set by hand (the engine's grade_manual).
'use strict';

// A distributor's figures in the units of the grade thresholds: customers bound to him now (as
// last stored), approved distributors he invited, and the orders he is level 1 of (paid or
// completed: their count, paid less refunds 实收, paid 成交; completed ones).
async function stats(q, m, programId, userId) {
  const [r] = await q(`SELECT
      (SELECT COUNT(*) FROM relations WHERE merchant_id = $1 AND program_id = $2 AND bound_id = $3)::int AS bound_customers,
      (SELECT COUNT(*) FROM distributors WHERE merchant_id = $1 AND program_id = $2 AND inviter_id = $3 AND status = 'approved')::int
        AS invited_distributors,
      COUNT(*) FILTER (WHERE o.status IN ('paid', 'completed'))::int AS paid_orders,
      COALESCE(SUM(o.paid_fen - o.refunded_fen) FILTER (WHERE o.status IN ('paid', 'completed')), 0) AS paid_fen,
      COALESCE(SUM(o.paid_fen) FILTER (WHERE o.status IN ('paid', 'completed')), 0) AS deal_fen,
      COUNT(*) FILTER (WHERE o.status = 'completed')::int AS completed_orders
    FROM orders o WHERE o.merchant_id = $1 AND o.program_id = $2
      AND o.order_id IN (SELECT order_id FROM commission_lines WHERE merchant_id = $1 AND beneficiary_id = $3 AND level = 1)`,
  [m, programId, userId]);
  return { bound_customers: r.bound_customers, invited_distributors: r.invited_distributors, paid_orders: r.paid_orders,
    paid_fen: Number(r.paid_fen), deal_fen: Number(r.deal_fen), completed_orders: r.completed_orders };
}

// The engine's view of a distributor's grade: current, progress to the next, manual or not.
function status(engine, program, d, figures) {
  return engine.call('gradeStatus', { program: program.config, ...(d.grade ? { grade: d.grade } : {}), stats: figures,
    ...(d.grade_manual ? { manual: true } : {}) });
}

// Applies what the engine says for each approved distributor of `userIds` in the program; the
// update is a compare-and-set on the grade it was decided on, so two reviews at once upgrade once.
// Returns the upgrades made. Errors are the caller's to ignore: a review never fails a request
// whose change has already committed.
async function review(ctx, m, programId, userIds, now) {
  const ids = [...new Set(userIds.filter((x) => x != null).map(Number))];
  if (!ids.length) return [];
  const program = await ctx.programs.load(ctx.db.query, m, Number(programId));
  if (program.kind !== 'distribution' || !(program.config.grades || []).length) return [];
  const rows = await ctx.db.query(`SELECT user_id, grade, grade_manual FROM distributors WHERE merchant_id = $1 AND program_id = $2
                                   AND status = 'approved' AND NOT grade_manual AND user_id IN (SELECT jsonb_array_elements_text($3::jsonb)::bigint)`,
  [m, program.program_id, JSON.stringify(ids)]);
  const done = [];
  for (const d of rows) {
    const r = status(ctx.engine, program, d, await stats(ctx.db.query, m, program.program_id, Number(d.user_id)));
    if (!r.ok || r.reason !== 'grade_upgraded' || r.grade === (d.grade || r.from)) continue;
    const up = await ctx.tx(async (q) => {
      const changed = await q(`UPDATE distributors SET grade = $5 WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3 AND grade = $4
                               AND NOT grade_manual AND status = 'approved' RETURNING user_id`, [m, program.program_id, d.user_id, d.grade, r.grade]);
      if (!changed.length) return null;
      await q(`INSERT INTO grade_history (merchant_id, program_id, user_id, from_grade, to_grade, by_who, why, at_ms)
               VALUES ($1, $2, $3, $4, $5, 'auto', $6, $7)`, [m, program.program_id, d.user_id, r.from, r.grade, JSON.stringify(r), now]);
      return { user_id: Number(d.user_id), from: r.from, to: r.grade };
    });
    if (up) done.push(up);
  }
  return done;
}

// After an order changed (paid, completed, refunded): its level-1 beneficiaries (whose order
// figures moved), the distributor the buyer is bound to (a paid order may bind him) and that
// one's inviter chain is not touched (their figures did not move).
async function afterOrder(ctx, m, orderId, now) {
  try {
    const [o] = await ctx.db.query('SELECT program_id, buyer_id FROM orders WHERE merchant_id = $1 AND order_id = $2', [m, Number(orderId)]);
    if (!o) return [];
    // Campaigns and programs without grades: nothing to review (the program comes from the cache).
    const program = await ctx.programs.load(ctx.db.query, m, Number(o.program_id));
    if (program.kind !== 'distribution' || !(program.config.grades || []).length) return [];
    const ids = (await ctx.db.query(`SELECT DISTINCT beneficiary_id AS id FROM commission_lines WHERE merchant_id = $1 AND order_id = $2 AND level = 1
                                     UNION SELECT bound_id FROM relations WHERE merchant_id = $1 AND program_id = $3 AND customer_id = $4 AND bound_id IS NOT NULL`,
    [m, Number(orderId), o.program_id, o.buyer_id])).map((r) => r.id);
    return await review(ctx, m, o.program_id, ids, now);
  } catch (e) {
    if (ctx.log) ctx.log.warn({ err: e }, 'grade review failed');
    return [];
  }
}

// After a customer was bound (to `userIds`) or a distributor invited (by `userIds`).
async function afterPeople(ctx, m, programId, userIds, now) {
  try {
    return await review(ctx, m, programId, userIds, now);
  } catch (e) {
    if (ctx.log) ctx.log.warn({ err: e }, 'grade review failed');
    return [];
  }
}

module.exports = { stats, status, review, afterOrder, afterPeople };
