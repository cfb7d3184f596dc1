// A distributor's page (in the 推广员 drawer): status, inviter, commission by state, grade and the
// progress to the next (the engine's gradeStatus), the grade history, bound customers, team,
// orders credited, withdrawals. Actions (运营 / 店主): 设置等级, 冻结 / 解冻, 取消资格, 分组,
// 修改邀请人 (a cycle refused by the engine, its reason shown), and per customer 改绑 / 解绑 with
// the engine's decision (the server's preview) shown before confirming.
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const parts = (S.parts = S.parts || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;
  const kit = S.kit;
  const E = () => root.ShareEngine || {};

  // The engine's words for a decision (rebind, unbind, a refused inviter), else the code's.
  function decisionText(decision, role) {
    if (!decision) return '';
    if (decision.text || decision.reason_text) return decision.text || decision.reason_text;
    try {
      const t = E().explainZh ? E().explainZh(decision, { role }) : '';
      if (t && /[\u4e00-\u9fff]/.test(t)) return t;
    } catch (e) { /* fall back to the code's words */ }
    return '';
  }
  function refusalText(err, role) {
    const p = (err && err.errors && err.errors[0]) || {};
    const why = (p.message_zh && /[\u4e00-\u9fff]/.test(p.message_zh) ? p.message_zh : '') || decisionText(p.decision || (err && err.decision), role);
    if (!why) return err.message;
    // The engine's sentence already says what and why ("…会形成循环。"); the code's words only lead it when they add something.
    const lead = L.messageOf(p);
    return lead === L.GENERIC || why.includes(lead.replace(/。$/, '')) ? why : `${lead}：${why}`;
  }

  parts['distributor-detail'] = {
    props: { programId: [String, Number], userId: [String, Number], programs: Array, groups: Array, roleName: { type: String, default: '推广员' } },
    emits: ['changed'],
    data() {
      return {
        store: api.store, L, kit, data: null, loading: false, error: '', actionError: '', busy: {},
        gradeDlg: { open: false, value: '', error: '', busy: false },
        groupDlg: { open: false, value: [], error: '', busy: false },
        inviterDlg: { open: false, value: '', fieldError: '', error: '', busy: false },
        bindDlg: { open: false, kind: 'rebind', customer: null, target: '', fieldError: '', error: '', preview: null, previewing: false, busy: false, seq: 0 },
      };
    },
    computed: {
      canEdit() { return api.can('programs'); },
      canMoney() { return api.can('money'); },
      d() { return (this.data && this.data.distributor) || {}; },
      program() { return (this.programs || []).find((p) => String(p.program_id) === String(this.programId)) || null; },
      programGrades() { return ((this.program && this.program.config) || {}).grades || []; },
      commission() { return (this.data && this.data.commission) || {}; },
      grade() { return (this.data && this.data.grade) || {}; },
      progress() { return this.grade.progress || null; },
      nextThresholds() { return (this.progress && this.progress.next && this.progress.next.thresholds) || []; },
      progressText() {
        const p = this.progress;
        if (!p) return '';
        if (p.text || p.progress_text) return p.text || p.progress_text;
        try { return E().gradeZh ? E().gradeZh(p, { role: this.roleName }) : ''; } catch (e) { return ''; }
      },
      history() { return this.grade.history || []; },
      customers() { return ((this.data && this.data.customers) || {}).recent || []; },
      team() { return ((this.data && this.data.team) || {}).recent || []; },
      orders() { return ((this.data && this.data.orders) || {}).recent || []; },
      withdrawals() { return (this.data && this.data.withdrawals) || []; },
      inviter() { return (this.data && this.data.inviter) || null; },
      active() { return this.d.status === 'approved'; },
      groupNames() { return Object.fromEntries((this.groups || []).map((g) => [String(g.group_id), g.name])); },
      width() { return kit.width('480px'); },
      base() { return `/api/merchant/distributors/${this.programId}/${this.userId}`; },
    },
    template: `
<div class="order-detail distributor-detail" v-loading="loading" data-role="distributor-detail">
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
  <template v-if="data">
    <div class="detail-actions">
      <el-tag disable-transitions :type="L.DISTRIBUTOR_STATUS_TAG[d.status] || 'info'" data-role="distributor-status">{{ d.status_text || L.label(L.DISTRIBUTOR_STATUS, d.status) }}</el-tag>
      <span class="grow"></span>
      <template v-if="canEdit && d.status !== 'revoked' && d.status !== 'rejected' && d.status !== 'pending'">
        <el-button v-if="programGrades.length > 1" data-action="set-grade" @click="openGrade">设置等级</el-button>
        <el-button data-action="set-groups" @click="openGroups">分组</el-button>
        <el-button data-action="set-inviter" @click="openInviter">修改邀请人</el-button>
        <el-button v-if="d.status === 'frozen'" :loading="busy.unfreeze" :disabled="!!busy.unfreeze" data-action="unfreeze" @click="simple('unfreeze')">解冻</el-button>
        <el-button v-else type="warning" plain :loading="busy.freeze" :disabled="!!busy.freeze" data-action="freeze" @click="simple('freeze')">冻结</el-button>
        <el-button type="danger" plain :loading="busy.revoke" :disabled="!!busy.revoke" data-action="revoke" @click="simple('revoke')">取消资格</el-button>
      </template>
    </div>
    <el-alert v-if="actionError" class="form-alert" type="error" :title="actionError" :closable="false" show-icon data-role="action-error" />
    <el-alert v-if="d.status === 'frozen'" class="form-alert" type="warning" :closable="false" show-icon
      :title="'已冻结：不再获得新的佣金，也不能提现；已获得的佣金保留。'" />
    <el-alert v-if="d.status === 'rejected' && d.reject_reason" class="form-alert" type="info" :closable="false" show-icon :title="'驳回原因：' + d.reject_reason" />
    <el-descriptions :column="store.phone ? 1 : 2" border size="small" class="desc">
      <el-descriptions-item :label="roleName"><span data-role="distributor-name">{{ kit.who(d.name, d.user_id) }}</span></el-descriptions-item>
      <el-descriptions-item label="手机号">{{ d.phone_masked || '—' }}</el-descriptions-item>
      <el-descriptions-item label="计划">{{ program ? L.programName(program.title, program.kind, program.program_id) : L.programName(null, 'distribution', programId) }}</el-descriptions-item>
      <el-descriptions-item label="邀请人"><span data-role="inviter">{{ inviterText }}</span></el-descriptions-item>
      <el-descriptions-item label="等级"><span data-role="grade-name">{{ d.grade_name || grade.current_name || d.grade || '—' }}</span><span v-if="grade.manual" class="muted small">（手动设置）</span></el-descriptions-item>
      <el-descriptions-item label="分组"><span data-role="groups">{{ groupText || '未分组' }}</span></el-descriptions-item>
      <el-descriptions-item label="申请时间">{{ t(d, d.applied_ms ? 'applied_ms' : 'created_ms') }}</el-descriptions-item>
      <el-descriptions-item label="审核时间">{{ d.decided_ms ? t(d, 'decided_ms') : '—' }}</el-descriptions-item>
    </el-descriptions>

    <h3 class="section-title">佣金</h3>
    <div class="tiles tiles-4" data-role="commission">
      <div class="tile"><div class="tile-label">待结算</div><div class="tile-value" data-role="commission-pending">{{ t(commission, 'pending_fen') }}</div></div>
      <div class="tile"><div class="tile-label">冻结中</div><div class="tile-value" data-role="commission-frozen">{{ t(commission, 'frozen_fen') }}</div></div>
      <div class="tile"><div class="tile-label">可提现</div><div class="tile-value" data-role="commission-available">{{ t(commission, 'available_fen') }}</div></div>
      <div class="tile"><div class="tile-label">已扣回</div><div class="tile-value" data-role="commission-reversed">{{ t(commission, 'reversed_fen') }}</div></div>
    </div>

    <h3 class="section-title">等级与升级进度</h3>
    <p class="why" data-role="grade-progress">{{ progressText || '该计划只设置了一个等级。' }}</p>
    <div v-if="nextThresholds.length" class="thresholds" data-table="thresholds">
      <div v-for="th in nextThresholds" :key="th.metric" class="threshold">
        <div class="mini-head"><span>{{ L.GRADE_METRICS[th.metric] || '升级条件' }}</span><span class="muted small">{{ thresholdText(th) }}</span></div>
        <el-progress :percentage="percent(th)" :status="th.met ? 'success' : undefined" :stroke-width="8" :show-text="false" />
      </div>
    </div>
    <div v-if="history.length" class="mini-list" data-table="grade-history">
      <div v-for="(h, k) in history" :key="k" class="mini-row">
        <div class="mini-head"><span>{{ gradeName(h.from) }} → <b>{{ gradeName(h.to) }}</b></span><span class="muted small">{{ t(h, 'at_ms') }}</span></div>
        <div class="muted small">{{ h.by === 'merchant' ? '商家手动设置' : '达到升级条件，自动升级' }}<span v-if="h.why_text"> · {{ h.why_text }}</span></div>
      </div>
    </div>

    <h3 class="section-title">绑定客户<span class="muted small">（共 {{ countOf('customers') }} 人）</span></h3>
    <div class="mini-list" data-table="customers">
      <p v-if="!customers.length" class="muted small">还没有绑定客户</p>
      <div v-for="c in customers" :key="cid(c)" class="mini-row" data-card :data-customer="cid(c)">
        <div class="mini-head">
          <span>{{ kit.who(c.name || c.nickname, cid(c)) }}<span class="muted small" v-if="c.bound_since_ms"> · 绑定于 {{ t(c, 'bound_since_ms') }}</span></span>
          <span v-if="canEdit" class="row-actions">
            <el-button link type="primary" :data-rebind="cid(c)" @click="openBind('rebind', c)">改绑</el-button>
            <el-button link type="danger" :data-unbind="cid(c)" @click="openBind('unbind', c)">解绑</el-button>
          </span>
        </div>
      </div>
    </div>

    <h3 class="section-title">团队（邀请的{{ roleName }}）<span class="muted small">（共 {{ countOf('team') }} 人）</span></h3>
    <div class="mini-list" data-table="team">
      <p v-if="!team.length" class="muted small">还没有邀请{{ roleName }}</p>
      <div v-for="m in team" :key="m.user_id" class="mini-row" data-card>
        <div class="mini-head"><span>{{ kit.who(m.name || m.nickname, m.user_id) }}</span><span class="muted small">{{ m.status ? (m.status_text || L.label(L.DISTRIBUTOR_STATUS, m.status)) : '' }}</span></div>
      </div>
    </div>

    <h3 class="section-title">业绩订单<span class="muted small">（共 {{ countOf('orders') }} 笔）</span></h3>
    <div class="mini-list" data-table="credited-orders">
      <p v-if="!orders.length" class="muted small">还没有业绩订单</p>
      <div v-for="o in orders" :key="o.order_id" class="mini-row" data-card>
        <div class="mini-head"><span>订单 {{ o.order_id }} · {{ o.status_text || L.label(L.ORDER_STATUS, o.status) }}</span><b>{{ t(o, 'paid_fen') }}</b></div>
        <div class="muted small">{{ o.paid_ms ? t(o, 'paid_ms') : t(o, 'created_ms') }}<span v-if="o.commission_text"> · 佣金 {{ o.commission_text }}</span></div>
      </div>
    </div>

    <h3 class="section-title">提现记录</h3>
    <div class="mini-list" data-table="distributor-withdrawals">
      <p v-if="!withdrawals.length" class="muted small">还没有提现</p>
      <div v-for="w in withdrawals" :key="w.withdrawal_id" class="mini-row" data-card>
        <div class="mini-head"><span>{{ w.method_text || L.label(L.WITHDRAWAL_METHODS, w.method) }} · {{ w.status_text || L.label(L.WITHDRAWAL_STATUS, w.status) }}</span><b>{{ t(w, 'amount_fen') }}</b></div>
        <div class="muted small">{{ t(w, 'created_ms') }}<span v-if="w.reject_reason"> · 驳回原因：{{ w.reject_reason }}</span></div>
      </div>
    </div>
  </template>

  <el-dialog v-model="gradeDlg.open" title="设置等级" :width="width" append-to-body class="op-dialog" data-dialog="grade" :close-on-click-modal="!gradeDlg.busy">
    <p class="dialog-lead">手动设置后记入等级记录；之后仍按升级条件自动升级，不会自动降级。</p>
    <el-form label-position="top" @submit.prevent="saveGrade">
      <el-form-item label="等级" :error="gradeDlg.error" data-field="grade">
        <el-radio-group v-model="gradeDlg.value" class="grade-options">
          <el-radio v-for="g in programGrades" :key="g.id" :value="g.id" :data-grade="g.id">{{ g.name || g.id }}</el-radio>
        </el-radio-group>
      </el-form-item>
    </el-form>
    <template #footer>
      <el-button @click="gradeDlg.open = false" :disabled="gradeDlg.busy">取消</el-button>
      <el-button type="primary" :loading="gradeDlg.busy" :disabled="gradeDlg.busy" data-action="confirm-grade" @click="saveGrade">保存</el-button>
    </template>
  </el-dialog>

  <el-dialog v-model="groupDlg.open" title="分组" :width="width" append-to-body class="op-dialog" data-dialog="member-groups" :close-on-click-modal="!groupDlg.busy">
    <el-form label-position="top" @submit.prevent="saveGroups">
      <el-form-item label="所属分组（可多选）" :error="groupDlg.error" data-field="group_ids">
        <el-checkbox-group v-model="groupDlg.value">
          <el-checkbox v-for="g in groups" :key="g.group_id" :value="String(g.group_id)" :data-group-option="g.group_id">{{ g.name }}</el-checkbox>
        </el-checkbox-group>
        <p v-if="!(groups || []).length" class="muted small">还没有分组，请先在“分组管理”中新建。</p>
      </el-form-item>
    </el-form>
    <template #footer>
      <el-button @click="groupDlg.open = false" :disabled="groupDlg.busy">取消</el-button>
      <el-button type="primary" :loading="groupDlg.busy" :disabled="groupDlg.busy" data-action="confirm-groups" @click="saveGroups">保存</el-button>
    </template>
  </el-dialog>

  <el-dialog v-model="inviterDlg.open" title="修改邀请人" :width="width" append-to-body class="op-dialog" data-dialog="inviter" :close-on-click-modal="!inviterDlg.busy">
    <p class="dialog-lead">邀请人获得下级{{ roleName }}客户订单的邀请奖励。邀请关系不能形成循环（不能把自己的下级设为邀请人）。留空表示没有邀请人。</p>
    <el-form label-position="top" @submit.prevent="saveInviter">
      <el-form-item label="邀请人编号" :error="inviterDlg.fieldError" data-field="inviter_id">
        <el-input v-model="inviterDlg.value" inputmode="numeric" placeholder="用户编号，留空则清除" clearable @input="inviterDlg.fieldError = ''; inviterDlg.error = ''" />
      </el-form-item>
    </el-form>
    <el-alert v-if="inviterDlg.error" class="form-alert" type="error" :title="inviterDlg.error" :closable="false" show-icon data-role="inviter-error" />
    <template #footer>
      <el-button @click="inviterDlg.open = false" :disabled="inviterDlg.busy">取消</el-button>
      <el-button type="primary" :loading="inviterDlg.busy" :disabled="inviterDlg.busy" data-action="confirm-inviter" @click="saveInviter">保存</el-button>
    </template>
  </el-dialog>

  <el-dialog v-model="bindDlg.open" :title="bindDlg.kind === 'rebind' ? '改绑客户' : '解绑客户'" :width="width" append-to-body class="op-dialog" data-dialog="bind" :close-on-click-modal="!bindDlg.busy">
    <p class="dialog-lead" v-if="bindDlg.customer">客户 {{ kit.who(bindDlg.customer.name || bindDlg.customer.nickname, cid(bindDlg.customer)) }}，当前绑定 {{ kit.who(d.name, d.user_id) }}。邀请关系不随改绑变化。</p>
    <el-form v-if="bindDlg.kind === 'rebind'" label-position="top" @submit.prevent="askBind">
      <el-form-item :label="'改绑到' + roleName + '（编号）'" :error="bindDlg.fieldError" data-field="distributor_id">
        <el-input v-model="bindDlg.target" inputmode="numeric" placeholder="已通过审核的推广员编号" @input="bindChanged" />
      </el-form-item>
    </el-form>
    <div v-loading="bindDlg.previewing" class="preview-box" data-role="bind-preview">
      <p v-if="bindDlg.preview" class="why" data-role="bind-decision">{{ bindDlg.preview.text }}</p>
      <p v-else class="muted small">{{ bindDlg.kind === 'rebind' ? '输入编号后显示改绑的结果。' : '正在查询解绑的结果…' }}</p>
    </div>
    <el-alert v-if="bindDlg.error" class="form-alert" type="error" :title="bindDlg.error" :closable="false" show-icon data-role="bind-error" />
    <template #footer>
      <el-button @click="bindDlg.open = false" :disabled="bindDlg.busy">取消</el-button>
      <el-button :type="bindDlg.kind === 'rebind' ? 'primary' : 'danger'" :loading="bindDlg.busy" :disabled="bindDlg.busy || bindDlg.previewing || !bindDlg.preview || bindDlg.preview.refused"
        data-action="confirm-bind" @click="confirmBind">{{ bindDlg.kind === 'rebind' ? '确认改绑' : '确认解绑' }}</el-button>
    </template>
  </el-dialog>
</div>`,
    watch: { userId: { immediate: true, handler() { this.load(); } } },
    methods: {
      t: api.text,
      cid(c) { return c.customer_id !== undefined && c.customer_id !== null ? c.customer_id : c.user_id; },
      countOf(k) { const v = this.data && this.data[k]; return v && v.count !== undefined ? v.count : '—'; },
      gradeName(id) {
        const g = this.programGrades.find((x) => x.id === id);
        return g ? (g.name || g.id) : (id || '无');
      },
      percent(th) {
        const cur = Number(th.current) || 0;
        const target = Number(th.target) || 0;
        if (th.met || target <= 0) return th.met ? 100 : 0;
        return Math.max(0, Math.min(100, Math.floor((cur * 100) / target)));
      },
      thresholdText(th) {
        const money = /_fen$/.test(th.metric);
        const cur = money ? th.current_text : th.current;
        const target = money ? th.target_text : th.target;
        if (th.met) return '已达到';
        if (cur === undefined || target === undefined || cur === null || target === null) return money && th.missing_text ? `还差 ${th.missing_text}` : '';
        return `${cur} / ${target}`;
      },
      async load() {
        if (!this.userId) return;
        this.loading = true;
        this.error = '';
        try {
          this.data = await api.get(this.base);
        } catch (e) {
          this.error = e.message;
        } finally {
          this.loading = false;
        }
      },
      async after(text) {
        kit.ok(text);
        await this.load();
        this.$emit('changed');
      },
      async simple(verb) {
        if (this.busy[verb]) return;
        const words = {
          freeze: ['冻结', `冻结后该${this.roleName}不再获得新的佣金，也不能提现；已获得的佣金保留。确定冻结吗？`],
          unfreeze: ['解冻', `解冻后该${this.roleName}恢复获得佣金和提现。确定解冻吗？`],
          revoke: ['取消资格', `取消资格后该用户不再是${this.roleName}，已获得的佣金保留。此操作不能撤回，确定取消吗？`],
        }[verb];
        try {
          await root.ElementPlus.ElMessageBox.confirm(words[1], words[0], { confirmButtonText: words[0], cancelButtonText: '取消', type: 'warning' });
        } catch (e) { return; }
        this.busy[verb] = true;
        this.actionError = '';
        try {
          await api.post(`${this.base}/${verb}`, {});
          await this.after(`已${words[0]}`);
        } catch (e) {
          this.actionError = `${words[0]}未成功：${e.message}`;
        } finally {
          this.busy[verb] = false;
        }
      },
      openGrade() { this.gradeDlg = { open: true, value: this.d.grade || '', error: '', busy: false }; },
      async saveGrade() {
        const g = this.gradeDlg;
        if (g.busy) return;
        if (!g.value) { g.error = '请选择等级'; return; }
        g.busy = true;
        g.error = '';
        try {
          await api.put(`${this.base}/grade`, { grade: g.value });
          g.open = false;
          await this.after(`等级已设为“${this.gradeName(g.value)}”`);
        } catch (e) {
          const { fields, general } = L.split(e, ['grade']);
          g.error = fields.grade || general;
        } finally {
          g.busy = false;
        }
      },
      openGroups() { this.groupDlg = { open: true, value: (this.d.group_ids || []).map(String), error: '', busy: false }; },
      async saveGroups() {
        const g = this.groupDlg;
        if (g.busy) return;
        g.busy = true;
        g.error = '';
        try {
          await api.put(`${this.base}/groups`, { group_ids: g.value.map(Number) });
          g.open = false;
          await this.after('分组已保存');
        } catch (e) {
          const { fields, general } = L.split(e, ['group_ids']);
          g.error = fields.group_ids || general;
        } finally {
          g.busy = false;
        }
      },
      openInviter() { this.inviterDlg = { open: true, value: this.d.inviter_id ? String(this.d.inviter_id) : '', fieldError: '', error: '', busy: false }; },
      async saveInviter() {
        const g = this.inviterDlg;
        if (g.busy) return;
        const v = String(g.value || '').trim();
        let id = null;
        if (v) {
          const p = api.parseCount(v);
          if (p.error || p.value < 1) { g.fieldError = '请输入用户编号（正整数）'; return; }
          if (String(p.value) === String(this.userId)) { g.fieldError = `${this.roleName}不能是自己的邀请人`; return; }
          id = p.value;
        }
        g.busy = true;
        g.error = '';
        try {
          await api.put(`${this.base}/inviter`, { inviter_id: id });
          g.open = false;
          await this.after(id ? '邀请人已修改' : '邀请人已清除');
        } catch (e) {
          // A cycle: the engine's code and its reason (who is below whom), at the field.
          const { fields } = L.split(e, ['inviter_id']);
          const text = refusalText(e, this.roleName);
          if (fields.inviter_id || e.code === 'E_CHAIN_CYCLE') g.fieldError = text;
          else g.error = text;
        } finally {
          g.busy = false;
        }
      },
      openBind(kind, customer) {
        this.bindDlg = { open: true, kind, customer, target: '', fieldError: '', error: '', preview: null, previewing: false, busy: false, seq: 0 };
        if (kind === 'unbind') this.askBind();
      },
      bindChanged() {
        const b = this.bindDlg;
        b.fieldError = '';
        b.error = '';
        b.preview = null;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.askBind(), 300);
      },
      bindRequest() {
        const b = this.bindDlg;
        const url = `/api/merchant/programs/${this.programId}/customers/${this.cid(b.customer)}/${b.kind}`;
        if (b.kind === 'unbind') return { url, body: {} };
        const p = api.parseCount(String(b.target || '').trim());
        if (p.error || p.value < 1) return { error: String(b.target || '').trim() ? '请输入推广员编号（正整数）' : '' };
        return { url, body: { distributor_id: p.value } };
      },
      async askBind() {
        const b = this.bindDlg;
        const seq = ++b.seq;
        const r = this.bindRequest();
        if (r.error !== undefined) { b.fieldError = r.error; return; }
        b.previewing = true;
        try {
          const ans = await api.post(`${r.url}?preview=1`, r.body);
          if (seq !== b.seq) return;
          const decision = ans.decision || ans;
          b.preview = { refused: Boolean(decision.refused), text: ans.why_text || decisionText(decision, this.roleName) || (b.kind === 'rebind' ? '可以改绑。' : '可以解绑。') };
        } catch (e) {
          if (seq !== b.seq) return;
          const { fields } = L.split(e, ['distributor_id']);
          const text = refusalText(e, this.roleName);
          if (fields.distributor_id) b.fieldError = fields.distributor_id;
          else b.preview = { refused: true, text };
        } finally {
          if (seq === b.seq) b.previewing = false;
        }
      },
      async confirmBind() {
        const b = this.bindDlg;
        if (b.busy || !b.preview || b.preview.refused) return;
        const r = this.bindRequest();
        if (r.error !== undefined) { b.fieldError = r.error || '请输入推广员编号'; return; }
        b.busy = true;
        b.error = '';
        try {
          await api.post(r.url, r.body);
          b.open = false;
          await this.after(b.kind === 'rebind' ? '已改绑' : '已解绑');
        } catch (e) {
          b.error = refusalText(e, this.roleName);
        } finally {
          b.busy = false;
        }
      },
    },
  };
  Object.assign(parts['distributor-detail'].computed, {
    inviterText() {
      const i = this.inviter;
      if (i && (i.user_id || i.name)) return kit.who(i.name || i.nickname, i.user_id);
      return this.d.inviter_id ? kit.who(this.d.inviter_name, this.d.inviter_id) : '无';
    },
    groupText() { return (this.d.group_ids || []).map((g) => this.groupNames[String(g)]).filter(Boolean).join('、'); },
  });
})(window);
