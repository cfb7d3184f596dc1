// Every word the console shows for a server code: roles, states, statement kinds and error codes,
// in one place (docs/console.md). Errors never reach the page as a code, English or "undefined":
// `messageOf(problem)` always answers a Chinese sentence. Global `ConsoleLabels`.
(function (root) {
  'use strict';

  const ROLES = { owner: '店主', operator: '运营', finance: '财务' };
  const PERMISSIONS = { read: '查看', programs: '活动管理', orders: '订单处理', refunds: '退款', money: '资金', owner: '店主' };
  const KINDS = { campaign: '分销宝活动', distribution: '分销计划' };
  const PROGRAM_STATUS = { draft: '草稿', published: '进行中', ended: '已结束' };
  const PROGRAM_STATUS_TAG = { draft: 'info', published: 'success', ended: 'warning' };
  const ORDER_STATUS = {
    created: '待付款', paid: '已付款', shipped: '已发货', completed: '已完成', closed: '已关闭', refunded: '已退款',
  };
  // The list's status filter (the server's `status` query): 'paid' is paid and not shipped yet.
  const ORDER_FILTERS = {
    created: '待付款', paid: '已付款（未发货）', shipped: '已发货', completed: '已完成', closed: '已关闭', refunded: '有退款',
  };
  const ORDER_STATUS_TAG = { created: 'info', paid: 'primary', shipped: 'warning', completed: 'success', closed: 'info', refunded: 'danger' };
  const LINE_STATES = {
    pending: '待结算', frozen: '冻结中', available: '可提现', withdrawing: '提现中', withdrawn: '已提现', reversed: '已扣回',
  };
  const LINE_ROLES = { sharer: '分享人', distributor: '推广员', inviter: '邀请人', self: '本人自购', agent: '区域代理' };
  const STATEMENT_KINDS = {
    topup: '充值', freeze: '冻结佣金预算', release: '解冻', return: '活动结束退回', payout: '佣金红包发放',
  };
  const PAYMENT_STATUS = { succeeded: '支付成功', succeed: '支付成功', paid: '支付成功', failed: '支付失败', pending: '处理中' };
  // Part 2: distributors, withdrawals, stats.
  const DISTRIBUTOR_STATUS = { pending: '待审核', approved: '已通过', rejected: '已驳回', frozen: '已冻结', revoked: '已取消资格' };
  const DISTRIBUTOR_STATUS_TAG = { pending: 'warning', approved: 'success', rejected: 'danger', frozen: 'info', revoked: 'info' };
  const WITHDRAWAL_STATUS = { requested: '待审核', approved: '待打款', paid: '已打款', rejected: '已驳回' };
  const WITHDRAWAL_STATUS_TAG = { requested: 'warning', approved: 'primary', paid: 'success', rejected: 'danger' };
  const WITHDRAWAL_METHODS = { red_packet: '微信红包', wechat_transfer: '微信零钱', bank: '银行卡', alipay: '支付宝', shop_balance: '店铺余额' };
  const PERIODS = { day: '每天', week: '每周', month: '每月' };
  const GRADE_METRICS = {
    bound_customers: '绑定客户数', invited_distributors: '邀请推广员数', paid_orders: '支付单数', paid_fen: '实收金额', deal_fen: '成交金额', completed_orders: '成单数',
  };
  const ATTRIBUTION_MODES = { relation_first: '关系链优先', sharer_first: '分享人优先' };
  const AUTO_UNBIND = { never: '从不自动解绑', on_expiry: '有效期结束自动解绑' };
  const SHOW_COMMISSION = { all: '所有人', distributors: '仅推广员', none: '不显示' };

  // Server and engine codes -> what a merchant reads. Where a code means something more precise at
  // a known field, FIELD_MESSAGES says it there.
  const CODES = {
    E_LOGIN: '登录名或密码不正确',
    E_SESSION: '登录已过期，请重新登录',
    E_API_KEY: '登录已过期，请重新登录',
    E_CSRF: '页面已过期，请刷新页面后重试',
    E_RATE_LIMIT: '尝试次数过多，请等 1 分钟后再试',
    E_ROLE: '当前账号没有此操作的权限',
    E_STATE: '当前状态下不能执行此操作，请刷新后查看',
    E_ORDER_STATE: '订单状态已变化，请刷新后查看',
    E_STOCK: '减少的数量不能超过未售出的库存',
    E_BUDGET_SHORT: '红包余额不足，无法冻结这部分佣金预算，请先充值',
    E_REFUND_EXCEEDS: '退款金额超过该商品可退金额',
    E_IDEM_MISMATCH: '这次提交与上一次不一致，请关闭对话框后重新操作',
    E_PASSWORD_REQUIRED: '该活动开启了活动密码，请先设置活动密码再发布',
    E_NO_PASSWORD: '该活动未设置密码',
    E_DUPLICATE: '已存在，请换一个',
    E_NOT_FOUND: '内容不存在或已被删除',
    E_KIND: '该方案类型不支持此操作',
    E_LOCKED_FIELD: '活动发布后不能修改此项',
    E_BUSY: '操作的人太多了，请稍后再试',
    E_REQUIRED: '此项必填',
    E_TYPE: '格式不正确',
    E_NOT_INTEGER: '请输入整数',
    E_NEGATIVE: '不能为负数',
    E_RANGE: '超出允许的范围',
    E_ENUM: '请从选项中选择',
    E_TOO_LONG: '内容过长',
    E_TOO_MANY: '数量过多',
    E_INVALID: '格式不正确',
    E_UNKNOWN_FIELD: '页面版本过旧，请刷新页面',
    E_JSON_PARSE: '页面版本过旧，请刷新页面',
    E_REQUEST: '请求无法处理，请刷新页面后重试',
    E_OVERFLOW: '金额超出上限',
    E_WITHDRAWAL_STATE: '提现状态已变化，请刷新后查看',
    E_DEV_ONLY: '仅开发环境可用',
    E_INTERNAL: '服务器开小差了，请稍后再试',
    E_NETWORK: '网络不给力，请检查网络后重试',
    E_WEAK_PASSWORD: '密码至少 8 位',
    E_PHASE: '活动不在进行中',
    E_SOLD_OUT: '库存不足',
    E_BUYERS_FULL: '购买人数已满',
    E_PURCHASE_LIMIT: '已达到每人限购数量',
    E_NOT_DISTRIBUTOR: '该用户还不是推广员',
    E_SIGNATURE: '签名校验失败',
    E_TOKEN_PROGRAM: '分享链接不属于该活动',
    E_WECHAT: '微信接口暂时不可用，请稍后再试',
    E_OAUTH_DENIED: '微信授权未完成，请重试',
    E_OAUTH_STATE: '微信授权已过期，请重试',
    E_RETURN: '返回地址无效',
    E_WECHAT_PAY: '微信支付暂时不可用，请稍后再试',
    E_WECHAT_TIMEOUT: '微信接口响应超时，请稍后再试',
    E_WECHAT_NOT_CONFIGURED: '尚未配置微信公众号，请先完成微信设置',
    E_WECHAT_PAY_NOT_CONFIGURED: '尚未配置微信支付，请先完成微信支付设置',
    E_WECHAT_HOST: '微信接口地址不正确',
    E_KEY: '密钥无效',
    E_NOTIFY_HEADERS: '支付通知校验失败',
    E_NOTIFY_STALE: '支付通知已过期',
    E_NOTIFY_SERIAL: '支付通知校验失败',
    E_NOTIFY_SIGNATURE: '支付通知校验失败',
    E_NOTIFY_BODY: '支付通知校验失败',
    E_NOTIFY_DECRYPT: '支付通知校验失败',
    E_NOTIFY_MERCHANT: '支付通知校验失败',
    E_SWITCH_REFUSED_TOO_SOON: '距上次切换不足 3 天，暂不能切换',
    E_SWITCH_REFUSED_SAME_MODE: '已经是该模式',
    E_REBIND_REFUSED_SELF: '推广员不能绑定自己',
    E_REBIND_REFUSED_SHARER_FIRST: '分享人优先模式下不能手动绑定',
    E_DISABLED: '该账号已停用',
    E_FROZEN: '该推广员已被冻结',
    E_PAYEE: '收款账户信息不正确',
    E_UNKNOWN_DISTRIBUTOR: '该用户不是已通过审核的推广员',
    E_UNKNOWN_GROUP: '分组不存在或已被删除',
    E_UNKNOWN_GRADE: '等级不存在',
    E_CHAIN_CYCLE: '邀请关系不能形成循环',
    E_INVITER_CYCLE: '邀请关系不能形成循环',
    E_SELF_INVITER: '推广员不能是自己的邀请人',
    E_DISTRIBUTOR_STATE: '推广员状态已变化，请刷新后查看',
    E_INVITER_REFUSED_CYCLE: '邀请关系不能形成循环',
    E_INVITER_REFUSED_SELF: '推广员不能是自己的邀请人',
    E_INVITER_REFUSED_FIXED: '邀请人已确定，不能再修改',
  };
  const FIELD_MESSAGES = {
    'E_REQUIRED login': '请输入登录名',
    'E_REQUIRED password': '请输入密码',
    'E_REQUIRED name': '请输入姓名',
    'E_REQUIRED label': '请输入密钥名称',
    'E_DUPLICATE login': '该登录名已被使用，请换一个',
    'E_RANGE password': '密码长度不符合要求（员工密码至少 8 位）',
    'E_RANGE login': '登录名须为 3 至 32 个字符',
    'E_INVALID login': '登录名只能包含英文字母、数字和 _ . @ -',
    'E_INVALID name': '请输入姓名',
    'E_RANGE name': '姓名最多 32 个字',
    'E_RANGE label': '名称最多 32 个字',
    'E_RANGE auto_complete_days': '自动确认收货天数须在 1 至 30 天之间',
    'E_RANGE delta': '数量超出允许的范围',
    'E_RANGE amount_fen': '金额超出允许的范围',
    'E_NOT_INTEGER delta': '请输入整数',
    'E_RANGE reason': '原因须为 1 至 200 个字',
    'E_REQUIRED reason': '请填写驳回原因',
    'E_RANGE reference': '打款流水号过长',
    'E_REQUIRED reference': '请填写打款流水号',
    'E_RANGE from': '日期范围最多一年',
    'E_RANGE to': '日期范围最多一年',
    'E_RANGE role_name': '名称须为 1 至 16 个字',
    'E_RANGE notice': '申请须知最多 2000 个字',
    'E_RANGE payout_note': '打款说明过长',
    'E_RANGE binding_days': '绑定有效期须在 1 至 3650 天之间',
    'E_RANGE share_window_hours': '分享有效期须在 1 至 8760 小时之间',
    'E_RANGE rate_bp': '手续费比例须在 0 至 50% 之间',
    'E_NEGATIVE min_spent_fen': '金额不能为负数',
    'E_RANGE min_fen': '最低金额不能高于最高金额',
    'E_RANGE max_fen': '单笔最高金额超出允许的范围',
    'E_RANGE threshold_fen': '提现门槛超出允许的范围',
    'E_RANGE max_per_period': '次数超出允许的范围',
  };
  const GENERIC = '操作未成功，请稍后再试';

  const roleName = (r) => ROLES[r] || '员工';
  // "需要“财务”或“店主”权限": the roles that may, the owner last.
  function rolesText(roles) {
    const list = (roles || []).filter((r) => ROLES[r]);
    list.sort((a, b) => (a === 'owner') - (b === 'owner'));
    return list.length ? `需要${list.map((r) => `“${ROLES[r]}”`).join('或')}权限` : CODES.E_ROLE;
  }

  const CHINESE = /[\u4e00-\u9fff]/;
  function messageOf(problem) {
    if (!problem) return GENERIC;
    const code = problem.code;
    const field = String(problem.path || '').split('.').pop();
    if (code === 'E_ROLE') return rolesText(problem.roles);
    if (FIELD_MESSAGES[`${code} ${field}`]) return FIELD_MESSAGES[`${code} ${field}`];
    if (CODES[code]) return CODES[code];
    const engine = root.ShareEngine && root.ShareEngine.ZH && root.ShareEngine.ZH[code];
    if (engine) return engine;
    // A sentence the server already wrote in Chinese is kept; anything else is not shown raw.
    if (problem.message && CHINESE.test(problem.message) && !/E_[A-Z_]+|undefined|NaN/.test(problem.message)) return problem.message;
    return GENERIC;
  }

  // An error (ApiError or anything thrown) split onto a form: `fields` maps a form field to its
  // message when the problem's path names one of `known` (path, its last part, or an alias),
  // everything else is `general`, one sentence for the action.
  function split(err, known = [], aliases = {}) {
    const problems = (err && err.errors && err.errors.length) ? err.errors : [{ code: (err && err.code) || 'E_INTERNAL', path: '' }];
    const fields = {};
    const general = [];
    for (const p of problems) {
      const path = String(p.path || '');
      const last = path.split('.').pop();
      const target = aliases[path] || aliases[last] || (known.includes(path) ? path : known.includes(last) ? last : null);
      const text = messageOf(p);
      if (target) { if (!fields[target]) fields[target] = text; } else if (!general.includes(text)) general.push(text);
    }
    return { fields, general: general.join('；') };
  }

  const label = (table, key, fallback = '—') => (key != null && table[key]) || fallback;
  // A program by its title, or by its kind and number when it has none (a distribution program).
  const programName = (title, kind, id) => title || `${KINDS[kind] || '方案'} ${id}`;

  root.ConsoleLabels = {
    ROLES, PERMISSIONS, KINDS, PROGRAM_STATUS, PROGRAM_STATUS_TAG, ORDER_STATUS, ORDER_FILTERS, ORDER_STATUS_TAG, LINE_STATES, LINE_ROLES,
    STATEMENT_KINDS, PAYMENT_STATUS, DISTRIBUTOR_STATUS, DISTRIBUTOR_STATUS_TAG, WITHDRAWAL_STATUS, WITHDRAWAL_STATUS_TAG, WITHDRAWAL_METHODS,
    PERIODS, GRADE_METRICS, ATTRIBUTION_MODES, AUTO_UNBIND, SHOW_COMMISSION, CODES, GENERIC, roleName, rolesText, messageOf, split, label, programName,
  };
})(window);
