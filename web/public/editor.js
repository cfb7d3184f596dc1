// The merchant's editor (SPEC 10): every keystroke rebuilds the program config and previews it with
// the WASM module in the page — commission per beneficiary per grade for a sample order, margin,
// the budget to freeze, a refund's claw-back, a mode switch's schedule, every platform warning —
// with no server round-trip. Errors land on the field named by their JSON path. Saving and
// publishing go through the merchant API (the console's session cookie); the server validates
// with the same module and assigns a new program's id. What is typed and not saved is kept in
// localStorage per program (a reload, a closed tab, a switch to another tab) and offered back.
(function () {
  'use strict';
  const { $, $$, esc, toast } = App;
  const HOUR = 3600000;
  // timings: per preview update, event time -> DOM updated and laid out (ms); work: the update's own
  // main-thread time (ms). frame/since: the pending animation frame and the earliest event it serves.
  // id/status/program: the program on the server (null before its first save); balance: the
  // merchant's red-packet balance (GET /api/merchant/balance); problems: the server's answer to the
  // last save, shown at their fields until the field is edited; slots: the other kind's editing
  // state while a kind tab is away.
  const ed = { kind: 'campaign', engine: null, values: {}, gradeCount: 2, buttonCount: 0, status: null, timings: [], work: [], last: null,
    frame: 0, since: null, needForm: false, waiters: [], marks: new Map(), byPath: new Map(), memo: new Map(), links: true,
    id: null, program: null, hasPassword: false, balance: null, problems: [], slots: {}, saved: null, busy: false, tab: 'campaign' };
  window.editor = ed; // for tests and the benchmark
  const MAX_BUTTONS = 4;
  // A published campaign's budget and start are fixed (the server answers E_LOCKED_FIELD); after
  // its end, the end too.
  const LOCKED = { published: ['start_ms', 'commission_per_unit_fen', 'product.stock'], ended: ['start_ms', 'end_ms', 'commission_per_unit_fen', 'product.stock'] };
  const locked = (path) => ed.kind === 'campaign' && (LOCKED[ed.status] || []).includes(path);

  const BOOL = (path, label) => ['bool', path, label];
  const CAMPAIGN = () => [
    ['text', 'title', '活动标题'],
    ['time', 'start_ms', '开始时间（北京时间）'], ['time', 'end_ms', '结束时间（北京时间）'],
    ['text', 'product.name', '商品名称'], ['yuan', 'product.price_fen', '售价（元）'], ['int', 'product.stock', '库存（件）'],
    ['yuan', 'commission_per_unit_fen', '每件佣金（元，0.3–200）'],
    ['int', 'max_buyers', '限制购买人数（0 为不限）'], ['int', 'per_user_limit', '每人限购（0 为不限）'],
    ['enum', 'refund_policy', '退款时佣金', [['keep', '不扣回（活动默认）'], ['proportional', '按退款比例扣回']]],
    ['int', 'hold_days', '确认收货后冻结天数'],
    ['list', 'allowed_regions', '可参与地区（地区编码，逗号分隔，留空为不限）'],
    BOOL('buy_before_distributing', '购买后才能参与分销'), BOOL('show_participants', '显示参与人数'), BOOL('fans_only', '仅限公众号粉丝'),
    BOOL('splash_ad', '进入时显示开屏广告'), BOOL('ticker', '滚动显示最新订单'), BOOL('poster_sharing', '允许海报分享'),
    BOOL('password_protected', '开启活动密码（顾客输入密码后才能参与）'),
    // The password itself is not part of the config: PUT /api/merchant/programs/:id/password.
    ...(ed.values.password_protected ? [['password', 'password', '活动密码', ed.hasPassword ? '已设置，留空则不修改' : '顾客参与时输入的密码']] : []),
    // Seed 000 高级设置: the merchant's logo and the page's custom footer buttons (公众号 / 官网引流).
    ['url', 'logo_url', '企业 LOGO 图片地址（https:// 或 / 开头，留空显示标题首字）'],
    ['group', 'footer_buttons', `首页底部按钮（最多 ${MAX_BUTTONS} 个，可链接公众号或官网）`],
    ...Array.from({ length: ed.buttonCount }, (_, b) => [
      ['text', `footer_buttons[${b}].text`, `按钮 ${b + 1} 文字（最多 8 字）`], ['url', `footer_buttons[${b}].url`, `按钮 ${b + 1} 链接`]]).flat(),
    ['buttons'],
  ];
  function levelsKey() {
    const v = ed.values;
    if ((v.mode || 'rate') === 'rate' && (v.reward || 'cash') === 'cash') return 'rates_bp';
    return v.reward === 'points' ? 'per_unit_points' : 'per_unit_fen';
  }
  function levelField(prefix, i, label, placeholder) {
    const k = levelsKey();
    const type = k === 'rates_bp' ? 'pct' : k === 'per_unit_points' ? 'int' : 'yuan';
    const unit = k === 'rates_bp' ? '%' : k === 'per_unit_points' ? '积分/件' : '元/件';
    return [type, `${prefix}${k}[${i}]`, `${label}（${unit}）`, placeholder];
  }
  // A grade's upgrade thresholds (the engine's Thresholds: counts, and amounts in fen).
  const THRESHOLDS = [
    ['int', 'bound_customers', '绑定客户数'], ['int', 'invited_distributors', '邀请推广员数'], ['int', 'paid_orders', '支付订单数'],
    ['yuan', 'paid_fen', '实收金额（元）'], ['yuan', 'deal_fen', '成交金额（元）'], ['int', 'completed_orders', '已完成订单数'],
  ];
  const DISTRIBUTION = () => {
    const depth = Number(ed.values.depth || 2);
    const f = [
      ['enum', 'depth', '分销层级', [['1', '一级'], ['2', '二级'], ['3', '三级']]],
      ['enum', 'self_purchase', '分销员自购', [['none', '自购不分佣，由上级分佣'], ['self_as_level1', '自购本人得一级佣金']]],
      ['enum', 'reward', '奖励类型', [['cash', '现金佣金'], ['points', '积分'], ['balance', '储值余额']]],
      ['enum', 'mode', '计佣方式', [['rate', '按实付金额比例'], ['fixed', '按件固定金额']]],
    ];
    for (let i = 0; i < depth; i++) f.push(levelField('', i, `第 ${i + 1} 级默认佣金`));
    f.push(BOOL('cost_protection', '成本价保护（佣金不超过实付减成本）'),
      ['enum', 'refund_policy', '退款时佣金', [['proportional', '按退款比例扣回（默认）'], ['keep', '不扣回']]],
      ['int', 'hold_days', '确认收货后冻结天数'], ['pct', 'profit_sharing_cap_bp', '支付账户分账上限（%）'],
      ['enum', 'rounding', '分以下取整', [['floor', '向下取整（默认）'], ['half_up', '四舍五入']]]);
    for (let g = 0; g < ed.gradeCount; g++) {
      f.push(['group', `grades[${g}]`, `等级 ${g + 1}`], ['text', `grades[${g}].name`, '等级名称']);
      for (let i = 0; i < depth; i++) f.push(levelField(`grades[${g}].`, i, `第 ${i + 1} 级`, '留空用默认'));
      // Every threshold the engine knows (gradeStatus); blank ones are left out of the grade.
      if (g > 0) for (const [type, key, label] of THRESHOLDS) f.push([type, `grades[${g}].thresholds.${key}`, `升级条件：${label}`, '不设']);
    }
    if (ed.gradeCount > 1) f.push(['enum', 'grade_upgrade', '升级规则', [['any', '满足任一条件即升级'], ['all', '满足全部条件才升级']]]);
    f.push(['grades']);
    return f;
  };
  const SAMPLE = () => (ed.kind === 'campaign'
    ? [['int', 's.units', '购买件数'], ['yuan', 's.paid', '实付金额（元）'], ['yuan', 's.refund', '退款金额（元）']]
    : [['int', 's.units', '购买件数'], ['yuan', 's.paid', '实付金额（元）'], ['yuan', 's.cost', '每件成本（元）'], ['yuan', 's.refund', '退款金额（元）'],
      ['enum', 's.attr_from', '当前业绩归属', [['relation_first', '关系链优先'], ['sharer_first', '分享人优先']]],
      ['enum', 's.attr_to', '切换为', [['sharer_first', '分享人优先'], ['relation_first', '关系链优先']]]]);

  // China time <-> the datetime-local text, integer ms only.
  const toLocal = (ms) => new Date(ms + 8 * HOUR).toISOString().slice(0, 16);
  function fromLocal(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text || '');
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - 8 * HOUR : null;
  }

  function defaults(kind) {
    const start = Math.floor(Date.now() / 60000) * 60000 - HOUR;
    if (kind === 'campaign') {
      return {
        title: '新品茶礼 · 分享赚佣金', start_ms: toLocal(start), end_ms: toLocal(start + 8 * 24 * HOUR), 'product.name': '明前龙井 250g 礼盒',
        'product.price_fen': '99', 'product.stock': '200', commission_per_unit_fen: '9.9', max_buyers: '0', per_user_limit: '5',
        refund_policy: 'keep', hold_days: '7', allowed_regions: '', show_participants: true, ticker: true, splash_ad: true, poster_sharing: true,
        's.units': '1', 's.paid': '99', 's.refund': '99',
      };
    }
    return {
      depth: '2', self_purchase: 'none', reward: 'cash', mode: 'rate', 'rates_bp[0]': '10', 'rates_bp[1]': '5', 'rates_bp[2]': '3',
      cost_protection: true, refund_policy: 'proportional', hold_days: '7', profit_sharing_cap_bp: '30', rounding: 'floor', grade_upgrade: 'any',
      'grades[0].name': '普通推广员', 'grades[1].name': '金牌推广员', 'grades[1].rates_bp[0]': '15', 'grades[1].thresholds.paid_orders': '10',
      'grades[2].name': '钻石推广员', 'grades[2].rates_bp[0]': '20', 'grades[2].thresholds.paid_orders': '50',
      's.units': '1', 's.paid': '99', 's.cost': '50', 's.refund': '49.5', 's.attr_from': 'relation_first', 's.attr_to': 'sharer_first',
    };
  }

  // Enum fields whose options are too long for half the phone's width.
  const WIDE = new Set(['title', 'self_purchase', 'refund_policy']);
  function fieldHtml([type, path, label, options]) {
    const v = ed.values[path];
    if (type === 'group') {
      const note = path === 'footer_buttons' && !ed.links ? '<small class="muted">（当前引擎版本暂不支持，发布时不会提交）</small>' : '';
      return `<h3 class="group" data-path="${path}">${esc(label)}${note}</h3>`;
    }
    if (type === 'grades') {
      return `<div class="ed-actions small"><button type="button" class="btn ghost small" data-grades="1"${ed.gradeCount >= 5 ? ' disabled' : ''}>＋ 添加等级</button>` +
        `<button type="button" class="btn ghost small" data-grades="-1"${ed.gradeCount <= 0 ? ' disabled' : ''}>－ 删除等级</button></div>`;
    }
    if (type === 'buttons') {
      const off = ed.links ? '' : ' disabled';
      return `<div class="ed-actions small"><button type="button" class="btn ghost small" data-buttons="1"${ed.buttonCount >= MAX_BUTTONS ? ' disabled' : off}>＋ 添加按钮</button>` +
        `<button type="button" class="btn ghost small" data-buttons="-1"${ed.buttonCount <= 0 ? ' disabled' : off}>－ 删除按钮</button></div>`;
    }
    const id = `f-${path.replace(/[^a-z0-9]/gi, '_')}`;
    if (type === 'bool') {
      return `<label class="field check" data-path="${path}"><input type="checkbox" id="${id}" data-key="${path}"${v ? ' checked' : ''}><span>${esc(label)}</span><em class="error"></em></label>`;
    }
    let input;
    if (type === 'enum') {
      input = `<select id="${id}" data-key="${path}">${options.map(([k, t]) => `<option value="${k}"${String(v) === k ? ' selected' : ''}>${esc(t)}</option>`).join('')}</select>`;
    } else {
      const mode = type === 'int' ? 'numeric' : type === 'yuan' || type === 'pct' ? 'decimal' : type === 'url' ? 'url' : 'text';
      const extra = (type === 'time' ? ' type="datetime-local"' : ` inputmode="${mode}"`) + (options ? ` placeholder="${esc(options)}"` : '') +
        (type === 'url' || type === 'password' ? ' spellcheck="false" autocapitalize="off"' : '') + (type === 'password' ? ' maxlength="64" autocomplete="off"' : '') +
        ((type === 'url' && !ed.links) || locked(path) ? ' disabled' : '');
      input = `<input id="${id}" data-key="${path}"${extra} value="${esc(v == null ? '' : v)}">`;
    }
    const wide = type === 'time' || type === 'list' || type === 'url' || type === 'password' || WIDE.has(path) ? ' wide' : '';
    const hint = locked(path) ? `<small class="hint">${path === 'product.stock' ? '已发布，请在后台调整库存' : '已发布，不能修改'}</small>` : '';
    return `<label class="field${wide}${locked(path) ? ' locked' : ''}" data-path="${path}"><span>${esc(label)}</span>${input}${hint}<em class="error"></em></label>`;
  }

  // The form for the kind. Keeps the focused field focused (a select that reshapes the form).
  function renderForm() {
    const active = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
    ed.fields = ed.kind === 'campaign' ? CAMPAIGN() : DISTRIBUTION();
    ed.types = {};
    for (const f of [...ed.fields, ...SAMPLE()]) ed.types[f[1]] = f[0];
    $('#fields').innerHTML = ed.fields.map(fieldHtml).join('');
    $('#sample').innerHTML = SAMPLE().map(fieldHtml).join('');
    ed.byPath = new Map($$('[data-path]', $('#form')).map((el) => [el.dataset.path, el]));
    ed.marks = new Map();
    if (active) { const el = $(`[data-key="${CSS.escape(active)}"]`); if (el) el.focus(); }
  }

  // path "grades[1].rates_bp[0]" -> ['grades', 1, 'rates_bp', 0]
  const segments = (path) => path.split(/\.|\[|\]/).filter((s) => s !== '').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  function setPath(obj, path, value) {
    const seg = segments(path);
    let o = obj;
    for (let i = 0; i < seg.length - 1; i++) {
      if (o[seg[i]] == null) o[seg[i]] = typeof seg[i + 1] === 'number' ? [] : {};
      o = o[seg[i]];
    }
    o[seg[seg.length - 1]] = value;
  }

  // Input text -> typed value; {error} when the text is not what the field takes.
  function parse(type, text) {
    if (type === 'bool') return { value: !!text };
    if (type === 'text' || type === 'enum' || type === 'password') return { value: text == null ? '' : String(text) };
    if (type === 'url') return { value: String(text == null ? '' : text).trim() };
    const t = String(text == null ? '' : text).trim();
    if (type === 'list') return { value: t ? t.split(/[,，\s]+/).filter(Boolean) : [] };
    if (t === '') return { blank: true };
    if (type === 'int') return /^\d{1,15}$/.test(t) ? { value: Number(t) } : { error: /[\uff10-\uff19]/.test(t) ? '不支持全角数字，请用半角输入整数，如 12' : '请输入整数' };
    // Full-width digits and "。" are refused with a message saying so (App.amountError).
    if (type === 'yuan') { const f = App.parseYuan(t); return f === null ? { error: App.amountError(t) } : { value: f }; }
    if (type === 'pct') { const b = App.parsePercent(t); return b === null ? { error: App.amountError(t, '百分比') } : { value: b }; }
    if (type === 'time') { const ms = fromLocal(t); return ms === null ? { error: '请选择时间' } : { value: ms }; }
    return { value: t };
  }

  // The form's values -> {program, sample, local errors}.
  function build() {
    // A new program's id is the server's (assigned on its first save); the preview uses 1 until then.
    const program = { kind: ed.kind, program_id: ed.id || 1 };
    const sample = {};
    const local = [];
    const depth = Number(ed.values.depth || 2);
    for (const [path, type] of Object.entries(ed.types)) {
      if (type === 'group' || type === 'grades' || type === 'buttons') continue;
      const r = parse(type, ed.values[path]);
      if (type === 'password') continue; // not config: saved on its own, never previewed
      if (r.error) { local.push({ code: 'E_INPUT', path: `program.${path}`, message: r.error }); continue; }
      if (path.startsWith('s.')) { sample[path.slice(2)] = r.value; continue; }
      // The engine takes a button without a link (and the page would drop it): say so here.
      if (ed.links && /^footer_buttons\[\d+\]\.url$/.test(path) && r.value === '') local.push({ code: 'E_REQUIRED', path: `program.${path}`, message: '请填写按钮链接' });
      if (r.blank) {
        // A grade's blank level uses the default (null); a blank program field is left to the engine.
        if (/^grades\[\d+\]\.(rates_bp|per_unit_fen|per_unit_points)\[/.test(path)) setPath(program, path, null);
        continue;
      }
      setPath(program, path, path === 'depth' ? Number(r.value) : r.value);
    }
    if (ed.kind === 'distribution') {
      program.depth = depth;
      const k = levelsKey();
      if (program[k]) program[k] = program[k].slice(0, depth);
      if (program.grades) {
        program.grades = program.grades.slice(0, ed.gradeCount).map((g, i) => {
          const out = { id: `g${i + 1}`, name: g.name || `等级${i + 1}` };
          if (g[k] && g[k].some((x) => x != null)) out[k] = g[k].slice(0, depth);
          if (g.thresholds) out.thresholds = g.thresholds;
          return out;
        });
        if (!program.grades.length) delete program.grades;
      }
    } else {
      if (!program.allowed_regions || !program.allowed_regions.length) delete program.allowed_regions;
      // Logo and footer buttons: only what the merchant filled in, only when the engine knows them.
      if (!ed.links || !program.logo_url) delete program.logo_url;
      const buttons = Array.from({ length: ed.buttonCount }, (_, i) => {
        const b = (program.footer_buttons || [])[i] || {};
        return { text: b.text || '', url: b.url || '' };
      });
      if (ed.links && buttons.length) program.footer_buttons = buttons;
      else delete program.footer_buttons;
    }
    return { program, sample, local };
  }

  function sampleOrder(program, s) {
    const item = { product_id: 'sample', units: s.units || 1, paid_fen: s.paid || 0 };
    if (program.kind === 'campaign') {
      return { order_id: 'sample', buyer_id: 201, sharer_id: 101, sharer_has_bought: true, items: [item] };
    }
    if (s.cost != null) item.unit_cost_fen = s.cost;
    return { order_id: 'sample', buyer_id: 201, bound_distributor_id: 101,
      distributors: [{ id: 101, inviter_id: 102 }, { id: 102, inviter_id: 103 }, { id: 103 }], items: [item] };
  }

  // The field for a problem's path: the path itself, else its first element (rates_bp ->
  // rates_bp[0]), else the same one level up (grades[1].name -> grades[1]).
  function fieldFor(rawPath) {
    let path = (rawPath || '').replace(/^(program|config)\./, '');
    while (path) {
      const el = ed.byPath.get(path);
      if (el) return el;
      for (const [k, first] of ed.byPath) if (k.startsWith(path + '[')) return first;
      const up = path.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
      if (up === path) break;
      path = up;
    }
    return null;
  }
  // Texts that say more at the field than the engine's generic ones.
  function zhAt(p) {
    if (p.code === 'W_PASSWORD' || (p.code === 'E_REQUIRED' && p.path === 'password')) return p.message;
    if (p.code === 'E_PASSWORD_REQUIRED') return '已开启活动密码，请先设置活动密码再发布';
    if (p.code === 'E_URL') return '请填写 https:// 开头的链接，或以 / 开头的站内路径（不含空格、引号和尖括号）';
    if (/footer_buttons\[\d+\]\.text$/.test(p.path) && p.code === 'E_TOO_LONG') return '最多 8 个字';
    if (/footer_buttons\[\d+\]\.text$/.test(p.path) && p.code === 'E_REQUIRED') return '请填写按钮文字';
    if (p.code === 'E_REQUIRED' && p.message && /[\u4e00-\u9fff]/.test(p.message)) return p.message; // the page's own
    const text = App.zh(p);
    // A code neither the engine nor client.js knows: its English message is not shown.
    return /[\u4e00-\u9fff]/.test(text) ? text : '操作未成功，请稍后再试';
  }
  // Problems -> marks wanted ({el -> cls, text, code}); returns the problems no field took.
  function place(problems, cls, marks) {
    const rest = [];
    for (const p of problems) {
      const el = fieldFor(p.path);
      if (!el) { rest.push(p); continue; }
      const text = zhAt(p);
      const m = marks.get(el);
      if (!m) marks.set(el, { cls, text, code: p.code });
      else if (!m.text.split('；').includes(text)) m.text += '；' + text;
    }
    return rest;
  }
  // Applies the wanted marks, touching only the fields whose mark changed.
  function applyMarks(marks) {
    const show = (el, m) => {
      const em = el.querySelector('em');
      if (em) em.textContent = m ? m.text : '';
      else if (m) el.dataset.error = m.text;
      else delete el.dataset.error;
    };
    for (const [el, old] of ed.marks) {
      if (marks.has(el)) continue;
      el.classList.remove(old.cls);
      delete el.dataset.code;
      show(el, null);
    }
    for (const [el, m] of marks) {
      const old = ed.marks.get(el);
      if (old && old.cls === m.cls && old.text === m.text && old.code === m.code) continue;
      if (old && old.cls !== m.cls) el.classList.remove(old.cls);
      el.classList.add(m.cls);
      el.dataset.code = m.code;
      show(el, m);
    }
    ed.marks = marks;
  }

  // DOM updates that touch only what changed: text, and HTML patched into the existing nodes
  // (same tag: attributes and text updated in place; otherwise the node is replaced).
  const scratch = document.createElement('template');
  function setText(el, text) {
    if (el._text !== text) { el._text = text; el.textContent = text; }
  }
  function setData(el, key, value) {
    if (el.dataset[key] !== value) el.dataset[key] = value;
  }
  function patch(el, html) {
    if (el._html === html) return;
    el._html = html;
    scratch.innerHTML = html;
    morph(el, scratch.content);
  }
  function morph(to, from) {
    let a = to.firstChild;
    let b = from.firstChild;
    while (b) {
      const next = b.nextSibling;
      if (!a) {
        to.appendChild(b);
      } else if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName) {
        to.replaceChild(b, a);
        a = b.nextSibling;
      } else {
        if (a.nodeType === 1) {
          for (const { name, value } of b.attributes) if (a.getAttribute(name) !== value) a.setAttribute(name, value);
          for (const { name } of [...a.attributes]) if (!b.hasAttribute(name)) a.removeAttribute(name);
          morph(a, b);
        } else if (a.nodeValue !== b.nodeValue) {
          a.nodeValue = b.nodeValue;
        }
        a = a.nextSibling;
      }
      b = next;
    }
    while (a) { const n = a.nextSibling; to.removeChild(a); a = n; }
  }

  // One engine answer per verb is kept: a keystroke in the sample order does not re-validate the
  // program, and an unchanged request is not sent again.
  function cached(name, request) {
    const key = JSON.stringify(request);
    const hit = ed.memo.get(name);
    if (hit && hit.key === key) return hit.result;
    const result = ed.engine.call(name, request);
    ed.memo.set(name, { key, result });
    return result;
  }

  const ROLE_ZH = { distributor: '推广员', inviter: '邀请人', sharer: '分享人', agent_province: '省代理', agent_city: '市代理', agent_district: '区代理' };
  const RULE_ZH = { product_grade: '商品等级', product: '商品', grade: '等级', program: '默认', campaign: '每件佣金', regional_agent: '区域代理' };

  // The whole preview from the form as it is now: validate, previewGrades, a refund, a budget or
  // a mode switch, and one formatMoney for their amounts; each verb is asked only when its request
  // changed. Writes only the parts of the page whose text changed.
  function preview() {
    if (!ed.engine || !ed.types) return;
    const { program, sample, local } = build();
    ed.last = { program, sample };
    const v = cached('validateProgram', { program });
    // A field the page could not read already says why; the engine's "required" there is noise.
    const localPaths = new Set(local.map((p) => p.path));
    const errors = [...local, ...(v.ok ? [] : v.errors.filter((p) => !localPaths.has(p.path)))];
    const marks = new Map();
    const unplaced = place(errors, 'bad', marks);
    // What the server refused at the last save stays at its field until that field is edited.
    const refused = place(ed.problems, 'bad', marks);
    const warnings = v.ok ? v.warnings : [];
    place(warnings, 'warned', marks);
    // A gated campaign needs its password before publishing (the server's E_PASSWORD_REQUIRED):
    // said at the field while typing, refused there on publish.
    const pw = passwordMissing(program);
    if (pw && !ed.problems.some((p) => p.path === 'password')) place([{ code: 'W_PASSWORD', path: 'password', message: '发布前请设置活动密码' }], 'warned', marks);
    patch($('#warnings'), warnings.map((w) => `<li class="warn" data-code="${w.code}">⚠ ${esc(App.zh(w))}</li>`).join(''));
    const valid = v.ok && !local.length;
    setData(document.body, 'valid', String(valid));
    let grades = '';
    let more = '';
    let summary;
    if (!valid) {
      const n = new Set([...marks].filter(([, m]) => m.cls === 'bad').map(([el]) => el)).size + unplaced.length;
      grades = `<p class="error">有 ${n} 处需要修改，已在表单中标出。</p>`;
      summary = { bad: true, text: `有 ${n} 处需要修改` };
    } else {
      const g = cached('previewGrades', { program, order: sampleOrder(program, sample) });
      if (!g.ok) {
        const rest = place(g.errors, 'bad', marks);
        grades = `<p class="error">${esc(rest.map(App.zh).join('；') || '示例订单有误')}</p>`;
        summary = { bad: true, text: '示例订单有误' };
      } else {
        grades = g.grades.map(gradeHtml(g.show_grades)).join('');
        more = extras(program, sample, g.grades[0].preview);
        const t = g.grades[0].preview.totals;
        summary = { bad: false, text: `${g.show_grades ? g.grades[0].name + ' · ' : ''}佣金合计 ${t.cash_text}${t.margin_text ? ` · 毛利 ${t.margin_text}` : ''}` };
      }
    }
    applyMarks(marks);
    setText($('#form-errors'), [...unplaced, ...refused].map(zhAt).filter((t, i, all) => all.indexOf(t) === i).join('；'));
    patch($('#grades'), grades);
    patch($('#extras'), more);
    setText($('#rules-version'), valid ? v.rules_version : '—');
    setText($('#ed-summary-text'), summary.text);
    setData($('#ed-summary'), 'bad', String(summary.bad));
  }

  const gradeHtml = (showGrades) => ({ grade, name, preview: p }) => {
    const lines = p.items.flatMap((it) => it.lines);
    return `<div class="grade" data-grade="${esc(grade || '')}">${showGrades ? `<h3>${esc(name)}</h3>` : ''}
      <table><tr><th>级</th><th>角色</th><th>用户</th><th>规则</th><th class="num">佣金</th></tr>
      ${lines.map((l) => `<tr data-beneficiary="${l.beneficiary_id}" data-level="${l.level || ''}"><td>${l.level || ''}</td><td>${ROLE_ZH[l.role] || l.role}</td>
        <td>${l.beneficiary_id}</td><td>${RULE_ZH[l.rule] || l.rule}${l.rate_bp != null ? ' ' + App.percentText(l.rate_bp) : ''}${l.clipped ? ' <span class="pill orange">已限额</span>' : ''}</td>
        <td class="num money amount">${l.amount_text || `${l.amount_points} 积分`}</td></tr>`).join('')}
      ${p.skipped.map((s) => `<tr><td>${s.level}</td><td colspan="4" class="muted">${esc(ShareEngine.skipReasonZh(s))}</td></tr>`).join('')}
      </table><p class="totals">佣金合计 <b class="money total">${p.totals.cash_text}</b>${p.totals.margin_text ? ` · 商家毛利 <b class="margin">${p.totals.margin_text}</b>` : ''}</p></div>`;
  };

  // Refund claw-back, campaign budget, mode switch: their engine answers first, then one
  // formatMoney for every amount they show.
  function extras(program, s, first) {
    const line = first.items[0] && first.items[0].lines[0];
    const r = line && line.amount_fen != null && s.refund ? cached('previewRefund', { program, line: { amount: line.amount_fen,
      item_paid_fen: first.items[0].paid_fen, basis: line.basis, ...(line.basis === 'rate' ? { rate_bp: line.rate_bp } : {}) },
    refunds: [{ amount_fen: s.refund, line_state: 'frozen' }] }) : null;
    // The budget against the merchant's real red-packet balance; a published campaign's is frozen already.
    const b = program.kind === 'campaign' && ed.balance && ed.status !== 'published' && ed.status !== 'ended'
      ? cached('previewBudget', { program, balance_fen: Number(ed.balance.balance), events: [{ type: 'publish' }] }) : null;
    // The switch's texts are to the minute: asking with the minute keeps the answer cached while typing.
    const m = program.kind === 'distribution' && s.attr_from && s.attr_to ? cached('previewModeSwitch',
      { settings: { program, mode: s.attr_from }, state: null, at_ms: Math.floor(Date.now() / 60000) * 60000, to: s.attr_to }) : null;
    const st = b && b.ok ? b.steps[0] : null;
    const amounts = [...(r && r.ok ? [s.refund, r.total_clawback, r.line_left] : []), ...(st ? [st.state.frozen_fen, st.state.balance_fen, program.commission_per_unit_fen] : [])];
    const texts = amounts.length ? cached('formatMoney', { amounts_fen: amounts }).texts.slice() : []; // a copy: the answer stays cached
    const out = [];
    if (r && r.ok) {
      const [refund, claw, left] = texts.splice(0, 3);
      out.push(`<div class="extra" id="refund-preview"><b>退款预览</b><p>退款 ${refund} 时，第 1 级佣金${r.policy === 'keep'
        ? '不扣回（按活动规则，已发佣金不退）' : `扣回 <span class="money">${claw}</span>，剩余 ${left}`}。</p></div>`);
    } else if (r) {
      out.push(`<div class="extra"><b>退款预览</b><p class="error">${esc(r.errors.map(App.zh).join('；'))}</p></div>`);
    }
    if (st) {
      const [frozen, after, per] = texts.splice(0, 3);
      const stock = program.product && program.product.stock;
      out.push(`<div class="extra" id="budget-preview" data-frozen-fen="${st.state.frozen_fen}" data-stock="${stock}"><b>佣金预算</b><p>红包账户余额 <span class="balance">${esc(balanceText())}</span>。` +
        `${st.refused ? `<span class="error">${esc(App.zh(st.refused))}</span>`
          : `发布时冻结 <span class="money">${frozen}</span>（库存 <span class="stock">${stock}</span> 件 × 每件佣金 ${per}），发布后余额 ${after}。`}</p></div>`);
    } else if (program.kind === 'campaign') {
      const frozen = ed.program && ed.program.frozen_text;
      const text = !ed.balance ? '红包账户余额读取中…'
        : ed.status === 'published' ? `活动进行中，佣金预算已冻结${frozen ? ` <span class="money">${esc(frozen)}</span>` : ''}。红包账户余额 <span class="balance">${esc(balanceText())}</span>。`
          : ed.status === 'ended' ? `活动已结束，未用完的佣金预算已退回红包账户。红包账户余额 <span class="balance">${esc(balanceText())}</span>。` : '';
      if (text) out.push(`<div class="extra" id="budget-preview"><b>佣金预算</b><p>${text}</p></div>`);
    }
    if (m && m.ok) out.push(`<div class="extra" id="switch-preview"><b>业绩归属切换</b><p>${esc(ShareEngine.explainZh(m.decision))}</p></div>`);
    return out.join('');
  }

  // Input -> the values at once; the preview at once or in the next animation frame (schedule):
  // several events before a frame (a select fires input and change; fast typing; a slow phone
  // catching up) cost at most one preview more.
  function onInput(ev) {
    const el = ev.target;
    if (!el.dataset || !el.dataset.key) return;
    const key = el.dataset.key;
    const value = el.type === 'checkbox' ? el.checked : el.value;
    if (ed.values[key] === value && ev.type === 'change') return; // the input event already took it
    ed.values[key] = value;
    // The server's refusal at this field is answered by editing it (and one without a field by any edit).
    if (ed.problems.length) {
      const at = el.closest('[data-path]');
      ed.problems = ed.problems.filter((p) => { const f = fieldFor(p.path); return f && f !== at; });
    }
    changed();
    // The sample's paid amount follows the price until the merchant types one (no arithmetic here).
    if (key === 'product.price_fen' && !ed.samplePaidEdited) { ed.values['s.paid'] = el.value; const p = $('[data-key="s.paid"]'); if (p) p.value = el.value; }
    if (key === 's.paid') ed.samplePaidEdited = true;
    if (['depth', 'mode', 'reward', 'password_protected'].includes(key)) ed.needForm = true;
    schedule(ev.timeStamp);
  }
  // The first input since the last frame is previewed at once (its work is done before the next
  // frame, as soon as possible); any more before that frame wait for it and cost one preview there.
  function schedule(since) {
    if (since != null && (ed.since === null || since < ed.since)) ed.since = since;
    if (ed.frame) return;
    if (!ed.framed) {
      ed.framed = true;
      requestAnimationFrame(() => { ed.framed = false; });
      flush();
      return;
    }
    ed.frame = requestAnimationFrame(flush);
  }
  function flush() {
    if (ed.frame) cancelAnimationFrame(ed.frame);
    ed.frame = 0;
    const since = ed.since;
    ed.since = null;
    const t0 = performance.now();
    if (ed.needForm) { ed.needForm = false; renderForm(); }
    preview();
    void $('#preview').offsetHeight; // the layout this frame does anyway, inside the measurement
    const end = performance.now();
    if (since !== null && ed.engine) {
      ed.timings.push(end - since);
      ed.work.push(end - t0);
      setText($('#timing'), `${(end - t0).toFixed(1)} ms`);
    }
    for (const resolve of ed.waiters.splice(0)) resolve();
  }
  // Resolves once no preview is pending (for tests: the DOM then shows the last input).
  ed.idle = () => new Promise((resolve) => (ed.frame ? ed.waiters.push(resolve) : resolve()));

  // ---- What is typed, what the server has, what is kept unsaved --------------------------------
  // The form's state (what a kind tab keeps while away and autosave stores). The password is
  // never stored: it goes to the server on save and nowhere else.
  function formState() {
    const { password: _, ...values } = ed.values;
    return { values, gradeCount: ed.gradeCount, buttonCount: ed.buttonCount, samplePaidEdited: !!ed.samplePaidEdited };
  }
  // What saving would change: the program's fields (not the sample order, which is never saved).
  function configSnap(state) {
    const v = {};
    for (const k of Object.keys(state.values).sort()) if (!k.startsWith('s.')) v[k] = state.values[k];
    return JSON.stringify([v, state.gradeCount, state.buttonCount]);
  }
  function applyState(state) {
    ed.values = { ...state.values };
    ed.gradeCount = state.gradeCount;
    ed.buttonCount = state.buttonCount;
    ed.samplePaidEdited = !!state.samplePaidEdited;
    renderForm();
  }
  // The state just loaded or saved: "unsaved" is anything typed since.
  function markSaved() {
    ed.savedState = formState();
    ed.saved = configSnap(ed.savedState);
  }
  const isDirty = () => ed.saved !== null && (configSnap(formState()) !== ed.saved || !!ed.values.password);

  // Autosave: localStorage per merchant and program ("new-<kind>" before the first save), written
  // 300 ms after the last edit and at once when the page is hidden or left.
  const draftKey = (id = ed.id, kind = ed.kind) => `editor-draft:${ed.merchantId}:${id || `new-${kind}`}`;
  let autosaveTimer = 0;
  function changed() {
    if (ed.draftReady) setText($('#dirty'), '有未保存的修改'); // autosave corrects it if the edit undid itself
    clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(autosave, 300);
  }
  function autosave() {
    clearTimeout(autosaveTimer);
    autosaveTimer = 0;
    if (!ed.draftReady || ed.saved === null) return;
    const dirty = isDirty();
    setText($('#dirty'), dirty ? '有未保存的修改' : '');
    try {
      if (dirty && configSnap(formState()) !== ed.saved) {
        localStorage.setItem(draftKey(), JSON.stringify({ v: 1, kind: ed.kind, at_ms: Date.now(),
          base_ms: ed.program && ed.program.updated_ms != null ? Number(ed.program.updated_ms) : null, ...formState() }));
      } else {
        localStorage.removeItem(draftKey());
      }
    } catch (e) { /* private mode or full: the warning before leaving still stands */ }
  }
  function readDraft(key) {
    try {
      const d = JSON.parse(localStorage.getItem(key));
      return d && d.v === 1 && d.values && typeof d.values === 'object' ? d : null;
    } catch (e) { return null; }
  }
  function dropDraft(key = draftKey()) {
    try { localStorage.removeItem(key); } catch (e) { /* private mode */ }
  }
  // A draft of this program that differs from what the server has: back into the form, with a
  // notice and a way to discard it. A published campaign's locked fields keep the server's values.
  function offerDraft() {
    const d = readDraft(draftKey());
    if (!d || d.kind !== ed.kind) return false;
    const state = { values: { ...ed.savedState.values, ...d.values }, gradeCount: Number(d.gradeCount) || 0,
      buttonCount: Math.min(MAX_BUTTONS, Number(d.buttonCount) || 0), samplePaidEdited: !!d.samplePaidEdited };
    if (ed.kind === 'distribution') state.gradeCount = Math.min(5, state.gradeCount);
    for (const path of LOCKED[ed.status] || []) if (ed.kind === 'campaign') state.values[path] = ed.savedState.values[path];
    if (configSnap(state) === ed.saved) { dropDraft(); return false; }
    applyState(state);
    const later = ed.program && d.base_ms != null && Number(ed.program.updated_ms) > d.base_ms;
    $('#restored-text').innerHTML = `已恢复未保存的修改<span class="nowrap">（${esc(ShareEngine.formatCst(Number(d.at_ms), true))}）</span>${later ? '。此方案之后在别处保存过，请核对后再保存' : ''}`;
    $('#restored').hidden = false;
    setText($('#dirty'), '有未保存的修改');
    return true;
  }
  function discardDraft() {
    dropDraft();
    applyState(ed.savedState);
    ed.values.password = '';
    $('#restored').hidden = true;
    setText($('#dirty'), '');
    ed.problems = [];
    flush();
    toast('已放弃未保存的修改');
  }

  // ---- The server: balance, program, save, publish ------------------------------------------------
  async function loadBalance() {
    try {
      ed.balance = await App.merchant('GET', '/api/merchant/balance');
      ed.balanceError = null;
    } catch (err) {
      ed.balanceError = err.message;
    }
  }
  // The balance's text: the server's when it sends one, else the engine's (once per amount).
  function balanceText() {
    const b = ed.balance;
    if (!b) return '';
    if (b._fen !== b.balance) { b._fen = b.balance; b._text = b.balance_text || App.money(ed.engine, [Number(b.balance)])[0]; }
    return b._text;
  }
  // One program with its config: GET …/programs/:id, or (a server without that route yet) the list.
  async function fetchProgram(id) {
    try {
      const r = await App.merchant('GET', `/api/merchant/programs/${id}`);
      const p = r.program || r;
      if (p && p.config) return p;
    } catch (err) {
      if (err.status !== 404) throw err;
    }
    const list = await App.merchant('GET', '/api/merchant/programs');
    return (list.programs || []).find((x) => Number(x.program_id) === id && x.config) || null;
  }

  function passwordMissing(program) {
    return program.kind === 'campaign' && program.password_protected === true && !ed.hasPassword && !String(ed.values.password || '').trim();
  }
  function setBusy(busy) {
    ed.busy = busy;
    $('#save').disabled = busy;
    $('#publish').disabled = busy;
  }
  // The first field marked bad, scrolled into view under the sticky header and focused.
  function showFirstBad() {
    const el = [...ed.marks].find(([, m]) => m.cls === 'bad');
    const field = el ? el[0] : $('#form-errors');
    field.scrollIntoView({ block: 'center' });
    const input = field.querySelector && field.querySelector('input, select');
    if (input && !input.disabled) input.focus({ preventScroll: true });
  }

  // Save (create or update) and publish through the merchant API. What the page can tell is wrong
  // (the engine's errors, an unreadable field, a gated campaign without a password) is refused at
  // its field before anything is sent; the server's errors land at their fields too.
  async function save(publish) {
    if (ed.busy || !ed.engine || ed.saved === null) return null;
    ed.problems = [];
    const { program, local } = build();
    const v = cached('validateProgram', { program });
    const password = String(ed.values.password || '').trim();
    if (publish && passwordMissing(program)) ed.problems.push({ code: 'E_PASSWORD_REQUIRED', path: 'password', message: '' });
    if (password.length > 64) ed.problems.push({ code: 'E_TOO_LONG', path: 'password', message: '' });
    if (!v.ok || local.length || ed.problems.length) {
      flush();
      const n = new Set([...ed.marks].filter(([, m]) => m.cls === 'bad').map(([el]) => el)).size;
      if (!$('#form-errors').textContent) setText($('#form-errors'), `有 ${n} 处需要修改，已在表单中标出`);
      showFirstBad();
      toast(publish ? '还不能发布：请先修改标出的内容' : '还不能保存：请先修改标出的内容', 'error');
      return null;
    }
    const { program_id: _, ...config } = program;
    setBusy(true);
    setText($('#form-errors'), '');
    try {
      let r;
      if (ed.id) {
        r = await App.merchant('PUT', `/api/merchant/programs/${ed.id}`, { config });
      } else {
        // One key per new program: a repeated request (an answer lost on the way) makes one draft.
        r = await App.merchant('POST', '/api/merchant/programs', { config, idem_key: ed.createKey });
        // The server's id from now on: the address, the draft's key.
        dropDraft(draftKey(null));
        ed.id = Number(r.program_id);
        history.replaceState(null, '', `${location.pathname}?id=${ed.id}`);
      }
      ed.status = r.status;
      if (password) {
        await App.merchant('PUT', `/api/merchant/programs/${ed.id}/password`, { password });
        ed.hasPassword = true;
        ed.values.password = '';
        ed.needForm = true; // its placeholder now says it is set
      }
      markSaved();
      dropDraft();
      $('#restored').hidden = true;
      if (publish && ed.status === 'draft') {
        r = await App.merchant('POST', `/api/merchant/programs/${ed.id}/publish`);
        ed.status = r.status;
      }
      const [p] = await Promise.all([fetchProgram(ed.id).catch(() => null), loadBalance()]);
      if (p) { ed.program = p; ed.status = p.status || ed.status; ed.hasPassword = !!p.has_password || ed.hasPassword; }
      ed.needForm = true; // locked fields once published
      showStatus();
      flush();
      setText($('#dirty'), '');
      toast(publish ? '已发布' : ed.status === 'draft' ? '草稿已保存' : '修改已保存');
      return r;
    } catch (err) {
      ed.problems = err.errors && err.errors.length ? err.errors : [{ code: err.code || 'E_INTERNAL', path: '', message: err.message }];
      showStatus();
      flush();
      showFirstBad();
      toast(ed.problems.map(zhAt).filter((t, i, all) => all.indexOf(t) === i).join('；'), 'error');
      return null;
    } finally {
      setBusy(false);
    }
  }
  function showStatus() {
    const S = { draft: ['草稿', 'orange'], published: ['已发布', 'green'], ended: ['已结束', 'grey'] };
    const [t, c] = S[ed.status] || ['新方案', ''];
    const status = $('#program-status');
    status.className = `pill ${c}`;
    status.innerHTML = esc(t) + (ed.id && ed.kind === 'campaign' ? ` · <a href="activity.html?id=${ed.id}">活动页</a>` : '');
    $('#program-id').textContent = ed.id ? String(ed.id) : '保存后生成';
    // A live (or ended) program's changes apply at once: "保存修改"; it is not published again.
    const live = ed.status === 'published' || ed.status === 'ended';
    $('#save').textContent = live ? '保存修改' : '保存草稿';
    $('#publish').hidden = live;
    document.body.dataset.status = ed.status || 'new';
    $$('#kind-tabs button').forEach((b) => b.classList.toggle('on', b.dataset.kind === ed.tab));
  }

  // Existing program -> form texts. Amounts come back as the engine's texts without the sign.
  function adopt(p) {
    const e = ed.engine;
    ed.kind = p.kind;
    ed.id = Number(p.program_id);
    ed.status = p.status;
    ed.program = p;
    ed.hasPassword = !!p.has_password;
    ed.problems = [];
    ed.samplePaidEdited = false;
    const c = p.config;
    const v = defaults(p.kind);
    const flat = (obj, prefix) => {
      for (const [k, val] of Object.entries(obj)) {
        const path = prefix + (Array.isArray(obj) ? `[${k}]` : (prefix ? '.' : '') + k);
        if (val !== null && typeof val === 'object') flat(val, path);
        else v[path.replace(/\.\[/g, '[')] = val;
      }
    };
    // A stored program's grades are its own: none of the sample grades' fields stay behind.
    for (const k of Object.keys(v)) if (k.startsWith('grades[') || k === 'grade_upgrade') delete v[k];
    flat(c, '');
    delete v.program_id;
    ed.gradeCount = (c.grades || []).length;
    ed.buttonCount = Math.min(MAX_BUTTONS, (c.footer_buttons || []).length);
    ed.values = v;
    renderForm();
    for (const [path, type] of Object.entries(ed.types)) {
      const val = v[path];
      if (val == null || path.startsWith('s.')) continue;
      if (type === 'yuan') v[path] = App.money(e, [val])[0].replace('¥', '');
      else if (type === 'pct') v[path] = App.percentText(val).replace('%', '');
      else if (type === 'time') v[path] = toLocal(val);
      else if (type === 'list') v[path] = Array.isArray(val) ? val.join(',') : String(val);
      else if (type === 'int' || type === 'enum') v[path] = String(val);
    }
    if (c.allowed_regions) v.allowed_regions = c.allowed_regions.join(',');
    if (c.kind === 'campaign' && c.product && c.product.price_fen != null) v['s.paid'] = v['product.price_fen'];
    renderForm();
    markSaved();
  }
  function startNew(kind) {
    ed.kind = kind;
    ed.createKey = App.idem('program');
    ed.id = null;
    ed.status = null;
    ed.program = null;
    ed.hasPassword = false;
    ed.problems = [];
    ed.samplePaidEdited = false;
    ed.gradeCount = kind === 'distribution' ? 2 : 0;
    ed.buttonCount = 0;
    ed.values = defaults(kind);
    renderForm();
    markSaved();
  }

  // The kind tabs: each kind keeps its program (and what is typed in it) while the other is shown;
  // 数据看板 only hides the form. The address names what is edited (?id= or ?kind=).
  const STASH = ['kind', 'id', 'status', 'program', 'hasPassword', 'savedState', 'saved', 'problems', 'createKey'];
  function switchTab(tab) {
    if (ed.busy && tab !== 'stats' && tab !== ed.kind) return; // a save in flight belongs to this program
    ed.tab = tab;
    const stats = tab === 'stats';
    $('#stats').hidden = !stats;
    $('#form').hidden = stats;
    $('#preview').hidden = stats;
    document.body.classList.toggle('show-stats', stats);
    if (stats) { showStatus(); EditorStats.load($('#stats-body')); return; }
    if (tab !== ed.kind && ed.saved !== null) {
      autosave();
      ed.slots[ed.kind] = { ...Object.fromEntries(STASH.map((k) => [k, ed[k]])), state: formState(), password: ed.values.password,
        notice: $('#restored').hidden ? null : $('#restored-text').innerHTML };
      $('#restored').hidden = true;
      const slot = ed.slots[tab];
      if (slot) {
        for (const k of STASH) ed[k] = slot[k];
        applyState(slot.state);
        ed.values.password = slot.password;
        if (slot.notice) { $('#restored-text').innerHTML = slot.notice; $('#restored').hidden = false; }
      } else {
        startNew(tab);
        if (ed.draftReady) offerDraft();
      }
      setText($('#dirty'), isDirty() ? '有未保存的修改' : '');
    }
    if (ed.saved !== null) history.replaceState(null, '', `${location.pathname}?${ed.id ? `id=${ed.id}` : `kind=${ed.kind}`}`);
    showStatus();
    flush();
  }

  $('#form').addEventListener('input', onInput);
  $('#form').addEventListener('change', (ev) => { if (ev.target.tagName === 'SELECT' || ev.target.type === 'checkbox' || ev.target.type === 'datetime-local') onInput(ev); });
  $('#form').addEventListener('click', (ev) => {
    const d = ev.target.dataset || {};
    if (d.grades) ed.gradeCount = Math.max(0, Math.min(5, ed.gradeCount + Number(d.grades)));
    else if (d.buttons) ed.buttonCount = Math.max(0, Math.min(MAX_BUTTONS, ed.buttonCount + Number(d.buttons)));
    else return;
    ed.needForm = true;
    changed();
    schedule(ev.timeStamp);
  });
  $('#kind-tabs').onclick = (ev) => { if (ev.target.dataset.kind) switchTab(ev.target.dataset.kind); };
  $('#save').onclick = () => save(false);
  $('#publish').onclick = () => save(true);
  $('#refresh-stats').onclick = () => EditorStats.load($('#stats-body'));
  $('#discard').onclick = discardDraft;
  $('#keep').onclick = () => { $('#restored').hidden = true; };
  // Leaving with unsaved changes: kept (autosave) and warned about; hidden (another tab, the phone
  // locked, WeChat in the background): kept at once.
  addEventListener('beforeunload', (ev) => {
    autosave();
    if (!ed.leaving && isDirty()) { ev.preventDefault(); ev.returnValue = ''; }
  });
  addEventListener('pagehide', autosave);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') autosave(); });
  addEventListener('app:signin', () => { autosave(); ed.leaving = true; }); // to the console's sign-in: kept, no warning
  ed.save = save;
  ed.preview = flush; // now, without waiting for a frame
  ed.autosave = autosave;
  ed.dirty = isDirty;

  // Does this module know the campaign's logo and footer buttons? (An older one refuses them as
  // unknown fields; the form then keeps them but does not send them.)
  function knowsLinks(e) {
    const r = e.call('validateProgram', { program: { kind: 'campaign', logo_url: '', footer_buttons: [] } });
    return !(r.errors || []).some((p) => p.code === 'E_UNKNOWN_FIELD' && /^program\.(logo_url|footer_buttons)$/.test(p.path));
  }

  (async function main() {
    const want = Number(App.query.get('id'));
    const kind = App.query.get('kind');
    // The form shows before the module is ready (a program to load waits for it: its amounts are
    // the engine's texts).
    if (want) {
      ed.kind = null;
      $('#fields').innerHTML = '<p class="muted">正在读取方案…</p>';
      setBusy(true);
    } else {
      startNew(kind === 'distribution' ? 'distribution' : 'campaign');
    }
    ed.tab = kind === 'stats' ? 'stats' : ed.kind || 'campaign';
    if (kind === 'stats') switchTab('stats');
    showStatus();
    const balance = loadBalance();
    try {
      // Who is signed in (no one: App.merchant sends the browser to the console's sign-in).
      const me = App.staff();
      me.catch(() => {}); // awaited below, after the module
      ed.engine = await App.engine();
      $('#engine-version').textContent = ed.engine.version().engine;
      ed.links = knowsLinks(ed.engine);
      const who = await me;
      ed.merchantId = who.merchant.merchant_id;
      ed.staff = who.staff;
      $('#engine-status').textContent = who.staff.name || '';
      if (want) {
        const p = await fetchProgram(want);
        setBusy(false);
        if (!p) {
          $('#fields').innerHTML = `<p class="error">没有找到编号为 ${want} 的方案（可能已删除，或不属于当前店铺）。</p>` +
            '<p><a href="/console/">返回后台</a> · <a href="editor.html?kind=campaign">新建分销宝活动</a></p>';
          $('#sample').innerHTML = '';
          $('#save').disabled = true;
          $('#publish').disabled = true;
          document.body.dataset.ready = '1';
          document.body.dataset.missing = '1';
          return;
        }
        adopt(p);
        if (ed.tab !== 'stats') ed.tab = ed.kind;
      } else if (!ed.links) {
        renderForm();
      }
      ed.draftReady = true;
      if (!isDirty()) offerDraft();
      else autosave();
      await balance;
      showStatus();
      flush();
      document.body.dataset.ready = '1';
    } catch (err) {
      setBusy(false);
      if (err.code === 'E_SESSION') { $('#engine-status').textContent = '请先登录'; return; }
      $('#engine-status').textContent = ed.engine ? '' : '预览加载失败';
      setText($('#form-errors'), ed.engine ? `读取失败：${err.message}` : '预览加载失败，请刷新页面重试');
      toast(err.message, 'error');
    }
  })();
})();
