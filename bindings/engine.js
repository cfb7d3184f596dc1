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

  // Facade verb -> builds the request object from the arguments.
  const API = {
    validateProgram: (program) => ({ program }),
    previewOrder: (program, order) => ({ program, order }),
    previewBatch: (program, orders) => ({ program, orders }),
    previewGrades: (program, order) => ({ program, order }),
    previewRefund: (program, line, refunds) => ({ program, line, refunds }),
    previewBudget: (program, balance_fen, events) => ({ program, balance_fen, events }),
  };

  function fail(code, path, message) {
    return { ok: false, errors: [{ code, path, message }] };
  }

  function wrap(raw) {
    const engine = { EngineError };
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
      return JSON.parse(fn(text));
    };
    for (const [name, build] of Object.entries(API)) {
      engine[name] = function (...args) {
        const result = engine.call(name, build(...args));
        if (!result.ok) throw new EngineError(result.errors);
        return result;
      };
    }
    // Text in, text out: for tests that must send malformed JSON exactly as given.
    engine.rawText = function rawText(name, text) {
      const fn = raw['_' + name];
      if (typeof fn !== 'function') return JSON.stringify(fail('E_NO_SUCH_CALL', '', name));
      return fn(String(text));
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

  return { loadEngine, EngineError, API, messageZh, skipReasonZh, ZH };
});
