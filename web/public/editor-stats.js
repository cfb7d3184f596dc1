// The editor's 数据看板 tab: GET /api/merchant/stats as KPI tiles, SVG bars (daily sales,
// commissions by state) and the top distributors. Money texts are the server's `*_text` when it
// sends them, else the engine's formatMoney; bar lengths are geometry, not money.
// Global `EditorStats`.
(function (root) {
  'use strict';
  const { esc } = App;
  const HOUR = 3600000;
  const STATE = { pending: '待结算', frozen: '冻结中', available: '可提现', withdrawing: '提现中', withdrawn: '已提现', reversed: '已扣回' };

  // Texts for the amounts: the server's where it gave one, the rest in one formatMoney call.
  function texts(e, list) {
    const missing = list.filter((x) => x.text == null);
    const made = missing.length ? App.money(e, missing.map((x) => x.fen)) : [];
    let i = 0;
    return list.map((x) => (x.text != null ? x.text : made[i++]));
  }

  async function load(el) {
    el.setAttribute('aria-busy', 'true');
    try {
      const [s, e] = await Promise.all([App.merchant('GET', '/api/merchant/stats'), App.engine()]);
      // Every part may be absent (a merchant without sales; an older or newer server): an empty
      // part draws "暂无数据", never a thrown TypeError.
      const sales = s.sales || {};
      const days = (s.daily || []).slice(0, 14).reverse();
      const states = Object.entries(s.commissions || {}).filter(([, a]) => a != null);
      const top = s.top_distributors || [];
      const money = texts(e, [
        { fen: sales.paid_fen || 0, text: sales.paid_text }, { fen: sales.refunded_fen || 0, text: sales.refunded_text },
        ...days.map((d) => ({ fen: d.paid_fen || 0, text: d.paid_text })),
        ...states.map(([, a]) => (typeof a === 'object' ? { fen: a.amount_fen || 0, text: a.amount_text } : { fen: a })),
        ...top.map((t) => ({ fen: t.cash_fen || 0, text: t.cash_text })),
      ]);
      const [paid, refunded] = money;
      const dayTexts = money.slice(2, 2 + days.length);
      const stateTexts = money.slice(2 + days.length, 2 + days.length + states.length);
      const topTexts = money.slice(2 + days.length + states.length);
      const dayLabel = (d) => (d.day_text || ShareEngine.formatCst(d.day_cst * 86400000 - 8 * HOUR));
      el.innerHTML = `<div class="kpis"><div><b id="kpi-orders">${Number(sales.orders || 0)}</b><small>支付订单</small></div>
        <div><b class="money" id="kpi-paid">${esc(paid)}</b><small>销售额</small></div><div><b id="kpi-refunded">${esc(refunded)}</b><small>退款</small></div></div>
        <h3>每日销售额</h3>${bars(days.map((d, i) => ({ label: dayLabel(d), value: d.paid_fen || 0, text: dayTexts[i] })), 'v')}
        <h3>佣金状态</h3>${bars(states.map(([k, a], i) => ({ label: STATE[k] || '其他', value: typeof a === 'object' ? a.amount_fen : a, text: stateTexts[i] })), 'h')}
        <h3>推广排行</h3>${top.length ? `<table id="top"><tr><th>推广员</th><th class="num">订单</th><th class="num">佣金</th></tr>
        ${top.map((t, i) => `<tr data-beneficiary="${Number(t.beneficiary_id)}"><td>${esc(t.name || t.beneficiary_name || `用户 ${t.beneficiary_id}`)}</td><td class="num">${Number(t.orders || 0)}</td>` +
          `<td class="num money">${esc(topTexts[i])}</td></tr>`).join('')}</table>` : '<p class="muted">暂无数据</p>'}`;
      el.dataset.loaded = '1';
    } catch (err) {
      el.innerHTML = `<p class="error">数据看板加载失败：${esc(err.message)}</p>`;
      el.dataset.loaded = 'failed';
    } finally {
      el.removeAttribute('aria-busy');
    }
  }

  function bars(rows, dir) {
    if (!rows.length) return '<p class="muted">暂无数据</p>';
    const max = Math.max(1, ...rows.map((r) => Number(r.value)));
    if (dir === 'h') {
      return `<svg class="chart across" viewBox="0 0 320 ${rows.length * 28}" role="img">${rows.map((r, i) => {
        const w = Math.max(2, Math.round((180 * Number(r.value)) / max));
        return `<text x="0" y="${i * 28 + 17}" font-size="12">${esc(r.label)}</text><rect x="52" y="${i * 28 + 6}" width="${w}" height="14" rx="3" fill="#07c160"/>` +
          `<text x="${56 + w}" y="${i * 28 + 17}" font-size="11" fill="#555">${esc(r.text)}</text>`;
      }).join('')}</svg>`;
    }
    const bw = Math.min(40, Math.floor(300 / rows.length));
    return `<svg class="chart" viewBox="0 0 320 150" role="img">${rows.map((r, i) => {
      const h = Math.max(2, Math.round((100 * Number(r.value)) / max));
      const x = 10 + i * bw;
      return `<rect x="${x}" y="${120 - h}" width="${bw - 6}" height="${h}" rx="3" fill="#07c160"><title>${esc(r.label)} ${esc(r.text)}</title></rect>` +
        `<text x="${x + (bw - 6) / 2}" y="${114 - h}" font-size="9" text-anchor="middle" fill="#555">${esc(r.text)}</text>` +
        `<text x="${x + (bw - 6) / 2}" y="136" font-size="9" text-anchor="middle">${esc(r.label)}</text>`;
    }).join('')}</svg>`;
  }

  root.EditorStats = { load };
})(window);
