// JS facade of the share-and-earn engine (WASM). Loads the module once and exposes the same verbs
// as the C++ API, taking and returning plain objects. A failed call throws EngineError with the
// engine's stable `code`, the JSON `path` of the field and an English `message`; `call()` returns
// the raw {ok, errors} result instead, for callers that prefer data to exceptions.
// Works as CommonJS in Node and as a global `ShareEngine` in a page (after share_engine.js).
(function (root, define) {
  if (typeof module === 'object' && module.exports) module.exports = define();
  else root.ShareEngine = define();
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  const isNode = typeof process === 'object' && !!(process.versions && process.versions.node) &&
    typeof window === 'undefined';
  // A request larger than this is refused before it reaches WASM memory.
  const MAX_REQUEST_CHARS = 64 * 1024 * 1024;

  class EngineError extends Error {
    constructor(errors) {
      const first = errors[0] || { code: 'E_UNKNOWN', path: '', message: 'unknown error' };
      super(errors.map((e) => `${e.code} at ${e.path || '(request)'}: ${e.message}`).join('; '));
      this.name = 'EngineError';
      this.code = first.code;
      this.path = first.path;
      this.errors = errors;
    }
  }

  // Facade verb -> builds the request object from the arguments. The module lists its verbs
  // (`_entryPoints`, from src/api/entry_points.h) and the facade defines one for each: a verb
  // missing here takes one request object as it is.
  const API = {
    // The engine's limits (chain depth, grades, footer buttons, ...), for pages and servers that
    // would otherwise copy the numbers.
    limits: () => ({}),
    // Every reason code an attribution decision can carry (explainZh has a sentence for each).
    attributionReasons: () => ({}),
    validateProgram: (program) => ({ program }),
    previewOrder: (program, order) => ({ program, order }),
    previewBatch: (program, orders) => ({ program, orders }),
    previewGrades: (program, order) => ({ program, order }),
    previewRefund: (program, line, refunds) => ({ program, line, refunds }),
    previewBudget: (program, balance_fen, events) => ({ program, balance_fen, events }),
    // Gates and countdown (docs/gates.md).
    evaluateGate: (program, now_ms, user, state) => ({ program, now_ms, user, ...(state ? { state } : {}) }),
    campaignCountdown: (program, now_ms) => ({ program, now_ms }),
    campaignDisplay: (program, now_ms, view = {}) => ({ program, now_ms, ...view }),
    regionInfo: (code, allowed_regions) => ({ code, ...(allowed_regions ? { allowed_regions } : {}) }),
    passwordLockState: (now_ms, wrong_tries_ms) => ({ now_ms, wrong_tries_ms }),
    // Sharing (docs/share.md). Signing and verifying tokens is server-only: bindings/share-node.js.
    encodeShareToken: (fields) => fields,
    decodeShareToken: (token) => ({ token }),
    buildShareLink: (page_url, token, param) => (param === undefined ? { page_url, token } : { page_url, token, param }),
    parseShareLaunch: (launch) => launch, // { url } or { scene }, optional param
    layoutPoster: (data, template) => (template === undefined ? { data } : { data, template }),
    // Attribution and grades (docs/attribution.md). State in, state out; a null state is a fresh program.
    attributionStep: (settings, state, event) => ({ settings, state, event }),
    replayEvents: (settings, state, events) => ({ settings, state, events }),
    attributeOrder: (settings, state, event, order) => (order === undefined ? { settings, state, event } : { settings, state, event, order }),
    previewModeSwitch: (settings, state, at_ms, to) => (to === undefined ? { settings, state, at_ms } : { settings, state, at_ms, to }),
    // Money texts for pages (docs/pages.md): fen in, "¥12.30" out, in order.
    formatMoney: (amounts_fen) => ({ amounts_fen }),
    // Withdrawals (docs/withdrawals.md): the page's "you will receive" and the server's check.
    withdrawalSettings: (settings) => ({ settings }),
    previewWithdrawal: (request) => request, // {settings?, available_fen, amount_fen, method, now_ms, real_name?, history?}
    // Distributor applications (docs/applications.md): the merchant's conditions against the facts.
    evaluateApplication: (conditions, facts) => ({ conditions: conditions || {}, facts: facts || {} }),
    gradeStatus: (program, grade, stats, manual) => ({ program, ...(grade ? { grade } : {}), stats: stats || {}, ...(manual ? { manual: true } : {}) }),
  };

  function fail(code, path, message) {
    return { ok: false, errors: [{ code, path, message }] };
  }

  // UTF-8 both ways, natively where the host has TextEncoder / TextDecoder (browsers, Node,
  // the WeChat browser); a plain-JS fallback for hosts without them (older mini-program bases).
  const encoder = typeof TextEncoder === 'function' ? new TextEncoder() : null;
  const decoder = typeof TextDecoder === 'function' ? new TextDecoder() : null;
  function utf8Encode(text) {
    if (encoder) return encoder.encode(text);
    const out = [];
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
      }
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd; // a lone surrogate, as TextEncoder does
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8Array(out);
  }
  // Answers are ASCII (the engine writes \uXXXX for everything else: src/json_reader.h), so in
  // Node they are read as Latin-1, which V8 copies as it is: a third of UTF-8 decoding's time
  // for a batch answer of megabytes.
  const nodeBuffer = isNode && typeof Buffer === 'function' ? Buffer : null;
  function utf8Decode(bytes) {
    if (nodeBuffer) return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    if (decoder) return decoder.decode(bytes);
    // The engine writes valid UTF-8 only.
    let s = '';
    for (let i = 0; i < bytes.length;) {
      const b = bytes[i++];
      let c = b;
      if (b >= 0xf0) c = ((b & 7) << 18) | ((bytes[i++] & 63) << 12) | ((bytes[i++] & 63) << 6) | (bytes[i++] & 63);
      else if (b >= 0xe0) c = ((b & 15) << 12) | ((bytes[i++] & 63) << 6) | (bytes[i++] & 63);
      else if (b >= 0xc0) c = ((b & 31) << 6) | (bytes[i++] & 63);
      s += String.fromCodePoint(c);
    }
    return s;
  }

  function wrap(raw) {
    const engine = { EngineError };
    // One entry point, text in, text out (bindings/bytes.h): the request's bytes go into WASM
    // memory, the answer comes back as a view of it and is decoded before anything else runs.
    function invoke(fn, text) {
      // Encoded straight into WASM memory where the host can (encodeInto): a short text gets room
      // for its worst case (3 bytes per UTF-16 unit), a long one its exact length.
      const direct = encoder && typeof encoder.encodeInto === 'function' && (text.length <= 65536 || nodeBuffer);
      const bytes = direct ? null : utf8Encode(text);
      const room = direct ? (text.length <= 65536 ? 3 * text.length : nodeBuffer.byteLength(text)) : bytes.length;
      const ptr = raw._malloc(room || 1);
      if (!ptr) return JSON.stringify(fail('E_TOO_LARGE', '', 'no memory left for the request'));
      try {
        // HEAPU8 is read after malloc: memory may have grown.
        let length = room;
        if (direct) length = encoder.encodeInto(text, raw.HEAPU8.subarray(ptr, ptr + room)).written;
        else raw.HEAPU8.set(bytes, ptr);
        return utf8Decode(fn(ptr, length));
      } finally {
        raw._free(ptr);
      }
    }
    // Raw call: request object in, result object out, never throws.
    engine.call = function call(name, request) {
      const fn = raw['_' + name];
      if (typeof fn !== 'function') return fail('E_NO_SUCH_CALL', '', `no engine call named ${name}`);
      let text;
      try {
        text = JSON.stringify(request);
      } catch (e) {
        return fail('E_JSON_ENCODE', '', `request cannot be encoded as JSON: ${e.message}`);
      }
      if (typeof text !== 'string') return fail('E_TYPE', '', 'the request must be an object');
      if (text.length > MAX_REQUEST_CHARS) return fail('E_TOO_LARGE', '', 'request too large');
      return JSON.parse(invoke(fn, text));
    };
    const verbs = typeof raw._entryPoints === 'function' ? raw._entryPoints().split(',').filter(Boolean) : Object.keys(API);
    engine.entryPoints = () => verbs.slice();
    for (const name of verbs) {
      const build = API[name] || ((request) => request);
      engine[name] = function (...args) {
        const result = engine.call(name, build(...args));
        if (!result.ok) throw new EngineError(result.errors);
        return result;
      };
    }
    // Text in, text out: for tests that must send malformed JSON exactly as given.
    engine.rawText = function rawText(name, text) {
      const fn = raw['_' + name];
      if (typeof fn !== 'function' || name === 'version') return JSON.stringify(fail('E_NO_SUCH_CALL', '', name));
      return invoke(fn, String(text));
    };
    engine.version = () => JSON.parse(raw._version());
    return engine;
  }

  // Loads the module. Node: reads share_engine.wasm beside this file (the 3.1.6 glue cannot fetch
  // a file path). Browser: uses the global factory; pass `locateFile` to serve the .wasm elsewhere.
  async function loadEngine(options = {}) {
    const moduleOptions = {};
    let factory = options.factory;
    if (options.wasmBinary) moduleOptions.wasmBinary = options.wasmBinary;
    if (options.locateFile) moduleOptions.locateFile = options.locateFile;
    // A mini-program instantiates through WXWebAssembly.instantiate(path, imports) (docs/pages.md).
    if (options.instantiateWasm) moduleOptions.instantiateWasm = options.instantiateWasm;
    if (isNode) {
      const path = require('path');
      factory = factory || require(path.join(__dirname, 'share_engine.js'));
      if (!moduleOptions.wasmBinary) {
        moduleOptions.wasmBinary = require('fs').readFileSync(path.join(__dirname, 'share_engine.wasm'));
      }
    } else {
      factory = factory || (typeof createShareEngine === 'function' ? createShareEngine : null);
      if (!factory) throw new Error('share_engine.js must be loaded before engine.js');
    }
    return wrap(await factory(moduleOptions));
  }

  // zh-CN text for the engine's codes, for pages. Unknown codes fall back to the English message.
  const ZH = {
    E_JSON_PARSE: '数据格式错误',
    E_TYPE: '类型不正确',
    E_REQUIRED: '必填',
    E_UNKNOWN_FIELD: '无法识别的字段',
    E_NOT_INTEGER: '必须是整数',
    E_NEGATIVE: '不能为负数',
    E_RANGE: '超出允许范围',
    E_ENUM: '取值无效',
    E_TOO_LONG: '内容过长',
    E_TOO_MANY: '数量过多',
    E_DEPTH: '分销层级最多 3 级',
    E_RATE_CAP: '佣金比例不可大于 50%',
    E_RATE_SUM_CAP: '各级佣金比例之和不可大于 50%',
    E_REWARD_MODE: '积分和余额奖励只能按商品数量设置',
    E_CAMPAIGN_COMMISSION_RANGE: '单件佣金须在 0.3 元至 200 元之间',
    E_GRADE_COUNT: '最多设置 5 个等级',
    E_GRADE_THRESHOLD: '除第一个等级外，每个等级至少设置一个升级条件',
    E_UNKNOWN_GRADE: '等级不存在',
    E_DUPLICATE: '重复',
    E_REGION: '地区编码无效',
    E_TIME_ORDER: '结束时间须晚于开始时间',
    E_CHAIN_CYCLE: '邀请关系不能形成循环',
    E_UNKNOWN_DISTRIBUTOR: '分销员不存在',
    E_OVERFLOW: '金额超出上限',
    E_REFUND_EXCEEDS: '退款金额超过可退金额',
    E_BUDGET_SHORT: '红包余额不足，无法冻结佣金预算',
    E_STOCK: '库存不足',
    E_STATE: '当前状态下不能执行此操作',
    E_KIND: '活动类型不符',
    W_PROFIT_SHARING_CAP: '佣金比例之和超过支付账户的分账上限',
    W_RED_PACKET_MIN: '单个红包至少 1 元，分销员需累计佣金后才能提现',
    W_NO_HOLD: '未设置冻结期，退款时佣金可能已被提现',
    E_TIME_RANGE: '时间须在 1970 年至 2100 年之间',
    E_EVENT_ORDER: '事件须按时间先后顺序提交',
    E_EVENT_TYPE: '无法识别的事件类型',
    E_NEGATIVE_WINDOW: '有效期不能为负数',
    E_SELF_BIND: '客户不能与自己绑定',
    E_ATTRIBUTED_FIELD: '该字段由业绩归属自动填写，请勿传入',
    E_REGION_UNKNOWN: '地区编码不存在',
    // Gate reasons (evaluateGate): why this user may not enter, buy or earn now.
    G_NOT_STARTED: '活动尚未开始',
    G_ENDED: '活动已结束',
    G_SOLD_OUT: '商品已售罄',
    G_BUYERS_FULL: '购买人数已满',
    G_NOT_FAN: '仅限公众号粉丝参与，请先关注公众号',
    G_REGION_NOT_ALLOWED: '您所在的地区不在活动范围内',
    G_REGION_MISSING: '无法确定您所在的地区，暂不能参与',
    G_REGION_UNKNOWN: '您所在的地区无法识别，暂不能参与',
    G_REGION_MALFORMED: '地区信息有误，暂不能参与',
    G_PASSWORD_REQUIRED: '请输入活动密码',
    G_PASS_MALFORMED: '活动凭证无效，请重新输入密码',
    G_PASS_WRONG_PROGRAM: '活动凭证不属于本活动，请重新输入密码',
    G_PASS_WRONG_USER: '活动凭证不属于当前用户，请重新输入密码',
    G_PASS_EXPIRED: '活动凭证已过期，请重新输入密码',
    G_PASS_BAD_SIGNATURE: '活动凭证校验失败，请重新输入密码',
    G_LOCKED_OUT: '密码错误次数过多，请稍后再试',
    G_PURCHASE_LIMIT: '已达到每人限购数量',
    G_MUST_BUY_FIRST: '购买后才能参与分销',
    E_PASSWORD_WRONG: '活动密码错误',
    E_TOKEN_LENGTH: '分享码长度不正确，可能被截断',
    E_TOKEN_CHAR: '分享码包含无效字符',
    E_TOKEN_VERSION: '分享码版本不受支持',
    E_TOKEN_NONCANONICAL: '分享码格式不规范',
    E_TOKEN_CHECKSUM: '分享码校验失败，可能被篡改',
    E_TOKEN_KEY: '分享码的签名密钥已失效',
    E_TOKEN_EXPIRED: '分享链接已过期',
    E_TOKEN_FUTURE: '分享码的生成时间晚于当前时间',
    E_TOKEN_MAC: '签名格式不正确',
    E_URL: '链接地址无效',
    E_SHARE_PARAM: '分享参数名无效',
    E_LINK_AMBIGUOUS: '链接中包含多个不同的分享码',
    E_LAUNCH_SOURCE: '只能提供链接或小程序码参数之一',
    E_POSTER_BOX: '海报元素超出画布或尺寸过小',
    E_POSTER_COLOR: '颜色格式无效',
    E_POSTER_URL: '图片地址无效',
    E_POSTER_QR: '海报需要分享链接来生成二维码',
    // Withdrawal refusals (previewWithdrawal) and setting warnings (withdrawalSettings).
    E_METHOD: '不支持该提现方式',
    E_THRESHOLD: '可提现金额未达到提现门槛',
    E_MIN: '低于单笔最低提现金额',
    E_MAX: '超过单笔最高提现金额',
    E_INSUFFICIENT: '可提现余额不足',
    E_FREQUENCY: '提现次数已达上限，请下个周期再试',
    E_FEE_EXCEEDS: '手续费不低于提现金额，到账金额为零',
    E_METHOD_LIMIT: '超出该提现方式的金额限制',
    E_REAL_NAME: '该金额需要实名认证',
    W_RED_PACKET_MAX: '单个红包最多 200 元，更大金额的提现需使用其他方式',
    W_TRANSFER_DAILY: '微信转账每人每天最多 2 万元',
    // Application conditions (evaluateApplication).
    E_APPLY_PHONE: '请先绑定手机号',
    E_APPLY_SPENT: '累计消费金额未达到申请条件',
    E_APPLY_ORDERS: '累计下单数未达到申请条件',
    E_APPLY_TAG: '仅限商家指定的用户申请',
  };
  function messageZh(problem) {
    return ZH[problem.code] || problem.message;
  }

  // Why a level earned nothing, in words a distributor understands.
  const SKIP_ZH = {
    no_bound_distributor: '该订单的买家没有绑定分销员',
    no_inviter: '上一级分销员没有邀请人',
    no_sharer: '买家不是通过分享链接进入的',
    self_purchase_excluded: '分销员本人购买不计佣金',
    sharer_has_not_bought: '活动要求分享人先购买才能获得佣金',
  };
  function skipReasonZh(skip) {
    return SKIP_ZH[skip.reason] || skip.reason;
  }

  // --- Attribution explanations (docs/attribution.md): one zh-CN sentence per decision. ---
  // Dates are China time (UTC+8, no daylight saving) computed from integer ms, never the device's zone.
  function formatCst(ms, withTime) {
    const d = new Date(ms + 8 * 3600000);
    const date = `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
    if (!withTime) return date;
    const two = (n) => String(n).padStart(2, '0');
    return `${date} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  }
  const MODE_ZH = { relation_first: '关系链优先', sharer_first: '分享人优先' };

  // options: viewer (the id reading the sentence, said as 您), names ({id: name}),
  // role (the merchant's name for distributors, default 分销员), gradeNames ({grade id: name}).
  function explainZh(decision, options = {}) {
    const f = decision.facts || {};
    const role = options.role || '分销员';
    const names = options.names || {};
    const who = (id) => (id === options.viewer ? '您' : names[id] || `客户 ${id}`);
    // "推广员 A" but "推广员张三": a space only before a Latin name or a number.
    const dist = (id) => {
      if (id === options.viewer) return '您';
      const n = String(names[id] || id);
      return /^[\x00-\x7f]/.test(n) ? `${role} ${n}` : `${role}${n}`;
    };
    // "分享人张三", but "您（分享人）" to the sharer himself.
    const sharer = (id) => (id === options.viewer ? '您（分享人）' : `分享人${who(id)}`);
    const day = (ms) => formatCst(ms, false);
    const at = (ms) => formatCst(ms, true);
    const grade = (id) => (options.gradeNames && options.gradeNames[id]) || id;
    const validity = (b) => (b.expires_ms === null ? '永久有效' : `有效期至 ${day(b.expires_ms)}`);
    const C = who(f.customer_id);
    const ENDED = {
      expired: (e) => `与${dist(e.distributor_id)}的绑定已于 ${day(e.at_ms)} 到期`,
      voided: (e) => `业绩归属方式于 ${at(e.at_ms)} 改为分享人优先，与${dist(e.distributor_id)}的绑定随之失效`,
      unbound: (e) => `商家已于 ${day(e.at_ms)} 解除了与${dist(e.distributor_id)}的绑定`,
      replaced: (e) => `商家已于 ${day(e.at_ms)} 更换了绑定的${dist(e.distributor_id)}`,
    };
    const nobody = () => {
      if (f.why === 'share_expired') return `${dist(f.last_share.sharer_id)}的分享已于 ${at(f.last_share.expires_ms)} 过期`;
      if (f.last_binding && ENDED[f.last_binding.why]) return ENDED[f.last_binding.why](f.last_binding);
      return `${C}没有绑定${role}，也没有通过分享链接进入`;
    };
    const selfNote = f.self_purchase === 'excluded' ? `（${C}本人是${role}，自购不给本人佣金）` : '';
    const T = {
      visit_self_ignored: () => `${C}打开的是自己的分享链接，不会与自己绑定。`,
      visit_bound: () => `${C}于 ${day(f.binding.since_ms)} 绑定了${dist(f.binding.distributor_id)}，${validity(f.binding)}` +
        (f.previous ? `（此前${ENDED[f.previous.why](f.previous)}）` : '') + '。',
      visit_renewed: () => `${C}再次访问了${dist(f.binding.distributor_id)}的链接，绑定已续期，${validity(f.binding)}。`,
      visit_kept_binding: () => `${C}已于 ${day(f.binding.since_ms)} 绑定${dist(f.binding.distributor_id)}（${validity(f.binding)}），` +
        `访问${dist(f.sharer_id)}的链接不会改变绑定。`,
      visit_cached: () => `${C}通过${dist(f.sharer_id)}的分享链接进入，${at(f.share.expires_ms)} 前下单计入其业绩` +
        (f.bind_on === 'order' ? '，下单后将与其绑定' : '') + '。',
      visit_cache_refreshed: () => `${C}再次通过${dist(f.sharer_id)}的分享链接进入，分享有效期延长至 ${at(f.share.expires_ms)}。`,
      visit_cache_overwritten: () => `${C}通过${dist(f.sharer_id)}的分享链接进入，取代了此前${dist(f.previous_sharer_id)}的分享，` +
        `${at(f.share.expires_ms)} 前下单计入${dist(f.sharer_id)}的业绩。`,
      register_inviter_bound: () => `${C}于 ${day(decision.at_ms)} 成为${role}，邀请人是其绑定的${dist(f.inviter_id)}，今后不会再变更。`,
      register_inviter_shared: () => `${C}于 ${day(decision.at_ms)} 成为${role}，邀请人是分享链接的${dist(f.inviter_id)}，今后不会再变更。`,
      register_no_inviter: () => `${C}于 ${day(decision.at_ms)} 成为${role}，没有邀请人：${nobody()}。`,
      register_already_distributor: () => `${C}已经是${role}，邀请人${f.inviter_id === null ? '为空' : `仍是${dist(f.inviter_id)}`}，不会变更。`,
      order_bound: () => `这笔订单归属${dist(f.distributor_id)}：${C}于 ${day(f.binding.since_ms)} 绑定了${dist(f.distributor_id)}，${validity(f.binding)}${selfNote}。`,
      order_bound_now: () => `这笔订单归属${dist(f.distributor_id)}：${C}通过其分享链接下单，并从此与其绑定，${validity(f.binding)}${selfNote}。`,
      order_shared: () => `这笔订单归属${dist(f.distributor_id)}：${C}于 ${at(f.share.at_ms)} 通过其分享链接进入，` +
        `分享有效期至 ${at(f.share.expires_ms)}${selfNote}。`,
      order_self_as_level1: () => `${C}是${role}，自购订单由本人作为第一级获得佣金，再按邀请关系向上分佣。`,
      order_unattributed: () => `这笔订单没有归属任何${role}：${nobody()}${selfNote}。`,
      order_campaign_sharer: () => `这笔订单归属${sharer(f.distributor_id)}：${C}于 ${at(f.share.at_ms)} 通过其分享链接进入。`,
      order_campaign_sharer_not_bought: () => `${sharer(f.distributor_id)}尚未购买，本活动要求购买后才能获得佣金。`,
      rebind_done: () => `商家于 ${day(decision.at_ms)} 将${C}改绑给${dist(f.distributor_id)}` +
        (f.previous_distributor_id !== undefined ? `（原绑定${dist(f.previous_distributor_id)}）` : '') + `，${validity(f.binding)}。`,
      rebind_refused_self: () => `不能把${C}绑定给自己。`,
      rebind_refused_sharer_first: () => `当前为分享人优先模式，客户与${role}之间没有固定绑定，无法改绑。`,
      unbind_done: () => (f.previous_distributor_id !== undefined
        ? `商家于 ${day(decision.at_ms)} 解除了${C}与${dist(f.previous_distributor_id)}的绑定。`
        : `商家于 ${day(decision.at_ms)} 清除了${C}来自${dist(f.previous_sharer_id)}的分享记录。`),
      unbind_nothing: () => `${C}目前没有绑定任何${role}，无需解绑。`,
      switch_scheduled: () => `业绩归属方式将从「${MODE_ZH[f.from]}」改为「${MODE_ZH[f.to]}」，于 ${at(f.effective_ms)} 生效，` +
        `生效前仍按原方式计算；${f.effect === 'bindings_voided' ? '生效后所有已绑定的关系将失效' : '只对生效后新建立的关系生效'}；` +
        `下次最早可于 ${at(f.next_allowed_ms)} 后修改。`,
      switch_refused_too_soon: () => `每 3 天只能修改一次业绩归属方式：上次修改于 ${at(f.previous_request_ms)}，` +
        `请在 ${at(f.next_allowed_ms)} 之后再试。`,
      switch_refused_same_mode: () => `当前已是「${MODE_ZH[f.to]}」，无需切换。`,
      switch_effective: () => `业绩归属方式已于 ${at(f.effective_ms)} 改为「${MODE_ZH[f.to]}」，` +
        (f.effect === 'bindings_voided' ? '此前所有已绑定的关系已失效。' : '此后新建立的关系按关系链绑定，已有的分享记录不变。'),
      auto_unbind_switched: () => (f.to === 'on_expiry'
        ? `自动解绑已改为「有效期结束自动解绑」：现有绑定的有效期从 ${day(decision.at_ms)} 起按 ${f.binding_days} 天重新计算，至 ${day(f.expires_ms)}。`
        : '自动解绑已改为「从不自动解绑」：现有的有效绑定全部变为永久绑定。'),
      auto_unbind_refused_same: () => '自动解绑设置与当前相同，无需切换。',
      grade_set: () => (f.manual
        ? `商家将${dist(f.distributor_id)}的等级由「${grade(f.from)}」调整为「${grade(f.to)}」。`
        : `${dist(f.distributor_id)}由「${grade(f.from)}」升级为「${grade(f.to)}」。`),
      grade_refused_downgrade: () => `等级不会自动下降，${dist(f.distributor_id)}仍为「${grade(f.from)}」。`,
      grade_refused_manual: () => `${dist(f.distributor_id)}的等级由商家手动设置，暂不自动升级。`,
      inviter_set: () => `商家为${dist(f.distributor_id)}设置了邀请人${dist(f.inviter_id)}，今后不会再变更。`,
      inviter_refused_self: () => `${dist(f.distributor_id)}不能成为自己的邀请人。`,
      inviter_refused_fixed: () => `${dist(f.distributor_id)}的邀请人已是${dist(f.current_inviter_id)}，邀请人确定后不能更改。`,
      inviter_refused_cycle: () => `不能把${dist(f.inviter_id)}设为${dist(f.distributor_id)}的邀请人：` +
        `${dist(f.inviter_id)}在${dist(f.distributor_id)}的下级中，会形成循环。`,
      tick: () => `截至 ${at(decision.at_ms)}，到期的设置变更均已生效。`,
    };
    const t = T[decision.reason];
    return t ? t() : decision.reason;
  }

  const METRIC_ZH = {
    bound_customers: (n) => `绑定客户 ${n} 人`,
    invited_distributors: (n, role) => `邀请${role} ${n} 人`,
    paid_orders: (n) => `支付订单 ${n} 单`,
    // Money as the engine writes it (gradeStatus gives each money threshold its missing_text).
    paid_fen: (n, role, t) => `实收金额 ${t.missing_text}`,
    deal_fen: (n, role, t) => `成交金额 ${t.missing_text}`,
    completed_orders: (n) => `成单 ${n} 单`,
  };
  // A gradeStatus result in words: '' when the program shows no grades (one grade or none).
  function gradeZh(status, options = {}) {
    if (!status.show_grades) return '';
    const role = options.role || '分销员';
    const name = status.name || status.grade;
    let text = status.reason === 'grade_upgraded' ? `已升级为「${name}」。`
      : status.reason === 'grade_manual' ? `当前等级「${name}」由商家设置。` : `当前等级：「${name}」。`;
    const next = status.next;
    if (!next) return text + '已是最高等级。';
    const nextName = next.name || next.grade;
    if (next.met) return text + `已满足「${nextName}」的升级条件。`;
    const missing = next.thresholds.filter((t) => !t.met).map((t) => `${METRIC_ZH[t.metric](t.missing, role, t)}`);
    return text + `距离「${nextName}」还差${missing.join(next.rule === 'any' ? '，或' : '，并且')}。`;
  }

  return { loadEngine, EngineError, API, messageZh, skipReasonZh, ZH, explainZh, gradeZh, formatCst };
});
