// The distributor centre (SPEC 3, 6, 9): apply under the merchant's name for the role, the wallet
// by state, every commission line with why it is what it is, withdrawals with their limits and the
// WeChat transfer confirmation, the team, the grade. Amount texts come from the engine.
(function () {
  'use strict';
  const { $, $$, esc, api, toast, idem } = App;
  const programId = Number(App.query.get('program')) || 2001;
  // filter: the state chip; programFilter: the program chip ('' = all); record: my distributor
  // record for this program from the server (undefined until asked; null when I never applied).
  const me = { role: '推广员', program: null, lines: [], wallet: null, settings: null, engine: null, filter: '', programFilter: '',
    programs: new Map(), record: undefined, stats: null };
  window.me = me;

  App.userPicker($('#picker'));
  const person = App.PEOPLE.find((p) => p.id === App.userId());
  $('#me-name').textContent = person ? person.name.replace(/（.*）/, '') : `用户 ${App.userId()}`;
  $('#avatar').textContent = $('#me-name').textContent.charAt(0);

  const STATE_ZH = { pending: '待结算', frozen: '冻结中', available: '可提现', reversed: '已扣回', withdrawing: '提现中', withdrawn: '已提现' };
  const STATE_PILL = { pending: 'orange', frozen: 'orange', available: 'green', reversed: 'grey' };
  const RULE_ZH = { product_grade: '商品的等级佣金', product: '商品佣金', grade: '等级佣金', program: '默认佣金', campaign: '活动每件佣金', regional_agent: '区域代理佣金' };
  const METHOD_ZH = { red_packet: '微信红包', wechat_transfer: '微信零钱（转账）', bank: '银行卡', alipay: '支付宝', shop_balance: '商城余额' };
  const W_STATUS = { requested: '审核中', approved: '处理中', paid: '已到账', rejected: '已驳回' };
  const PERIOD_ZH = { day: '每天', week: '每周', month: '每月' };

  // Why this person got the line: the attribution decision stored with the order (the server's
  // line.why, as the engine's attribution returned it) in the engine's words, or '' without one.
  function whyText(l) {
    const d = l.why;
    if (!d || typeof d !== 'object' || typeof d.reason !== 'string') return '';
    try {
      const text = ShareEngine.explainZh(d, { viewer: App.userId(), role: me.role });
      return text && text !== d.reason ? text : '';
    } catch (e) {
      return ''; // a decision this facade cannot word: the generic sentence stands
    }
  }

  // One sentence per line: why this person got it (the decision, or who bought), the basis and
  // rule, what happens next, the claw-back so far.
  function explain(l, t) {
    const why = whyText(l);
    let who;
    if (why) {
      const up = l.level === 2 ? `您是其邀请人，得第 2 级佣金。` : l.level === 3 ? `您是其邀请人的邀请人，得第 3 级佣金。` : '';
      who = why + up;
    } else {
      who = (l.role === 'sharer' ? '好友通过您分享的链接购买' : l.role === 'inviter' ? `您邀请的${me.role}的客户购买（第 ${l.level} 级）` : `您的客户购买（第 ${l.level} 级）`) + '，';
    }
    const how = l.basis === 'rate' && l.rate_bp != null ? `按实付金额的 ${App.percentText(l.rate_bp)}` : '按件计佣';
    const rule = RULE_ZH[l.rule] || l.rule;
    const next = {
      pending: '订单已支付，确认收货后进入冻结期。',
      frozen: `冻结至 ${App.cst(l.hold_until_ms)}，期间退款会扣回佣金。`,
      available: '已可提现。',
      reversed: '订单已全额退款，佣金已扣回。',
    }[l.state] || '';
    return `${who}${how}（${rule}）。${next}${Number(l.clawed) > 0 ? `因退款已扣回 ${t.clawed}。` : ''}`;
  }

  // Lines carry their program (program_id) on a server that says so; older answers do not.
  const hasPrograms = () => me.lines.some((l) => l.program_id != null);
  const programName = (id) => me.programs.get(Number(id)) || `活动 ${id}`;
  async function loadProgramNames() {
    const ids = [...new Set(me.lines.filter((l) => l.program_id != null).map((l) => Number(l.program_id)))].filter((id) => !me.programs.has(id));
    await Promise.all(ids.map(async (id) => {
      const v = id === programId && me.program ? me.program : await api('GET', `/api/programs/${id}`).catch(() => null);
      const c = v && v.config;
      me.programs.set(id, (c && c.title) || (v && v.kind === 'distribution' ? `分销计划 ${id}` : `活动 ${id}`));
    }));
  }
  function renderProgramChips() {
    const box = $('#program-chips');
    const ids = [...new Set(me.lines.filter((l) => l.program_id != null).map((l) => Number(l.program_id)))];
    box.hidden = ids.length < 2;
    $('#w-note').hidden = box.hidden;
    if (box.hidden) { me.programFilter = ''; return; }
    if (me.programFilter && !ids.includes(Number(me.programFilter))) me.programFilter = '';
    box.innerHTML = [['', '全部活动'], ...ids.map((id) => [String(id), programName(id)])]
      .map(([id, name]) => `<button data-program="${id}"${id === me.programFilter ? ' class="on"' : ''}>${esc(name)}</button>`).join('');
  }

  function renderWallet() {
    const w = me.wallet;
    const [available, pending, frozen, withdrawing, withdrawn, debt] =
      App.money(me.engine, [w.available, w.pending, w.frozen, w.withdrawing, w.withdrawn, w.debt || 0]);
    $('#w-available').textContent = available;
    $('#w-pending').textContent = pending;
    $('#w-frozen').textContent = frozen;
    $('#w-withdrawing').textContent = withdrawing;
    $('#w-withdrawn').textContent = withdrawn;
    $('#w-debt').hidden = !(Number(w.debt) > 0);
    $('#w-debt').textContent = `退款扣回产生欠款 ${debt}，将从之后的佣金中优先抵扣。`;
  }

  function renderLines() {
    const lines = me.lines.filter((l) => (!me.filter || l.state === me.filter) && (!me.programFilter || String(l.program_id) === me.programFilter));
    const texts = App.money(me.engine, lines.flatMap((l) => [l.amount, l.clawed]));
    const named = hasPrograms() && !me.programFilter && !$('#program-chips').hidden;
    $('#lines').innerHTML = lines.length ? lines.map((l, i) => {
      const t = { amount: texts[2 * i], clawed: texts[2 * i + 1] };
      return `<div class="line" data-line="${l.line_id}" data-order="${l.order_id}" data-state="${l.state}" data-amount="${esc(l.amount)}"${l.program_id != null ? ` data-program="${esc(l.program_id)}"` : ''}>
        <div class="line-head"><span class="line-title">订单 ${esc(l.order_id)}${named && l.program_id != null ? `<small class="muted"> · ${esc(programName(l.program_id))}</small>` : ''}</span><span class="money">${t.amount}</span></div>
        <div class="line-sub"><span class="pill ${STATE_PILL[l.state] || ''}">${STATE_ZH[l.state] || esc(l.state)}</span>
          ${Number(l.clawed) > 0 ? `<span class="pill red">扣回 ${t.clawed}</span>` : ''}<span class="muted">${esc(App.cst(l.created_ms))}</span></div>
        <p class="muted why">${esc(explain(l, t))}</p></div>`;
    }).join('') : `<p class="muted empty">${me.filter || me.programFilter ? '这里还没有佣金' : '还没有佣金，去分享活动吧'}</p>`;
  }

  async function loadCommissions() {
    const r = await api('GET', '/api/me/commissions');
    me.lines = r.lines;
    me.wallet = r.wallet;
    renderWallet();
    await loadProgramNames();
    renderProgramChips();
    renderLines();
  }

  // Withdrawals: methods, limits and frequency from the merchant's settings, texts from the engine.
  async function loadWithdraw() {
    const [w, list, payee] = await Promise.all([api('GET', '/api/me/wallet'), api('GET', '/api/me/withdrawals'),
      api('GET', '/api/me/payee').catch(() => ({ payee: {} }))]);
    me.payee = payee.payee || {};
    me.wallet = w.wallet;
    me.settings = w.settings;
    renderWallet();
    const s = w.settings;
    const [threshold, min, max, rpMin, rpMax, wtMin, wtDay, realName] =
      App.money(me.engine, [s.threshold_fen, s.min_fen, s.max_fen, 100, 20000, 10, 2000000, 200000]);
    const LIMIT = {
      red_packet: `单个 ${rpMin}–${rpMax}，0 点至 8 点申请的于 8 点发放`,
      wechat_transfer: `至少 ${wtMin}，每天最多 ${wtDay}，${realName} 起需实名，需在微信中确认收款`,
      bank: '商家人工打款后确认', alipay: '商家人工打款后确认', shop_balance: '即时到账，可用于商城消费',
    };
    const chosen = ($('input[name=method]:checked') || {}).value || s.methods[0];
    $('#methods').innerHTML = s.methods.map((m) => `<label class="method"><input type="radio" name="method" value="${m}"${m === chosen ? ' checked' : ''}>
      <span><b>${METHOD_ZH[m] || m}</b><br><small class="muted">${esc(LIMIT[m] || '')}</small></span></label>`).join('');
    $('#w-rules').textContent = `可提现满 ${threshold} 起提，单笔 ${min}–${max}，${PERIOD_ZH[s.period] || s.period}最多 ${s.max_per_period} 次。`;
    // What each channel already carried (withdrawals not rejected): the engine's day cap and period count.
    me.history = list.withdrawals.filter((x) => x.status !== 'rejected').slice(0, 1000)
      .map((x) => ({ created_ms: Number(x.created_ms), method: x.method, net_fen: Number(x.net_fen != null ? x.net_fen : x.amount_fen) }));
    // 打款说明: the merchant's words on how and when manual payouts are made.
    $('#payout-note').hidden = !list.payout_note;
    $('#payout-note').textContent = list.payout_note ? `打款说明：${list.payout_note}` : '';
    showPayee();
    previewWithdraw();
    const texts = App.money(me.engine, list.withdrawals.map((x) => x.amount_fen));
    $('#withdrawals').innerHTML = list.withdrawals.length ? list.withdrawals.map((x, i) => {
      const waiting = x.status === 'approved' && x.payout && x.payout.awaiting_user_confirmation;
      const manual = x.status === 'approved' && x.payout && x.payout.awaiting_merchant_confirmation;
      const queued = x.status === 'approved' && x.payout && x.payout.queued_until_ms;
      return `<div class="row" data-withdrawal="${x.withdrawal_id}" data-status="${x.status}">
        <span>${METHOD_ZH[x.method] || x.method}<br><small class="muted">${esc(App.cst(x.created_ms))}${queued ? ` · ${esc(App.cst(x.payout.queued_until_ms))} 发放` : ''}${manual ? ' · 等待商家打款' : ''}</small></span>
        <span><span class="money">${texts[i]}</span> <span class="pill ${x.status === 'paid' ? 'green' : x.status === 'rejected' ? 'grey' : 'orange'}">${waiting ? '待确认收款' : W_STATUS[x.status] || x.status}</span>
        ${waiting ? `<button class="btn small" data-confirm="${x.withdrawal_id}" data-text="${texts[i]}">确认收款</button>` : ''}</span>
        ${x.status === 'rejected' && x.reject_reason ? `<small class="error reject-reason" data-reason="${x.withdrawal_id}">驳回原因：${esc(x.reject_reason)}（金额已退回）</small>` : ''}</div>`;
    }).join('') : '<p class="muted">还没有提现记录</p>';
  }

  // As the user types: what this withdrawal would do (fee, what arrives, when, every refusal) from
  // the engine with the merchant's settings — the call the server makes. The server still decides
  // (it knows the real-name state the page does not), so nothing here blocks the button.
  let withdrawFrame = 0;
  function scheduleWithdrawPreview() {
    if (!withdrawFrame) withdrawFrame = requestAnimationFrame(() => { withdrawFrame = 0; previewWithdraw(); });
  }
  function previewWithdraw() {
    const box = $('#w-preview');
    const field = $('#w-amount').parentElement;
    const say = (bad, error, html) => {
      field.classList.toggle('bad', bad);
      $('#w-amount-error').textContent = error;
      box.innerHTML = html;
    };
    if (!me.engine || !me.settings || !me.wallet) return;
    const text = $('#w-amount').value.trim();
    const fen = text === '' ? 0 : App.parseYuan(text);
    if (fen === null) { say(true, '请输入正确的金额，最多两位小数', ''); return; }
    const method = ($('input[name=method]:checked') || {}).value;
    const p = me.engine.call('previewWithdrawal', { settings: me.settings, available_fen: Number(me.wallet.available), amount_fen: fen,
      method, now_ms: Date.now(), history: me.history || [] });
    $('#w-all').hidden = !(p.ok && p.max_amount_fen > 0);
    if (!p.ok) { say(false, '', ''); return; } // settings this engine cannot read: the server answers on submit
    $('#w-all').dataset.fen = String(p.max_amount_fen);
    if (!fen) { say(false, '', p.max_amount_fen > 0 ? `最多可提 ${esc(p.max_amount_text)}` : ''); return; }
    const when = p.payout.queued_until_ms ? `，${esc(App.cst(p.payout.queued_until_ms))} 发放` : '';
    const confirm = p.payout.user_confirms ? '，需在微信中确认收款' : p.payout.merchant_confirms ? '，商家打款后确认' : '';
    say(!p.allowed, p.reasons.map(App.zh).join('；'), p.allowed
      ? `${p.fee_fen > 0 ? `手续费 ${esc(p.fee_text)}` : '免手续费'}，实际到账 <b class="money">${esc(p.net_text)}</b>${when}${confirm}` : '');
  }

  // The payee a bank or Alipay withdrawal is paid to: shown for those methods, filled in with the
  // last one used; the server checks it (E_PAYEE at payee.<field>).
  const PAYEE_FIELDS = { bank: ['name', 'bank', 'card_no'], alipay: ['name', 'account'] };
  const PAYEE_ZH = { name: '请填写收款人姓名', bank: '请填写开户银行', card_no: '银行卡号为 12–19 位数字', account: '请填写支付宝绑定的手机号或邮箱' };
  function showPayee() {
    const method = ($('input[name=method]:checked') || {}).value;
    const fields = PAYEE_FIELDS[method];
    $('#payee').hidden = !fields;
    if (!fields) return;
    $$('#payee [data-for]').forEach((el) => { el.style.display = el.dataset.for === method ? '' : 'none'; });
    const last = (me.payee || {})[method] || {};
    for (const f of fields) {
      const input = $(`#p-${f}`);
      if (!input.value && last[f]) input.value = last[f];
    }
  }
  function clearPayeeErrors() {
    for (const f of ['name', 'bank', 'card_no', 'account']) {
      $(`#p-${f}-error`).textContent = '';
      $(`#p-${f}`).parentElement.classList.remove('bad');
    }
  }

  let withdrawKey = idem('withdraw');
  async function submitWithdraw(ev) {
    ev.preventDefault();
    $('#w-amount-error').textContent = '';
    $('#w-amount').parentElement.classList.remove('bad');
    const fen = App.parseYuan($('#w-amount').value);
    if (fen === null || fen === 0) {
      $('#w-amount').parentElement.classList.add('bad');
      $('#w-amount-error').textContent = '请输入正确的金额，最多两位小数';
      return;
    }
    const method = ($('input[name=method]:checked') || {}).value;
    clearPayeeErrors();
    const req = { amount_fen: fen, method, idem_key: withdrawKey };
    if (PAYEE_FIELDS[method]) req.payee = Object.fromEntries(PAYEE_FIELDS[method].map((f) => [f, $(`#p-${f}`).value.trim()]));
    $('#w-submit').disabled = true;
    try {
      await api('POST', '/api/me/withdrawals', req);
      withdrawKey = idem('withdraw'); // the next request is a new one; a retry of this one reuses the key
      $('#w-amount').value = '';
      $('#w-preview').textContent = '';
      toast('提现申请已提交');
      await Promise.all([loadWithdraw(), loadCommissions()]);
    } catch (err) {
      if ((err.errors || []).some((e) => e.path === 'amount_fen')) $('#w-amount').parentElement.classList.add('bad');
      const payeeErr = (err.errors || []).find((e) => e.code === 'E_PAYEE' && /^payee\./.test(e.path));
      if (payeeErr) {
        const f = payeeErr.path.slice(6);
        if ($(`#p-${f}-error`)) {
          $(`#p-${f}-error`).textContent = PAYEE_ZH[f] || err.message;
          $(`#p-${f}`).parentElement.classList.add('bad');
        }
      } else {
        $('#w-amount-error').textContent = err.message;
      }
      $('#w-preview').textContent = '';
      if (err.status >= 400 && err.status < 500) withdrawKey = idem('withdraw');
    } finally {
      $('#w-submit').disabled = false;
    }
  }

  // The WeChat transfer confirmation step: the user accepts the money in WeChat (sandboxed here).
  let confirming = null;
  function openConfirm(id, text) {
    confirming = id;
    $('#confirm-amount').textContent = text;
    $('#confirm-sheet').hidden = false;
  }
  async function confirmTransfer() {
    $('#confirm-ok').disabled = true;
    try {
      await api('POST', `/api/me/withdrawals/${confirming}/confirm`);
      $('#confirm-sheet').hidden = true;
      toast('已收款');
      await Promise.all([loadWithdraw(), loadCommissions()]);
    } catch (err) {
      toast(err.message, 'error');
    } finally {
      $('#confirm-ok').disabled = false;
    }
  }

  async function loadTeam() {
    const t = await api('GET', '/api/me/team');
    const inv = t.invitees.filter((x) => Number(x.program_id) === programId);
    const cus = t.customers.filter((x) => Number(x.program_id) === programId);
    const gradeName = (id) => ((me.program && me.program.config.grades) || []).find((g) => g.id === id)?.name || '';
    $('#invitees').innerHTML = inv.length ? inv.map((x) => `<div class="row"><span>用户 ${x.user_id} <span class="pill">${esc(gradeName(x.grade))}</span></span>
      <span class="muted">${esc(App.cst(x.created_ms))} · ${x.status === 'approved' ? '已通过' : x.status === 'pending' ? '审核中' : '未通过'}</span></div>`).join('')
      : `<p class="muted">还没有邀请${esc(me.role)}</p>`;
    $('#customers').innerHTML = cus.length ? cus.map((x) => `<div class="row"><span>客户 ${x.customer_id}</span>
      <span class="muted">${x.bound_since_ms ? `${esc(App.cst(x.bound_since_ms))} 绑定` : '分享访问'}</span></div>`).join('')
      : '<p class="muted">还没有客户</p>';
    return { invitees: inv.length, customers: cus.length };
  }

  // My distributor record for this program: the server's (GET /api/me/distributor) when it has
  // that route; otherwise what the apply answer left in localStorage (an older server).
  const storeKey = () => `dist_${App.userId()}_${programId}`;
  function stored() {
    try { return JSON.parse(localStorage.getItem(storeKey()) || 'null'); } catch (e) { return null; }
  }
  async function loadRecord() {
    try {
      const r = await api('GET', `/api/me/distributor?program_id=${programId}`);
      me.record = r.distributor || null;
      me.stats = r.stats || (r.distributor && r.distributor.stats) || null;
      me.application = r.application || null;
    } catch (err) {
      if (err.status !== 404) throw err;
      // A 404 in the API's own words: not a distributor here; any other 404: an older server
      // without the route (its catch-all answers in plain text).
      me.record = err.code === 'E_NOT_FOUND' ? null : stored();
    }
    return me.record;
  }

  // Grade and progress (gradeStatus): the server's own figures when the record carries them,
  // otherwise what this page can count from this program's lines and team.
  async function loadGrade() {
    const c = me.program && me.program.config;
    if (!c || c.kind !== 'distribution') { $('#grade').innerHTML = '<p class="muted">本活动不设等级</p>'; return; }
    const [team, record] = await Promise.all([loadTeam(), me.record === undefined ? loadRecord() : me.record]);
    const byProgram = hasPrograms();
    const lines = byProgram ? me.lines.filter((l) => Number(l.program_id) === programId) : me.lines;
    const orders = new Set(lines.filter((l) => l.level === 1 && l.state !== 'reversed').map((l) => l.order_id));
    const stats = { bound_customers: team.customers, invited_distributors: team.invitees, paid_orders: orders.size, ...(me.stats || {}) };
    const status = me.engine.gradeStatus(c, record && record.grade ? record.grade : null, stats);
    if (!status.show_grades) { $('#grade').innerHTML = '<p class="muted">本计划不设等级</p>'; return; }
    $('#me-grade').textContent = status.name || '';
    const next = status.next;
    const note = byProgram || (me.stats && me.stats.paid_orders != null) ? '' : '<p class="muted note">支付订单数含其他活动的订单。</p>';
    $('#grade').innerHTML = `<p><b>${esc(status.name || status.grade)}</b></p><p class="muted" id="grade-text">${esc(ShareEngine.gradeZh(status, { role: me.role }))}</p>` +
      (next ? next.thresholds.map((t) => `<div class="progress" data-metric="${t.metric}" data-current="${t.current}"><span>${esc(METRIC[t.metric] || t.metric)}</span>
        <meter min="0" max="${t.target}" value="${Math.min(t.current, t.target)}"></meter><span class="muted">${t.current}/${t.target}</span></div>`).join('') : '') + note;
  }
  const METRIC = { bound_customers: '绑定客户', invited_distributors: '邀请人数', paid_orders: '支付订单', paid_fen: '实收金额', deal_fen: '成交金额', completed_orders: '完成订单' };

  async function apply() {
    $('#apply').disabled = true;
    try {
      const r = await api('POST', '/api/me/apply', { program_id: programId });
      try { localStorage.setItem(storeKey(), JSON.stringify(r.distributor)); } catch (e) { /* private mode */ }
      me.record = r.distributor;
      showApplied(r.distributor);
      toast(r.distributor.status === 'approved' ? `您已成为${me.role}` : '申请已提交，等待商家审核');
      loadGrade().catch(() => {});
    } catch (err) {
      toast(err.message, 'error');
      $('#apply').disabled = false;
    }
  }
  // Before applying: the merchant's conditions this user does not meet yet (the server's
  // application.unmet), amounts as engine texts; the button waits until they are met.
  const UNMET_ZH = {
    E_APPLY_PHONE: () => '请先绑定手机号',
    E_APPLY_SPENT: (u, t) => `累计消费满 ${t[0]} 才能申请，还差 ${t[1]}`,
    E_APPLY_ORDERS: (u) => `累计下单满 ${u.target} 笔才能申请，还差 ${u.missing} 笔`,
    E_APPLY_TAG: () => '仅限商家指定的用户申请',
  };
  function showConditions() {
    const a = me.application;
    if (me.record || !a) return;
    const unmet = a.unmet || [];
    const items = unmet.map((u) => {
      const t = u.code === 'E_APPLY_SPENT' ? App.money(me.engine, [u.target, u.missing]) : [];
      return `<li data-code="${esc(u.code)}">${esc((UNMET_ZH[u.code] || (() => App.zh(u)))(u, t))}</li>`;
    });
    $('#apply-unmet').innerHTML = items.join('');
    $('#apply-unmet').hidden = !items.length;
    $('#apply').disabled = items.length > 0;
    $('#apply-text').textContent = items.length ? `满足以下条件后即可申请成为${me.role}：`
      : a.approval === 'manual' ? '提交申请后由商家审核，通过后即可分享商品赚取佣金。' : '申请后即可分享商品赚取佣金。';
  }
  function showApplied(d) {
    $('#apply-unmet').hidden = true;
    const TITLE = { approved: `您已是${me.role}`, pending: '申请审核中', rejected: '申请未通过', frozen: `${me.role}资格已冻结`, revoked: `${me.role}资格已撤销` };
    $('#apply-title').textContent = TITLE[d.status] || '申请未通过';
    $('#apply-text').textContent = d.status === 'rejected' ? (d.reject_reason ? `未通过原因：${d.reject_reason}` : '商家未通过您的申请。')
      : d.status === 'frozen' ? '冻结期间不产生新的佣金，也不能提现；已获得的佣金保留。如有疑问请联系商家。'
        : d.status === 'revoked' ? '您已不再是本活动的' + me.role + '，已获得的佣金保留。'
          : d.inviter_id != null ? `邀请人：用户 ${d.inviter_id}（邀请人确定后不会变更）` : '去活动页分享商品，好友购买后您将获得佣金。';
    $('#apply').hidden = true;
    document.body.dataset.distributor = d.status;
  }

  function showTab(name) {
    $$('#tabs button').forEach((b) => b.classList.toggle('on', b.dataset.tab === name));
    $$('.tab').forEach((s) => { s.hidden = s.id !== `tab-${name}`; });
    const load = { withdraw: loadWithdraw, team: loadTeam, grade: loadGrade }[name];
    if (load) load().catch((err) => toast(err.message, 'error'));
  }

  $('#tabs').onclick = (ev) => { if (ev.target.dataset.tab) showTab(ev.target.dataset.tab); };
  $('#program-chips').onclick = (ev) => {
    if (ev.target.dataset.program === undefined) return;
    me.programFilter = ev.target.dataset.program;
    $$('#program-chips button').forEach((b) => b.classList.toggle('on', b === ev.target));
    renderLines();
  };
  $('#chips').onclick = (ev) => {
    if (ev.target.dataset.state === undefined) return;
    me.filter = ev.target.dataset.state;
    $$('#chips button').forEach((b) => b.classList.toggle('on', b === ev.target));
    renderLines();
  };
  $('#go-withdraw').onclick = () => showTab('withdraw');
  $('#withdraw-form').onsubmit = submitWithdraw;
  $('#w-amount').addEventListener('input', scheduleWithdrawPreview);
  $('#methods').addEventListener('change', scheduleWithdrawPreview);
  $('#methods').addEventListener('change', showPayee);
  $('#w-all').onclick = () => {
    $('#w-amount').value = App.money(me.engine, [Number($('#w-all').dataset.fen)])[0].replace('¥', '');
    previewWithdraw();
  };
  $('#withdrawals').onclick = (ev) => { if (ev.target.dataset.confirm) openConfirm(ev.target.dataset.confirm, ev.target.dataset.text); };
  $('#confirm-ok').onclick = confirmTransfer;
  $('#confirm-cancel').onclick = () => { $('#confirm-sheet').hidden = true; };
  $('#apply').onclick = apply;

  (async function main() {
    App.engine().catch(() => {});
    try {
      me.program = await api('GET', `/api/programs/${programId}`).catch(() => null);
      if (me.program) me.role = me.program.role_name || me.role;
      $('#title').textContent = `${me.role}中心`;
      document.title = `${me.role}中心`;
      $('#apply').textContent = `申请成为${me.role}`;
      $('#apply-title').textContent = `成为${me.role}`;
      $$('.role').forEach((el) => { el.textContent = me.role; });
      const record = loadRecord().then((d) => { if (d) showApplied(d); }, (err) => toast(err.message, 'error'));
      me.engine = await App.engine();
      await Promise.all([loadCommissions(), record.then(showConditions)]);
      const tab = App.query.get('tab');
      if (tab) showTab(tab);
      document.body.dataset.ready = '1';
    } catch (err) {
      toast(err.message, 'error');
      document.body.dataset.ready = 'error';
    }
  })();
})();
