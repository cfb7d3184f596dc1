// 设置 › 分销设置: 申请设置 (role name, conditions, approval, 申请须知, recruitment page), 提现设置
// (methods, threshold, min / max, frequency, fee, 打款说明; the engine's errors at their field,
// its platform-limit warnings above the form), 业绩归属 (mode, binding validity, share window,
// auto-unbind; a mode switch says when it takes effect and when the next is allowed, from the
// server's `switch`), 推广海报 (background and copy), 商品 (name, price, cost, picture, who sees 赚)
// and 标签 (every tag in use; tag a user). Amounts typed are yuan text -> fen (parseYuan); amounts
// shown are the server's texts.
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const parts = (S.parts = S.parts || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;
  const kit = S.kit;

  // An amount for an input box: the server's text without ¥ and separators; when the server sent
  // none, the integer's digits with the decimal point put back (string work, no arithmetic).
  function yuanInput(fen, text) {
    if (text) return String(text).replace(/[¥,\s]/g, '');
    if (fen === null || fen === undefined || fen === '') return '';
    const s = String(Math.trunc(Number(fen))).padStart(3, '0');
    const frac = s.slice(-2);
    return frac === '00' ? s.slice(0, -2) : `${s.slice(0, -2)}.${frac}`;
  }
  // Optional amount: empty -> null; else parseYuan (0 allowed when `zero`).
  function optionalYuan(text, zero = true) {
    const s = String(text == null ? '' : text).trim();
    if (!s) return { fen: null };
    if (zero && /^0+(\.0*)?$/.test(s)) return { fen: 0 };
    return api.parseYuan(s);
  }
  function count(text, { min = 0, max = 1000000000, label = '数量' } = {}) {
    const p = api.parseCount(String(text == null ? '' : text).trim());
    if (p.error) return { error: p.error.replace('数量', label) };
    if (p.value < min || p.value > max) return { error: `${label}须在 ${min} 至 ${max} 之间` };
    return p;
  }

  const SECTIONS = [
    { name: 'application', title: '申请设置' },
    { name: 'withdrawal', title: '提现设置' },
    { name: 'attribution', title: '业绩归属' },
    { name: 'poster', title: '推广海报' },
    { name: 'products', title: '商品' },
    { name: 'tags', title: '标签' },
  ];

  parts['promo-settings'] = {
    data: () => ({ store: api.store, sections: SECTIONS, section: 'application' }),
    template: `
<div class="promo-settings">
  <div class="section-switch" role="tablist">
    <el-button v-for="s in sections" :key="s.name" :type="section === s.name ? 'primary' : 'default'" :plain="section !== s.name" size="small"
      :data-section="s.name" @click="section = s.name">{{ s.title }}</el-button>
  </div>
  <application-settings v-if="section === 'application'" />
  <withdrawal-settings v-else-if="section === 'withdrawal'" />
  <attribution-settings v-else-if="section === 'attribution'" />
  <poster-settings v-else-if="section === 'poster'" />
  <product-settings v-else-if="section === 'products'" />
  <tag-settings v-else-if="section === 'tags'" />
</div>`,
  };

  // 申请设置
  parts['application-settings'] = {
    data: () => ({
      loaded: false, busy: false, error: '', errors: {}, tags: [],
      form: { role_name: '推广员', approval: 'auto', phone_bound: false, min_spent: '', min_orders: '', tag: '', notice: '', recruit_title: '', recruit_text: '', recruit_image: '' },
    }),
    computed: { canEdit() { return api.can('programs'); } },
    template: `
<el-form label-position="top" class="narrow-form" v-loading="!loaded" data-form="application" @submit.prevent="save">
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
  <el-form-item label="推广员名称" :error="errors.role_name" data-field="role_name">
    <el-input v-model="form.role_name" maxlength="16" placeholder="如 推广员、微客、分销员" :disabled="!canEdit" />
    <div class="muted small hint">买家端所有“推广员”字样替换为这个名称。</div>
  </el-form-item>
  <el-form-item label="审核方式" :error="errors.approval" data-field="approval">
    <el-radio-group v-model="form.approval" :disabled="!canEdit">
      <el-radio value="auto">自动通过</el-radio><el-radio value="manual">人工审核</el-radio>
    </el-radio-group>
  </el-form-item>
  <el-form-item label="申请条件（需全部满足）" :error="errors.conditions" data-field="conditions">
    <div class="condition-list">
      <el-checkbox v-model="form.phone_bound" :disabled="!canEdit" data-field="phone_bound">已绑定手机号</el-checkbox>
      <div class="condition" data-field="min_spent"><span>累计消费满</span>
        <el-input v-model="form.min_spent" inputmode="decimal" placeholder="不限" class="short-input" :disabled="!canEdit"><template #prefix>¥</template></el-input></div>
      <div v-if="errors.min_spent" class="field-error">{{ errors.min_spent }}</div>
      <div class="condition" data-field="min_orders"><span>累计下单满</span>
        <el-input v-model="form.min_orders" inputmode="numeric" placeholder="不限" class="short-input" :disabled="!canEdit"><template #suffix>单</template></el-input></div>
      <div v-if="errors.min_orders" class="field-error">{{ errors.min_orders }}</div>
      <div class="condition" data-field="tag"><span>指定标签</span>
        <el-select v-model="form.tag" clearable filterable allow-create placeholder="不限" class="short-input" :disabled="!canEdit">
          <el-option v-for="t in tags" :key="t" :label="t" :value="t" />
        </el-select></div>
      <div v-if="errors.tag" class="field-error">{{ errors.tag }}</div>
    </div>
  </el-form-item>
  <el-form-item label="申请须知" :error="errors.notice" data-field="notice">
    <el-input v-model="form.notice" type="textarea" :rows="4" maxlength="2000" show-word-limit placeholder="申请页面展示的须知，如推广规则、佣金结算方式" :disabled="!canEdit" />
  </el-form-item>
  <el-form-item label="招募页标题" :error="errors.recruit_title" data-field="recruit_title">
    <el-input v-model="form.recruit_title" maxlength="40" placeholder="如 邀你一起分享赚佣金" :disabled="!canEdit" />
  </el-form-item>
  <el-form-item label="招募页介绍" :error="errors.recruit_text" data-field="recruit_text">
    <el-input v-model="form.recruit_text" type="textarea" :rows="3" maxlength="500" show-word-limit :disabled="!canEdit" />
  </el-form-item>
  <el-form-item label="招募页图片地址" :error="errors.recruit_image" data-field="recruit_image">
    <el-input v-model="form.recruit_image" maxlength="500" placeholder="https://…" :disabled="!canEdit" />
    <img v-if="/^(https?:)?\\//.test(form.recruit_image)" :src="form.recruit_image" alt="招募页图片" class="image-preview" />
  </el-form-item>
  <el-button v-if="canEdit" type="primary" native-type="submit" :loading="busy" :disabled="busy || !loaded" data-action="save-application">保存申请设置</el-button>
  <p v-else class="muted small">修改申请设置需要“运营”或“店主”权限。</p>
</el-form>`,
    created() { this.load(); },
    methods: {
      fill(r) {
        const c = r.conditions || {};
        const rec = r.recruit || {};
        this.form = {
          role_name: r.role_name || '推广员', approval: r.approval || 'auto', phone_bound: Boolean(c.phone_bound),
          min_spent: c.min_spent_fen ? yuanInput(c.min_spent_fen, c.min_spent_text) : '', min_orders: c.min_orders ? String(c.min_orders) : '', tag: c.tag || '',
          notice: r.notice || '', recruit_title: rec.title || '', recruit_text: rec.text || '', recruit_image: rec.image_url || '',
        };
      },
      async load() {
        try {
          this.fill(await api.get('/api/merchant/settings/application'));
          try { this.tags = ((await api.get('/api/merchant/tags')).tags || []).map((t) => (typeof t === 'string' ? t : t.tag)).filter(Boolean); } catch (e) { /* none offered */ }
        } catch (e) { this.error = e.message; } finally { this.loaded = true; }
      },
      async save() {
        if (this.busy) return;
        const f = this.form;
        const errors = {};
        const role = f.role_name.trim();
        if (!role) errors.role_name = '请输入推广员名称';
        else if ([...role].length > 16) errors.role_name = '名称最多 16 个字';
        const conditions = {};
        if (f.phone_bound) conditions.phone_bound = true;
        const spent = optionalYuan(f.min_spent);
        if (spent.error) errors.min_spent = spent.error; else if (spent.fen) conditions.min_spent_fen = spent.fen;
        if (String(f.min_orders).trim()) {
          const n = count(f.min_orders, { min: 0, label: '下单数' });
          if (n.error) errors.min_orders = n.error; else if (n.value) conditions.min_orders = n.value;
        }
        if (f.tag && String(f.tag).trim()) {
          if ([...String(f.tag).trim()].length > 32) errors.tag = '标签最多 32 个字'; else conditions.tag = String(f.tag).trim();
        }
        this.errors = errors;
        const image = f.recruit_image.trim();
        if (image && !/^(https?:\/\/|\/)\S*$/.test(image)) errors.recruit_image = '请输入以 https:// 或 / 开头的图片地址';
        if (Object.keys(errors).length) return;
        this.busy = true;
        this.error = '';
        try {
          const r = await api.put('/api/merchant/settings/application', {
            role_name: role, approval: f.approval, conditions, notice: f.notice.trim(),
            recruit: { title: f.recruit_title.trim(), text: f.recruit_text.trim(), image_url: f.recruit_image.trim() || null },
          });
          this.fill(r);
          kit.ok('申请设置已保存');
        } catch (e) {
          const { fields, general } = L.split(e, ['role_name', 'approval', 'notice', 'conditions'], {
            'conditions.min_spent_fen': 'min_spent', 'conditions.min_orders': 'min_orders', 'conditions.tag': 'tag',
            'recruit.title': 'recruit_title', 'recruit.text': 'recruit_text', 'recruit.image_url': 'recruit_image',
          });
          this.errors = fields;
          this.error = general;
        } finally {
          this.busy = false;
        }
      },
    },
  };

  // 提现设置
  const FEE_ALIASES = {
    'settings.fee.rate_bp': 'fee_rate', 'settings.fee.min_fen': 'fee_min', 'settings.fee.max_fen': 'fee_max', 'settings.fee': 'fee_rate',
    'settings.threshold_fen': 'threshold', 'settings.min_fen': 'min', 'settings.max_fen': 'max', 'settings.methods': 'methods',
    'settings.period': 'period', auto_payout: 'auto_payout', 'settings.max_per_period': 'max_per_period', payout_note: 'payout_note', 'settings.payout_note': 'payout_note',
  };
  parts['withdrawal-settings'] = {
    data: () => ({
      L, loaded: false, busy: false, error: '', errors: {}, warnings: [],
      form: { methods: [], auto_payout: [], threshold: '', min: '', max: '', period: 'day', max_per_period: '5', fee_rate: '', fee_min: '', fee_max: '', payout_note: '' },
    }),
    computed: { canEdit() { return api.can('money'); } },
    template: `
<el-form label-position="top" class="narrow-form" v-loading="!loaded" data-form="withdrawal" @submit.prevent="save">
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon data-role="withdrawal-error" />
  <el-alert v-for="w in warnings" :key="w" class="form-alert" type="warning" :title="w" :closable="false" show-icon data-role="withdrawal-warning" />
  <el-form-item label="提现方式" :error="errors.methods" data-field="methods">
    <el-checkbox-group v-model="form.methods" :disabled="!canEdit">
      <el-checkbox v-for="(t, k) in L.WITHDRAWAL_METHODS" :key="k" :value="k" :data-method="k">{{ t }}</el-checkbox>
    </el-checkbox-group>
    <div class="muted small hint">银行卡、支付宝需商家线下打款后在“提现”中确认已打款。</div>
  </el-form-item>
  <el-form-item label="无需审核、自动打款" :error="errors.auto_payout" data-field="auto_payout">
    <el-checkbox-group v-model="form.auto_payout" :disabled="!canEdit">
      <el-checkbox value="red_packet" data-auto="red_packet">微信红包</el-checkbox>
      <el-checkbox value="wechat_transfer" data-auto="wechat_transfer">微信零钱</el-checkbox>
    </el-checkbox-group>
    <div class="muted small hint">勾选后推广员申请即自动发放（在微信的单笔与单日限额内）；不勾选则在“提现”中审核通过后发放。</div>
  </el-form-item>
  <div class="form-grid">
    <el-form-item label="提现门槛（元）" :error="errors.threshold" data-field="threshold">
      <el-input v-model="form.threshold" inputmode="decimal" :disabled="!canEdit" placeholder="如 1"><template #prefix>¥</template></el-input>
    </el-form-item>
    <el-form-item label="单笔最低（元）" :error="errors.min" data-field="min">
      <el-input v-model="form.min" inputmode="decimal" :disabled="!canEdit" placeholder="如 1"><template #prefix>¥</template></el-input>
    </el-form-item>
    <el-form-item label="单笔最高（元）" :error="errors.max" data-field="max">
      <el-input v-model="form.max" inputmode="decimal" :disabled="!canEdit" placeholder="如 200"><template #prefix>¥</template></el-input>
    </el-form-item>
  </div>
  <div class="form-grid">
    <el-form-item label="提现频次" :error="errors.period" data-field="period">
      <el-select v-model="form.period" :disabled="!canEdit"><el-option v-for="(t, k) in L.PERIODS" :key="k" :label="t" :value="k" /></el-select>
    </el-form-item>
    <el-form-item label="最多次数" :error="errors.max_per_period" data-field="max_per_period">
      <el-input v-model="form.max_per_period" inputmode="numeric" :disabled="!canEdit"><template #suffix>次</template></el-input>
    </el-form-item>
  </div>
  <div class="form-grid">
    <el-form-item label="手续费比例" :error="errors.fee_rate" data-field="fee_rate">
      <el-input v-model="form.fee_rate" inputmode="decimal" placeholder="0 表示不收" :disabled="!canEdit"><template #suffix>%</template></el-input>
    </el-form-item>
    <el-form-item label="最低手续费（元）" :error="errors.fee_min" data-field="fee_min">
      <el-input v-model="form.fee_min" inputmode="decimal" placeholder="0" :disabled="!canEdit"><template #prefix>¥</template></el-input>
    </el-form-item>
    <el-form-item label="最高手续费（元）" :error="errors.fee_max" data-field="fee_max">
      <el-input v-model="form.fee_max" inputmode="decimal" placeholder="不限" :disabled="!canEdit"><template #prefix>¥</template></el-input>
    </el-form-item>
  </div>
  <el-form-item label="打款说明" :error="errors.payout_note" data-field="payout_note">
    <el-input v-model="form.payout_note" type="textarea" :rows="3" maxlength="500" show-word-limit :disabled="!canEdit" placeholder="推广员提现时看到的说明，如打款时间" />
  </el-form-item>
  <el-button v-if="canEdit" type="primary" native-type="submit" :loading="busy" :disabled="busy || !loaded" data-action="save-withdrawal">保存提现设置</el-button>
  <p v-else class="muted small">修改提现设置需要“财务”或“店主”权限。</p>
</el-form>`,
    created() { this.load(); },
    methods: {
      fill(r) {
        const s = r.settings || {};
        const fee = s.fee || {};
        this.form = {
          methods: (s.methods || []).slice(), auto_payout: (r.auto_payout || []).slice(), threshold: yuanInput(s.threshold_fen, s.threshold_text), min: yuanInput(s.min_fen, s.min_text),
          max: yuanInput(s.max_fen, s.max_text), period: s.period || 'day', max_per_period: s.max_per_period == null ? '' : String(s.max_per_period),
          fee_rate: fee.rate_bp ? kit.bp(fee.rate_bp).replace('%', '') : '', fee_min: fee.min_fen ? yuanInput(fee.min_fen, fee.min_text) : '',
          fee_max: fee.max_fen == null ? '' : yuanInput(fee.max_fen, fee.max_text),
          payout_note: r.payout_note !== undefined ? (r.payout_note || '') : (s.payout_note || ''),
        };
        this.warnings = (r.warnings || []).map((w) => L.messageOf(w)).filter((m, i, a) => a.indexOf(m) === i);
      },
      async load() {
        try { this.fill(await api.get('/api/merchant/settings/withdrawal')); } catch (e) { this.error = e.message; } finally { this.loaded = true; }
      },
      async save() {
        if (this.busy) return;
        const f = this.form;
        const errors = {};
        const money = (k, { zero = true, optional = false } = {}) => {
          const p = optionalYuan(f[k], zero);
          if (p.error) { errors[k] = p.error; return undefined; }
          if (p.fen === null && !optional) { errors[k] = '请输入金额'; return undefined; }
          return p.fen;
        };
        if (!f.methods.length) errors.methods = '请至少选择一种提现方式';
        const threshold = money('threshold');
        const min = money('min');
        const max = money('max');
        const feeMin = money('fee_min', { optional: true });
        const feeMax = money('fee_max', { optional: true });
        const rate = kit.parsePercent(f.fee_rate, 50);
        if (rate.error) errors.fee_rate = rate.error;
        const per = count(f.max_per_period, { min: 1, max: 1000, label: '次数' });
        if (per.error) errors.max_per_period = per.error;
        this.errors = errors;
        if (Object.keys(errors).length) return;
        const settings = {
          methods: f.methods, threshold_fen: threshold, min_fen: min, max_fen: max, period: f.period, max_per_period: per.value,
          fee: { rate_bp: rate.value, min_fen: feeMin || 0, max_fen: feeMax === undefined ? null : feeMax },
        };
        this.busy = true;
        this.error = '';
        try {
          const r = await api.put('/api/merchant/settings/withdrawal', { settings, payout_note: f.payout_note.trim(), auto_payout: f.auto_payout });
          this.fill({ payout_note: f.payout_note.trim(), auto_payout: f.auto_payout, ...r });
          kit.ok('提现设置已保存');
        } catch (e) {
          const { fields, general } = L.split(e, [], FEE_ALIASES);
          this.errors = fields;
          this.error = general;
        } finally {
          this.busy = false;
        }
      },
    },
  };

  // 业绩归属
  parts['attribution-settings'] = {
    data: () => ({
      L, programs: [], programId: '', data: null, loading: false, error: '', errors: {}, busy: false, switching: false,
      form: { binding_days: '', share_window_hours: '', bind_on: 'visit', auto_unbind: 'never', mode: 'relation_first' },
    }),
    computed: {
      canEdit() { return api.can('programs'); },
      program() { return this.programs.find((p) => String(p.program_id) === this.programId) || null; },
      draft() { return this.program && this.program.status === 'draft'; },
      sw() { return (this.data && this.data.switch) || null; },
      otherMode() { return this.data && this.data.mode === 'sharer_first' ? 'relation_first' : 'sharer_first'; },
      switchText() {
        const s = this.sw;
        if (!s) return '';
        const to = L.label(L.ATTRIBUTION_MODES, s.to || this.otherMode);
        const at = (k) => api.text(s, k);
        if (s.allowed) {
          return `现在切换为“${to}”，将于 ${at('effective_ms')} 生效（生效前仍按“${L.label(L.ATTRIBUTION_MODES, this.data.mode)}”）；切换后下次可切换时间为 ${at('next_allowed_ms')} 之后。`;
        }
        const from = s.allowed_from_ms || s.next_allowed_ms || (s.decision && s.decision.facts && s.decision.facts.next_allowed_ms);
        return from ? `距上次切换不足 3 天，${api.timeText(from)} 之后才能再次切换。` : '暂不能切换。';
      },
      effectText() {
        return this.otherMode === 'sharer_first' ? '改为分享人优先后，所有“已绑定”的关系链将失效。' : '改为关系链优先后，仅对之后新产生的关系链生效。';
      },
      pendingText() {
        const p = this.data && this.data.pending_switch;
        if (!p) return '';
        return `已申请切换为“${L.label(L.ATTRIBUTION_MODES, p.to)}”，将于 ${api.text(p, 'effective_ms')} 生效。`;
      },
    },
    template: `
<div class="narrow-form" data-form="attribution">
  <el-form label-position="top" @submit.prevent="save">
    <el-form-item label="分销计划">
      <el-select v-model="programId" placeholder="选择分销计划" class="wide" data-field="program" @change="load">
        <el-option v-for="p in programs" :key="p.program_id" :label="L.programName(p.title, p.kind, p.program_id)" :value="String(p.program_id)" />
      </el-select>
      <p v-if="!programs.length" class="muted small">还没有分销计划。</p>
    </el-form-item>
    <div v-loading="loading">
      <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
      <template v-if="data">
        <el-form-item label="业绩归属方式" :error="errors.mode" data-field="mode">
          <el-radio-group v-if="draft" v-model="form.mode" :disabled="!canEdit">
            <el-radio value="relation_first">关系链优先</el-radio><el-radio value="sharer_first">分享人优先</el-radio>
          </el-radio-group>
          <div v-else class="mode-box">
            <div>当前：<b data-role="mode-now">{{ L.label(L.ATTRIBUTION_MODES, data.mode) }}</b></div>
            <div v-if="pendingText" class="muted small" data-role="pending-switch">{{ pendingText }}</div>
            <div class="muted small" data-role="switch-text">{{ switchText }}</div>
            <div v-if="sw && sw.allowed" class="muted small">{{ effectText }}</div>
            <el-button v-if="canEdit" size="small" :disabled="switching || !sw || !sw.allowed" :loading="switching" data-action="switch-mode" @click="switchMode">切换为{{ L.label(L.ATTRIBUTION_MODES, (sw && sw.to) || otherMode) }}</el-button>
          </div>
        </el-form-item>
        <el-form-item label="绑定有效期（天）" :error="errors.binding_days" data-field="binding_days">
          <el-input v-model="form.binding_days" inputmode="numeric" :disabled="!canEdit"><template #suffix>天</template></el-input>
          <div class="muted small hint">有效期内客户再次访问上级推广员的链接自动续期。</div>
        </el-form-item>
        <el-form-item label="分享有效期（小时）" :error="errors.share_window_hours" data-field="share_window_hours">
          <el-input v-model="form.share_window_hours" inputmode="numeric" :disabled="!canEdit"><template #suffix>小时</template></el-input>
          <div class="muted small hint">分享人优先（或客户没有绑定关系）时，打开分享链接后多长时间内下单计入分享人。</div>
        </el-form-item>
        <el-form-item label="何时绑定" :error="errors.bind_on" data-field="bind_on">
          <el-radio-group v-model="form.bind_on" :disabled="!canEdit"><el-radio value="visit">访问链接时</el-radio><el-radio value="order">下单时</el-radio></el-radio-group>
        </el-form-item>
        <el-form-item label="自动解绑" :error="errors.auto_unbind" data-field="auto_unbind">
          <el-radio-group v-model="form.auto_unbind" :disabled="!canEdit">
            <el-radio value="never">从不自动解绑</el-radio><el-radio value="on_expiry">有效期结束自动解绑</el-radio>
          </el-radio-group>
          <div v-if="!draft && form.auto_unbind !== data.auto_unbind" class="muted small hint">
            {{ form.auto_unbind === 'on_expiry' ? '保存后立即生效：所有客户关系按当前有效期重新计算到期时间。' : '保存后立即生效：所有“已绑定”的关系链变为永久。' }}</div>
        </el-form-item>
        <el-button v-if="canEdit" type="primary" native-type="submit" :loading="busy" :disabled="busy" data-action="save-attribution">保存业绩归属设置</el-button>
        <p v-else class="muted small">修改业绩归属需要“运营”或“店主”权限。</p>
      </template>
    </div>
  </el-form>
</div>`,
    async created() {
      try { this.programs = (await api.get('/api/merchant/programs', { kind: 'distribution' })).programs || []; } catch (e) { this.error = e.message; }
      if (this.programs.length) { this.programId = String(this.programs[0].program_id); this.load(); }
    },
    methods: {
      fill(r) {
        this.data = r;
        const s = r.settings || {};
        this.form = {
          binding_days: s.binding_days == null ? '' : String(s.binding_days), share_window_hours: s.share_window_hours == null ? '' : String(s.share_window_hours),
          bind_on: s.bind_on || 'visit', auto_unbind: r.auto_unbind || 'never', mode: r.mode || 'relation_first',
        };
      },
      async load() {
        if (!this.programId) return;
        this.loading = true;
        this.error = '';
        this.errors = {};
        try { this.fill(await api.get(`/api/merchant/programs/${this.programId}/attribution`)); } catch (e) { this.error = e.message; } finally { this.loading = false; }
      },
      async save() {
        if (this.busy) return;
        const f = this.form;
        const errors = {};
        const days = count(f.binding_days, { min: 1, max: 3650, label: '绑定有效期' });
        if (days.error) errors.binding_days = days.error;
        const hours = count(f.share_window_hours, { min: 1, max: 8760, label: '分享有效期' });
        if (hours.error) errors.share_window_hours = hours.error;
        this.errors = errors;
        if (Object.keys(errors).length) return;
        const body = { binding_days: days.value, share_window_hours: hours.value, bind_on: f.bind_on };
        if (f.auto_unbind !== this.data.auto_unbind || this.draft) body.auto_unbind = f.auto_unbind;
        if (this.draft) body.mode = f.mode;
        this.busy = true;
        this.error = '';
        try {
          this.fill(await api.put(`/api/merchant/programs/${this.programId}/attribution`, body));
          kit.ok('业绩归属设置已保存');
        } catch (e) {
          const { fields, general } = L.split(e, ['binding_days', 'share_window_hours', 'bind_on', 'auto_unbind', 'mode']);
          this.errors = fields;
          this.error = general;
        } finally {
          this.busy = false;
        }
      },
      async switchMode() {
        if (this.switching || !this.sw) return;
        const to = this.sw.to || this.otherMode;
        try {
          await root.ElementPlus.ElMessageBox.confirm(`${this.switchText}${this.effectText}确定切换吗？`, '切换业绩归属方式',
            { confirmButtonText: '确定切换', cancelButtonText: '取消', type: 'warning' });
        } catch (e) { return; }
        this.switching = true;
        this.error = '';
        try {
          this.fill(await api.post(`/api/merchant/programs/${this.programId}/attribution/mode-switch`, { to }));
          kit.ok('已申请切换，将按上面的时间生效');
        } catch (e) {
          const facts = e.errors && e.errors[0] && e.errors[0].decision && e.errors[0].decision.facts;
          this.error = facts && facts.next_allowed_ms ? `${e.message}（${api.timeText(facts.next_allowed_ms)} 之后可再切换）` : e.message;
        } finally {
          this.switching = false;
        }
      },
    },
  };

  // 推广海报
  parts['poster-settings'] = {
    data: () => ({ loaded: false, busy: false, error: '', errors: {}, form: { background_url: '', copy: '' } }),
    computed: { canEdit() { return api.can('programs'); } },
    template: `
<el-form label-position="top" class="narrow-form" v-loading="!loaded" data-form="poster" @submit.prevent="save">
  <p class="muted small">推广员分享的海报：背景图与推广文案，二维码和推广员信息由系统自动生成。</p>
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
  <el-form-item label="海报背景图地址" :error="errors.background_url" data-field="background_url">
    <el-input v-model="form.background_url" maxlength="500" placeholder="https://…（建议 750×1334）" :disabled="!canEdit" />
  </el-form-item>
  <el-form-item label="推广文案" :error="errors.copy" data-field="copy">
    <el-input v-model="form.copy" type="textarea" :rows="3" maxlength="200" show-word-limit placeholder="如 好茶推荐给你，扫码立享新人价" :disabled="!canEdit" />
  </el-form-item>
  <div class="poster-preview" data-role="poster-preview">
    <img v-if="/^(https?:)?\\//.test(form.background_url)" :src="form.background_url" alt="海报背景" />
    <div class="poster-copy">{{ form.copy || '推广文案' }}</div>
  </div>
  <el-button v-if="canEdit" type="primary" native-type="submit" :loading="busy" :disabled="busy || !loaded" data-action="save-poster">保存海报设置</el-button>
</el-form>`,
    async created() {
      try {
        const r = await api.get('/api/merchant/settings/poster');
        const p = r.poster || r.settings || r;
        this.form = { background_url: p.background_url || '', copy: p.copy || '' };
      } catch (e) { this.error = e.message; } finally { this.loaded = true; }
    },
    methods: {
      async save() {
        if (this.busy) return;
        const url = this.form.background_url.trim();
        this.errors = {};
        if (url && !/^(https?:\/\/|\/)/.test(url)) { this.errors.background_url = '请输入以 https:// 或 / 开头的图片地址'; return; }
        this.busy = true;
        this.error = '';
        try {
          await api.put('/api/merchant/settings/poster', { background_url: url || null, copy: this.form.copy.trim() });
          kit.ok('海报设置已保存');
        } catch (e) {
          const { fields, general } = L.split(e, ['background_url', 'copy']);
          this.errors = fields;
          this.error = general;
        } finally {
          this.busy = false;
        }
      },
    },
  };

  // 商品
  const emptyProduct = () => ({ open: false, isNew: true, form: { product_id: '', name: '', price: '', cost: '', image_url: '', show_commission: 'all' }, errors: {}, error: '', busy: false });
  parts['product-settings'] = {
    data: () => ({ L, store: api.store, products: [], loading: false, error: '', dlg: emptyProduct() }),
    computed: { canEdit() { return api.can('programs'); }, width() { return kit.width('520px'); } },
    template: `
<div data-form="products">
  <div class="toolbar"><span class="muted small">分销计划的商品目录。每个商品、每个等级的佣金比例在方案编辑器中设置。</span><span class="grow"></span>
    <el-button v-if="canEdit" type="primary" data-action="add-product" @click="open(null)">添加商品</el-button></div>
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
  <div class="cards" v-loading="loading" data-table="products">
    <p v-if="!products.length && !loading" class="muted small empty">还没有商品</p>
    <div v-for="p in products" :key="p.product_id" class="card-row product-row" data-card :data-product="p.product_id">
      <div class="card-row-head">
        <img v-if="p.image_url" :src="p.image_url" alt="" class="product-thumb" />
        <div class="card-row-title">
          <div class="program-title">{{ p.name }}</div>
          <div class="muted small">编号 {{ p.product_id }} · 售价 <b data-role="price">{{ t(p, 'price_fen') }}</b> · 成本 {{ p.cost_fen == null ? '未设置' : t(p, 'cost_fen') }}</div>
          <div class="muted small">“赚”显示给：{{ L.label(L.SHOW_COMMISSION, p.show_commission || 'all') }}</div>
        </div>
        <el-button v-if="canEdit" link type="primary" :data-edit-product="p.product_id" @click="open(p)">编辑</el-button>
      </div>
    </div>
  </div>
  <el-dialog v-model="dlg.open" :title="dlg.isNew ? '添加商品' : '编辑商品'" :width="width" append-to-body class="op-dialog" data-dialog="product" :close-on-click-modal="!dlg.busy">
    <el-form label-position="top" @submit.prevent="save">
      <el-form-item label="商品编号" :error="dlg.errors.product_id" data-field="product_id">
        <el-input v-model="dlg.form.product_id" maxlength="64" :disabled="!dlg.isNew" placeholder="英文字母、数字、- 或 _，如 tea-500" />
      </el-form-item>
      <el-form-item label="商品名称" :error="dlg.errors.name" data-field="name"><el-input v-model="dlg.form.name" maxlength="128" /></el-form-item>
      <div class="form-grid">
        <el-form-item label="售价（元）" :error="dlg.errors.price" data-field="price"><el-input v-model="dlg.form.price" inputmode="decimal"><template #prefix>¥</template></el-input></el-form-item>
        <el-form-item label="成本价（元）" :error="dlg.errors.cost" data-field="cost"><el-input v-model="dlg.form.cost" inputmode="decimal" placeholder="不填则不做成本价保护"><template #prefix>¥</template></el-input></el-form-item>
      </div>
      <el-form-item label="商品图片地址" :error="dlg.errors.image_url" data-field="image_url"><el-input v-model="dlg.form.image_url" maxlength="500" placeholder="https://…" /></el-form-item>
      <el-form-item label="商品详情显示佣金（“赚”图标显示人群）" :error="dlg.errors.show_commission" data-field="show_commission">
        <el-radio-group v-model="dlg.form.show_commission"><el-radio v-for="(t, k) in L.SHOW_COMMISSION" :key="k" :value="k">{{ t }}</el-radio></el-radio-group>
      </el-form-item>
    </el-form>
    <el-alert v-if="dlg.error" class="form-alert" type="error" :title="dlg.error" :closable="false" show-icon />
    <template #footer>
      <el-button @click="dlg.open = false" :disabled="dlg.busy">取消</el-button>
      <el-button type="primary" :loading="dlg.busy" :disabled="dlg.busy" data-action="save-product" @click="save">保存</el-button>
    </template>
  </el-dialog>
</div>`,
    created() { this.load(); },
    methods: {
      t: api.text,
      async load() {
        this.loading = true;
        this.error = '';
        try { this.products = (await api.get('/api/merchant/products')).products || []; } catch (e) { this.error = e.message; } finally { this.loading = false; }
      },
      open(p) {
        const d = emptyProduct();
        d.open = true;
        if (p) {
          d.isNew = false;
          d.form = { product_id: p.product_id, name: p.name || '', price: yuanInput(p.price_fen, p.price_text), cost: p.cost_fen == null ? '' : yuanInput(p.cost_fen, p.cost_text),
            image_url: p.image_url || '', show_commission: p.show_commission || 'all' };
        }
        this.dlg = d;
      },
      async save() {
        const d = this.dlg;
        if (d.busy) return;
        const f = d.form;
        const errors = {};
        const id = f.product_id.trim();
        if (!id) errors.product_id = '请输入商品编号';
        else if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) errors.product_id = '商品编号只能包含英文字母、数字、- 和 _';
        if (!f.name.trim()) errors.name = '请输入商品名称';
        const price = api.parseYuan(f.price);
        if (price.error) errors.price = price.error;
        const cost = optionalYuan(f.cost);
        if (cost.error) errors.cost = cost.error;
        const url = f.image_url.trim();
        if (url && !/^(https?:\/\/|\/)/.test(url)) errors.image_url = '请输入以 https:// 或 / 开头的图片地址';
        d.errors = errors;
        if (Object.keys(errors).length) return;
        d.busy = true;
        d.error = '';
        try {
          const body = { name: f.name.trim(), price_fen: price.fen, show_commission: f.show_commission };
          if (cost.fen !== null) body.cost_fen = cost.fen; // left empty: no cost price (no cost protection)
          if (url) body.image_url = url;
          await api.put(`/api/merchant/products/${encodeURIComponent(id)}`, body);
          kit.ok('商品已保存');
          d.open = false;
          await this.load();
        } catch (e) {
          const { fields, general } = L.split(e, ['product_id', 'name', 'image_url', 'show_commission'], { price_fen: 'price', cost_fen: 'cost' });
          d.errors = fields;
          d.error = general;
        } finally {
          d.busy = false;
        }
      },
    },
  };

  // 标签
  parts['tag-settings'] = {
    data: () => ({ tags: [], loading: false, error: '', user: '', userTags: '', errors: {}, busy: false }),
    computed: { canEdit() { return api.can('programs'); } },
    template: `
<div class="narrow-form" data-form="tags">
  <p class="muted small">标签用于“指定标签”的申请条件。下面是正在使用的全部标签。</p>
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
  <div class="tag-cloud" v-loading="loading" data-table="tags">
    <el-tag v-for="t in tags" :key="t.tag" disable-transitions effect="plain" class="tag-item">{{ t.tag }}<span v-if="t.users !== undefined" class="muted"> · {{ t.users }} 人</span></el-tag>
    <p v-if="!tags.length && !loading" class="muted small">还没有标签</p>
  </div>
  <el-form v-if="canEdit" label-position="top" @submit.prevent="save" class="tag-form">
    <h3 class="section-title">给用户设置标签</h3>
    <el-form-item label="用户编号" :error="errors.user" data-field="user_id"><el-input v-model="user" inputmode="numeric" placeholder="如 201" /></el-form-item>
    <el-form-item label="标签（多个用逗号或空格分隔，留空表示清除）" :error="errors.tags" data-field="tags"><el-input v-model="userTags" maxlength="700" placeholder="如 vip，老客户" /></el-form-item>
    <el-button type="primary" native-type="submit" :loading="busy" :disabled="busy" data-action="save-tags">保存</el-button>
  </el-form>
</div>`,
    created() { this.load(); },
    methods: {
      async load() {
        this.loading = true;
        this.error = '';
        try {
          this.tags = ((await api.get('/api/merchant/tags')).tags || []).map((t) => (typeof t === 'string' ? { tag: t } : t)).filter((t) => t.tag);
        } catch (e) { this.error = e.message; } finally { this.loading = false; }
      },
      async save() {
        if (this.busy) return;
        const errors = {};
        const u = api.parseCount(String(this.user).trim());
        if (u.error || u.value < 1) errors.user = '请输入用户编号（正整数）';
        const list = String(this.userTags).split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean);
        const tags = list.filter((t, i) => list.indexOf(t) === i);
        if (tags.length > 20) errors.tags = '每位用户最多 20 个标签';
        else if (tags.some((t) => [...t].length > 32)) errors.tags = '每个标签最多 32 个字';
        this.errors = errors;
        if (Object.keys(errors).length) return;
        this.busy = true;
        try {
          await api.put(`/api/merchant/users/${u.value}/tags`, { tags });
          kit.ok(`已保存用户 ${u.value} 的标签`);
          await this.load();
        } catch (e) {
          const { fields, general } = L.split(e, ['tags']);
          this.errors = { tags: fields.tags || general };
        } finally {
          this.busy = false;
        }
      },
    },
  };
})(window);
