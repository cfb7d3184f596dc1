// What every page shares: the session (development login with ?user=), the merchant console's
// session (cookie + CSRF token) for merchant pages, a fetch wrapper that turns {ok:false, errors}
// into zh-CN text, the engine loaded once in the background, and money texts from the engine
// (formatMoney), so no page formats fen itself. Global `App`.
(function (root) {
  'use strict';
  const MERCHANT_ID = 1;
  const q = new URLSearchParams(location.search);

  // Demo people for the user picker; any ?user=<id> works too.
  const PEOPLE = [
    { id: 101, name: '张小红（推广员）' }, { id: 102, name: '李明（推广员）' },
    { id: 201, name: '王芳（顾客）' }, { id: 202, name: '赵磊（顾客）' },
  ];

  function userId() {
    const fromQuery = Number(q.get('user'));
    if (Number.isSafeInteger(fromQuery) && fromQuery > 0) {
      try { localStorage.setItem('demo_user', String(fromQuery)); } catch (e) { /* private mode */ }
      return fromQuery;
    }
    let stored = 0;
    try { stored = Number(localStorage.getItem('demo_user')); } catch (e) { /* private mode */ }
    return Number.isSafeInteger(stored) && stored > 0 ? stored : 201;
  }

  // Server codes the engine's table does not know (docs/server.md); the withdrawal refusals
  // (E_THRESHOLD, E_MIN, E_MAX, …) are the engine's own.
  const SERVER_ZH = {
    E_PHASE: '活动不在进行中', E_SOLD_OUT: '库存不足', E_BUYERS_FULL: '购买人数已满', E_PURCHASE_LIMIT: '已达到每人限购数量',
    E_NOT_DISTRIBUTOR: '请先申请成为推广员', E_SESSION: '登录已失效，请刷新页面', E_API_KEY: '商家密钥无效',
    E_ORDER_STATE: '订单状态已变化',
    E_WITHDRAWAL_STATE: '提现状态已变化', E_LOCKED_FIELD: '活动发布后不能修改此项', E_NOT_FOUND: '内容不存在',
    E_DEV_ONLY: '仅开发环境可用', E_APPLY_PHONE: '请先绑定手机号', E_APPLY_SPENT: '累计消费金额未达到申请条件',
    E_APPLY_ORDERS: '累计下单数未达到申请条件', E_APPLY_TAG: '仅限商家指定的用户申请', E_INTERNAL: '服务器开小差了，请稍后再试', E_NETWORK: '网络不给力，请稍后再试',
    // The merchant console's (docs/console.md).
    E_CSRF: '页面已过期，请刷新页面后重试', E_ROLE: '当前账号没有此操作的权限', E_LOGIN: '登录名或密码不正确',
    E_RATE_LIMIT: '尝试次数过多，请等 1 分钟后再试', E_STATE: '当前状态下不能执行此操作，请刷新后查看',
    E_PASSWORD_REQUIRED: '已开启活动密码，请先设置活动密码再发布', E_DUPLICATE: '已存在，请换一个',
    E_STOCK: '减少的数量不能超过未售出的库存', E_KIND: '该方案类型不支持此操作',
    // Withdrawals and distributors (issue 13).
    E_PAYEE: '收款账户信息不正确，请检查后重新填写', E_FROZEN: '您的推广员资格已被冻结，暂不能提现',
  };
  function zh(problem) {
    const m = root.ShareEngine ? root.ShareEngine.messageZh(problem) : problem.message;
    return m !== problem.message ? m : SERVER_ZH[problem.code] || problem.message || problem.code;
  }

  class ApiError extends Error {
    constructor(status, errors) {
      super(errors.map(zh).join('；'));
      this.status = status;
      this.errors = errors;
      this.code = errors[0] && errors[0].code;
    }
  }

  async function request(method, url, body, headers) {
    let res;
    try {
      res = await fetch(url, {
        method, credentials: 'same-origin', headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, [{ code: 'E_NETWORK', path: '', message: e.message }]);
    }
    let data;
    try { data = await res.json(); } catch (e) { data = { ok: false, errors: [{ code: 'E_INTERNAL', path: '', message: `HTTP ${res.status}` }] }; }
    if (!data.ok) throw new ApiError(res.status, data.errors || []);
    return data;
  }

  let sessionPromise = null;
  function session() {
    const id = userId();
    sessionPromise = sessionPromise || (async () => {
      const key = `demo_session_${id}`;
      try { const s = sessionStorage.getItem(key); if (s) return s; } catch (e) { /* private mode */ }
      const r = await request('POST', '/api/dev/login', { merchant_id: MERCHANT_ID, user_id: id });
      try { sessionStorage.setItem(key, r.session); } catch (e) { /* private mode */ }
      return r.session;
    })();
    return sessionPromise;
  }

  async function api(method, url, body) {
    const s = await session();
    try {
      return await request(method, url, body, { authorization: `Bearer ${s}` });
    } catch (e) {
      if (e.code !== 'E_SESSION') throw e;
      try { sessionStorage.removeItem(`demo_session_${userId()}`); } catch (x) { /* private mode */ }
      sessionPromise = null; // expired: sign in once more
      return request(method, url, body, { authorization: `Bearer ${await session()}` });
    }
  }

  // The merchant console's session: the HttpOnly cookie `sid` goes with every same-origin request;
  // a write also carries the session's CSRF token, read once from GET /api/console/me (which also
  // says who is signed in). No page carries an API key.
  let consolePromise = null;
  function staff(fresh) {
    if (fresh || !consolePromise) {
      consolePromise = request('GET', '/api/console/me').catch((e) => { consolePromise = null; signInIfEnded(e); throw e; });
    }
    return consolePromise;
  }
  // Signed out (never signed in, expired, revoked): to the console's sign-in, which comes back here.
  function signInUrl() {
    return '/console/?return=' + encodeURIComponent(location.pathname + location.search + location.hash);
  }
  let leaving = false;
  function signInIfEnded(e) {
    if (!e || e.status !== 401 || e.code !== 'E_SESSION' || leaving) return;
    leaving = true;
    root.dispatchEvent(new CustomEvent('app:signin')); // a page keeps what is unsaved before it goes
    location.assign(signInUrl());
  }
  async function merchant(method, url, body) {
    const write = method !== 'GET' && method !== 'HEAD';
    try {
      const headers = write ? { 'x-csrf-token': (await staff()).csrf } : undefined;
      try {
        return await request(method, url, body, headers);
      } catch (e) {
        if (e.code !== 'E_CSRF' || !write) throw e;
        // Signed in again (another tab) since the token was read: once more with the new one.
        return await request(method, url, body, { 'x-csrf-token': (await staff(true)).csrf });
      }
    } catch (e) {
      signInIfEnded(e);
      throw e;
    }
  }

  // The module loads once, in the background; pages render first and fill numbers in when ready.
  // A WeChat mini-program build would pass its own factory here (WXWebAssembly) instead.
  let enginePromise = null;
  function engine() {
    enginePromise = enginePromise || new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/engine/share_engine.js';
      s.async = true;
      s.onload = () => root.ShareEngine.loadEngine({ locateFile: (f) => '/engine/' + f }).then(resolve, reject);
      s.onerror = () => reject(new Error('engine script failed to load'));
      document.head.appendChild(s);
    });
    return enginePromise;
  }

  // Money texts from the engine, in order: money(e, [9900, 990]) -> ['¥99.00', '¥9.90'].
  function money(e, amounts) {
    return e.formatMoney(amounts.map(Number)).texts;
  }

  // "9.9" / "9.90" / "10" -> 990 (string digits only; no floating point). null when not a price.
  // Full-width digits (１２) and the Chinese full stop (。) are refused, not guessed at: a phone's
  // Chinese keyboard types them, and "１２。５" read as 12.5 could as well be a typo; the person is
  // told to type half-width (amountError), as the console does (docs/console.md).
  const WIDE = /[\uff10-\uff19\u3002\uff0e\uff61]/; // ０…９ 。 ． ｡
  function parseYuan(text) {
    const m = /^\s*(\d{1,13})(?:\.(\d{0,2}))?\s*$/.exec(String(text));
    if (!m) return null;
    const fen = Number(m[1] + (m[2] || '').padEnd(2, '0'));
    return Number.isSafeInteger(fen) ? fen : null;
  }
  // Why a typed amount was refused, in words, or null when it is one (parseYuan's rules).
  function amountError(text, what = '金额') {
    if (parseYuan(text) !== null) return null;
    const t = String(text == null ? '' : text).trim();
    if (t === '') return `请输入${what}`;
    if (WIDE.test(t)) return `不支持全角数字和“。”，请用半角输入${what}，如 ${what === '金额' ? '9.90' : '12.5'}`;
    return `请输入${what}，最多两位小数`;
  }
  // "12.5" (percent) -> 1250 bp, same rule.
  const parsePercent = parseYuan;
  function percentText(bp) {
    const s = String(bp).padStart(3, '0');
    const frac = s.slice(-2).replace(/0+$/, '');
    return s.slice(0, -2) + (frac ? '.' + frac : '') + '%';
  }

  const $ = (sel, el = document) => el.querySelector(sel);
  const $$ = (sel, el = document) => [...el.querySelectorAll(sel)];
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }
  let toastTimer = null;
  function toast(text, kind = '') {
    let t = $('#toast');
    if (!t) { t = document.createElement('div'); t.id = 'toast'; t.setAttribute('role', 'status'); document.body.appendChild(t); }
    t.textContent = text;
    t.className = 'show ' + kind;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.className = ''; }, 2600);
  }
  function idem(prefix) {
    return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  }

  // A small user switcher in the page header (development only: the server refuses dev login otherwise).
  function userPicker(el) {
    const id = userId();
    const known = PEOPLE.some((p) => p.id === id);
    el.innerHTML = `<select aria-label="切换演示用户">${(known ? PEOPLE : [{ id, name: `用户 ${id}` }, ...PEOPLE])
      .map((p) => `<option value="${p.id}"${p.id === id ? ' selected' : ''}>${esc(p.name)}</option>`).join('')}</select>`;
    el.firstChild.addEventListener('change', (ev) => {
      const u = new URLSearchParams(location.search);
      u.set('user', ev.target.value);
      location.search = u.toString();
    });
  }

  // China time (UTC+8) from integer ms, for dates shown to people.
  const cst = (ms) => (root.ShareEngine ? root.ShareEngine.formatCst(Number(ms), true) : '');

  root.App = {
    MERCHANT_ID, PEOPLE, query: q, userId, session, api, merchant, staff, signInUrl, engine, money, zh, ApiError,
    parseYuan, parsePercent, amountError, percentText, $, $$, esc, toast, idem, userPicker, cst,
  };
})(window);
