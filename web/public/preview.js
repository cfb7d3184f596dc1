// Live commission preview: every keystroke re-runs the engine in the page, no server round-trip.
'use strict';
const SAMPLE_PROGRAM = {
  kind: 'distribution', program_id: 1, depth: 3, rates_bp: [1000, 500, 300],
  self_purchase: 'none', cost_protection: true,
  grades: [{ id: 'basic', name: '普通' }, { id: 'gold', name: '黄金', rates_bp: [1500, null, null], thresholds: { paid_orders: 10 } }],
};
const SAMPLE_ORDER = {
  order_id: 'demo-1', buyer_id: 10, bound_distributor_id: 7,
  distributors: [{ id: 7, inviter_id: 5 }, { id: 5, inviter_id: 3 }, { id: 3 }],
  items: [{ product_id: 'tea', units: 1, paid_fen: 9900, unit_cost_fen: 5000 }],
};
const ROLE = { distributor: '推广员', inviter: '邀请人', sharer: '分享人', agent_province: '省代理', agent_city: '市代理', agent_district: '区代理' };
const $ = (id) => document.getElementById(id);
$('program').value = JSON.stringify(SAMPLE_PROGRAM, null, 2);
$('order').value = JSON.stringify(SAMPLE_ORDER, null, 2);

function esc(s) { return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c])); }

ShareEngine.loadEngine({ locateFile: (f) => '/engine/' + f }).then((engine) => {
  $('status').textContent = '引擎 ' + engine.version().engine;
  const render = () => {
    let program, order;
    try { program = JSON.parse($('program').value); order = JSON.parse($('order').value); } catch (e) {
      $('result').innerHTML = `<p class="error">JSON: ${esc(e.message)}</p>`; return;
    }
    const v = engine.call('validateProgram', { program });
    $('warnings').innerHTML = (v.ok ? v.warnings : v.errors).map((w) =>
      `<li class="${v.ok ? 'warn' : 'error'}">${esc(w.path)}: ${esc(ShareEngine.messageZh(w))}</li>`).join('');
    if (!v.ok) { $('result').innerHTML = ''; return; }
    const g = engine.call('previewGrades', { program, order });
    if (!g.ok) { $('result').innerHTML = g.errors.map((e) => `<p class="error">${esc(e.path)}: ${esc(ShareEngine.messageZh(e))}</p>`).join(''); return; }
    $('result').innerHTML = g.grades.map(({ name, preview }) => `
      ${g.show_grades ? `<h3>${esc(name)}</h3>` : ''}
      <table><tr><th>级</th><th>角色</th><th>分销员</th><th>规则</th><th>佣金</th></tr>
      ${preview.items.flatMap((it) => it.lines).map((l) => `<tr><td>${l.level || ''}</td><td>${ROLE[l.role] || l.role}</td>
        <td>${l.beneficiary_id}</td><td>${l.rule}${l.clipped ? ' (限额)' : ''}</td>
        <td class="money">${l.amount_text || l.amount_points + ' 积分'}</td></tr>`).join('')}
      ${preview.skipped.map((s) => `<tr><td>${s.level}</td><td colspan="4">${esc(ShareEngine.skipReasonZh(s))}</td></tr>`).join('')}
      </table>
      <p>佣金合计 ${preview.totals.cash_text}${preview.totals.margin_text ? ' · 商家毛利 ' + preview.totals.margin_text : ''}</p>`).join('') +
      `<p>规则版本 ${v.rules_version}</p>`;
  };
  $('program').addEventListener('input', render);
  $('order').addEventListener('input', render);
  render();
}).catch((e) => { $('status').textContent = '引擎加载失败: ' + e.message; });
