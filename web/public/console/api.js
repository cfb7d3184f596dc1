// The console's API client: fetch with the session cookie (same origin), the CSRF token on every
// request that writes, {ok:false, errors} turned into an ApiError whose message is Chinese
// (ConsoleLabels), and a lost session handed to the app (it shows the sign-in). No API key
// anywhere in the page. Also the console's one piece of money arithmetic: parsing what a person
// typed (yuan text -> integer fen, by string digits, never floats). Global `ConsoleApi`.
(function (root) {
  'use strict';
  const L = root.ConsoleLabels;

  class ApiError extends Error {
    constructor(status, errors) {
      const list = errors && errors.length ? errors : [{ code: 'E_INTERNAL', path: '' }];
      super(list.map(L.messageOf).filter((m, i, a) => a.indexOf(m) === i).join('；'));
      this.status = status;
      this.errors = list;
      this.code = list[0].code;
    }
  }

  const state = { csrf: '', onSession: null };
  // What every screen reads: who is signed in, and whether the screen is a phone's.
  const store = root.Vue.reactive({ me: null, phone: false });
  const can = (permission) => Boolean(store.me && (store.me.permissions || []).includes(permission));

  async function request(method, url, body, retried = false) {
    const headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && state.csrf) headers['x-csrf-token'] = state.csrf;
    let res;
    try {
      res = await fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new ApiError(0, [{ code: 'E_NETWORK', path: '' }]);
    }
    let data = null;
    try { data = await res.json(); } catch (e) { /* not JSON */ }
    if (!data || typeof data !== 'object') {
      const code = res.status === 429 ? 'E_RATE_LIMIT' : res.status === 401 ? 'E_SESSION' : 'E_INTERNAL';
      data = { ok: false, errors: [{ code, path: '' }] };
    }
    if (data.ok === false || !res.ok) {
      let errors = Array.isArray(data.errors) ? data.errors : [];
      if (!errors.length) errors = [{ code: res.status === 429 ? 'E_RATE_LIMIT' : 'E_INTERNAL', path: '' }];
      // E_ROLE answers name who may (`roles`), in the error or beside it.
      errors = errors.map((e) => (e.code === 'E_ROLE' && !e.roles && data.roles ? { ...e, roles: data.roles } : e));
      if (res.status === 429) errors = errors.map((e) => (e.code === 'E_RATE_LIMIT' || !L.CODES[e.code] ? { ...e, code: 'E_RATE_LIMIT' } : e));
      const err = new ApiError(res.status, errors);
      // 429: how long to wait, in seconds (the Retry-After header), when the server says so.
      const wait = Number(res.headers.get('retry-after'));
      if (res.status === 429 && Number.isInteger(wait) && wait > 0) err.retryAfter = wait;
      // A CSRF token that is not this session's (signed in again in another tab: the cookie is the
      // new session's): nothing was written; take the session's token and send once more.
      if (res.status === 403 && err.code === 'E_CSRF' && !retried && url !== '/api/console/me') {
        let me = null;
        try { me = await request('GET', '/api/console/me', undefined, true); } catch (e) { /* signed out: the shell shows the sign-in */ }
        if (me && me.csrf && me.csrf !== state.csrf) {
          state.csrf = me.csrf;
          if (state.onMe) state.onMe(me);
          return request(method, url, body, true);
        }
      }
      // A session that is gone (expired, logged out elsewhere): back to the sign-in.
      if (res.status === 401 && (err.code === 'E_SESSION' || err.code === 'E_API_KEY') && state.onSession) state.onSession();
      throw err;
    }
    return data;
  }

  const qs = (params) => {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
    const s = u.toString();
    return s ? `?${s}` : '';
  };

  // One key per opened dialog: a double click, or a retry of the same submission, acts once.
  function idemKey(prefix) {
    const rnd = root.crypto && root.crypto.getRandomValues ? Array.from(root.crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('')
      : Math.random().toString(36).slice(2, 12);
    return `${prefix}-${Date.now().toString(36)}-${rnd}`;
  }

  // "12.5" -> {fen: 1250}; a typed amount is digits, at most two decimals. Full-width digits
  // (１２．５) are refused with a message saying so. String concatenation only, no floats.
  const FULL_WIDTH = /[\uff10-\uff19\uff0e\uff0c\u3002\uffe5]/;
  function parseYuan(text) {
    const s = String(text == null ? '' : text).trim().replace(/^¥/, '').trim();
    if (!s) return { error: '请输入金额' };
    if (FULL_WIDTH.test(s)) return { error: '请使用半角数字输入金额（如 12.50），不要用全角字符' };
    if (/^-/.test(s)) return { error: '金额不能为负数' };
    const m = /^(\d{1,16})(?:\.(\d*))?$/.exec(s);
    if (!m) return { error: '请输入正确的金额，如 12.50' };
    if (m[2] && m[2].length > 2) return { error: '金额最多保留两位小数' };
    const fen = Number(m[1] + (m[2] || '').padEnd(2, '0'));
    if (!Number.isSafeInteger(fen)) return { error: '金额过大' };
    if (fen === 0) return { error: '金额须大于 0' };
    return { fen };
  }
  // "+20" / "-5" -> {value}; a signed whole number of units.
  function parseCount(text, { signed = false, min = null } = {}) {
    const s = String(text == null ? '' : text).trim();
    if (!s) return { error: '请输入数量' };
    if (/[\uff10-\uff19\uff0b\uff0d]/.test(s)) return { error: '请使用半角数字，不要用全角字符' };
    const m = (signed ? /^([+-]?)(\d{1,9})$/ : /^()(\d{1,15})$/).exec(s);
    if (!m) return { error: signed ? '请输入整数，增加填正数，减少填负数（如 -5）' : '请输入整数' };
    const value = Number(m[1] === '-' ? `-${m[2]}` : m[2]);
    if (min !== null && value < min) return { error: `不能小于 ${min}` };
    return { value };
  }

  // China-time day ("2026-12-04") -> ms of its 00:00 (UTC+8), for date filters. Time arithmetic,
  // not money.
  function cstDayStart(day) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(day || ''));
    if (!m) return null;
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 8 * 3600000;
  }

  // Times the server did not send as text: the engine facade's China-time words.
  function timeText(ms) {
    if (ms === null || ms === undefined || ms === '' || !Number.isFinite(Number(ms))) return '—';
    return root.ShareEngine && root.ShareEngine.formatCst ? root.ShareEngine.formatCst(Number(ms), true) : '—';
  }
  // The server's text for a field (`x_text` beside `x_fen` / `x_ms`), never formatted here.
  function text(row, field) {
    if (!row) return '—';
    const has = (k) => row[k] !== undefined && row[k] !== null && row[k] !== '';
    const base = field.replace(/_(fen|ms)$/, '');
    const candidates = [`${field}_text`];
    if (/_ms$/.test(field)) candidates.push(`${base}_time_text`, `${base}_at_text`);
    // `paid_text` is the money of `paid_fen`; for a time it counts only when there is no such money.
    if (!/_ms$/.test(field) || !has(`${base}_fen`)) candidates.push(`${base}_text`);
    for (const k of candidates) if (has(k)) return String(row[k]);
    if (/_ms$/.test(field)) return timeText(row[field]);
    return '—';
  }

  // A keyset list's first `want` rows again (as many pages as a screen had shown), after an
  // action changed some of them: {rows, next}. `key` names the answer's list.
  async function reload(url, query, key, want) {
    let rows = [];
    let next = null;
    let before;
    do {
      const r = await request('GET', url + qs({ ...query, limit: Math.min(100, want - rows.length), before }));
      rows = rows.concat(r[key] || []);
      next = r.next === undefined ? null : r.next;
      before = next;
    } while (next !== null && rows.length < want);
    return { rows, next };
  }

  root.ConsoleApi = {
    ApiError, state, store, can, request, qs, idemKey, parseYuan, parseCount, cstDayStart, timeText, text, reload,
    get: (url, params) => request('GET', url + qs(params)),
    post: (url, body = {}) => request('POST', url, body),
    put: (url, body = {}) => request('PUT', url, body),
    del: (url) => request('DELETE', url),
  };
})(window);
