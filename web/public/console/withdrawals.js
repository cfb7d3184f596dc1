// 提现 (财务 / 店主): the queue with filters (status, method, distributor, date), 通过, 驳回 with a
// reason (the money returns to the wallet; the distributor reads why), 确认已打款 with the bank or
// Alipay reference, 批量通过; the payee masked in the list and in full on 收款账户 (the server
// answers it to the money role only); the payout file of approved bank / Alipay withdrawals
// (.xlsx and .csv, 导出银行卡账号去银行批量打款); 打款说明 the distributor reads.
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;
  const kit = S.kit;
  const PAGE = 20;
  const MANUAL = ['bank', 'alipay'];

  S.Withdrawals = {
    name: 'WithdrawalsScreen',
    props: { routeId: String },
    data() {
      return {
        store: api.store, L, kit,
        filters: { status: '', method: '', user_id: '', range: null, from: '', to: '' },
        fieldErrors: { user_id: '', range: '' },
        rows: [], next: null, loading: false, more: false, error: '', busy: {}, selected: [], bulkBusy: false, bulkResult: null,
        reject: { open: false, row: null }, confirm: { open: false, row: null },
        payee: { open: false, row: null, data: null, loading: false, error: '' },
        note: { text: '', saved: '', loaded: false, busy: false, error: '', settings: null },
        fileMethod: 'bank',
      };
    },
    computed: {
      canMoney() { return api.can('money'); },
      rejectLead() { const r = this.reject.row; return r ? `驳回 ${kit.who(r.name, r.user_id)} 的提现 ${api.text(r, 'amount_fen')}。款项退回其可提现余额，对方会看到驳回原因。` : ''; },
      confirmLead() { const r = this.confirm.row; return r ? `已通过${L.label(L.WITHDRAWAL_METHODS, r.method)}向 ${kit.who(r.name, r.user_id)} 打款 ${api.text(r, 'net_fen')} 后，填写银行或支付宝的流水号确认。` : ''; },
      width() { return kit.width('480px'); },
    },
    template: `
<div class="screen withdrawals">
  <el-card v-if="!canMoney" shadow="never" class="card"><p class="muted">提现审核需要“财务”或“店主”权限。</p></el-card>
  <template v-else>
  <el-card shadow="never" class="card">
    <el-form class="filters" :inline="!store.phone" label-position="top" @submit.prevent="search">
      <el-form-item label="状态">
        <el-select v-model="filters.status" placeholder="全部状态" clearable class="filter-status" data-field="status">
          <el-option label="全部状态" value="" />
          <el-option v-for="(t, k) in L.WITHDRAWAL_STATUS" :key="k" :label="t" :value="k" />
        </el-select>
      </el-form-item>
      <el-form-item label="提现方式">
        <el-select v-model="filters.method" placeholder="全部方式" clearable class="filter-status" data-field="method">
          <el-option label="全部方式" value="" />
          <el-option v-for="(t, k) in L.WITHDRAWAL_METHODS" :key="k" :label="t" :value="k" />
        </el-select>
      </el-form-item>
      <el-form-item label="推广员编号" :error="fieldErrors.user_id" data-field="user_id">
        <el-input v-model="filters.user_id" inputmode="numeric" placeholder="用户编号" clearable class="filter-id" @input="fieldErrors.user_id = ''" />
      </el-form-item>
      <el-form-item label="申请日期" :error="fieldErrors.range" data-field="range">
        <el-date-picker v-if="!store.phone" v-model="filters.range" type="daterange" value-format="YYYY-MM-DD" range-separator="至"
          start-placeholder="开始日期" end-placeholder="结束日期" unlink-panels class="filter-range" />
        <div v-else class="date-pair">
          <el-date-picker v-model="filters.from" type="date" value-format="YYYY-MM-DD" placeholder="开始日期" :editable="false" />
          <span class="muted">至</span>
          <el-date-picker v-model="filters.to" type="date" value-format="YYYY-MM-DD" placeholder="结束日期" :editable="false" />
        </div>
      </el-form-item>
      <el-form-item class="filter-buttons">
        <el-button type="primary" native-type="submit" :loading="loading" data-action="search-withdrawals">查询</el-button>
        <el-button @click="reset">重置</el-button>
      </el-form-item>
    </el-form>
  </el-card>

  <el-card shadow="never" class="card">
    <div class="toolbar">
      <el-button type="primary" plain :disabled="!selected.length || bulkBusy" :loading="bulkBusy" data-action="bulk-approve" @click="bulkApprove">
        批量通过<span v-if="selected.length">（{{ selected.length }}）</span>
      </el-button>
      <span class="muted small">待审核的提现可批量通过；银行卡、支付宝提现通过后需线下打款，再点“确认已打款”。</span>
    </div>
    <el-alert v-if="bulkResult" class="form-alert" :type="bulkResult.failed.length ? 'warning' : 'success'" :title="bulkResult.title" @close="bulkResult = null" show-icon data-role="bulk-result">
      <ul v-if="bulkResult.failed.length" class="plain-list"><li v-for="f in bulkResult.failed" :key="f.withdrawal_id">提现 {{ f.withdrawal_id }}：{{ f.text }}</li></ul>
    </el-alert>
    <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
    <div class="cards" v-loading="loading" data-table="withdrawals">
      <p v-if="!rows.length && !loading" class="muted small empty">没有符合条件的提现</p>
      <div v-for="row in rows" :key="row.withdrawal_id" class="card-row" data-card :data-withdrawal="row.withdrawal_id">
        <div class="card-row-head">
          <el-checkbox :model-value="isSelected(row)" :disabled="row.status !== 'requested'" :data-select="row.withdrawal_id" @change="(v) => toggle(row, v)" />
          <div class="card-row-title">
            <div><b>{{ kit.who(row.name, row.user_id) }}</b> · {{ row.method_text || L.label(L.WITHDRAWAL_METHODS, row.method) }} · <span class="muted small">提现 {{ row.withdrawal_id }}</span></div>
            <div class="muted small">申请 {{ t(row, 'created_ms') }}<span v-if="row.decided_ms"> · 处理 {{ t(row, 'decided_ms') }}</span></div>
          </div>
          <el-tag disable-transitions size="small" :type="L.WITHDRAWAL_STATUS_TAG[row.status] || 'info'" data-role="status">{{ row.status_text || L.label(L.WITHDRAWAL_STATUS, row.status) }}</el-tag>
        </div>
        <dl class="card-figures">
          <div><dt>提现金额</dt><dd data-role="amount">{{ t(row, 'amount_fen') }}</dd></div>
          <div><dt>手续费</dt><dd>{{ t(row, 'fee_fen') }}</dd></div>
          <div><dt>应到账</dt><dd data-role="net">{{ t(row, 'net_fen') }}</dd></div>
          <div><dt>收款账户</dt><dd class="payee-cell" data-role="payee">{{ payeeText(row) }}</dd></div>
        </dl>
        <div v-if="row.reject_reason" class="muted small">驳回原因：{{ row.reject_reason }}</div>
        <div v-if="row.payout_ref" class="muted small">打款流水号：<span class="mono" data-role="payout-ref">{{ row.payout_ref }}</span></div>
        <div class="row-actions wrap">
          <el-button v-if="row.status === 'requested'" type="primary" size="small" :loading="busy[row.withdrawal_id] === 'approve'" :disabled="!!busy[row.withdrawal_id]"
            :data-approve="row.withdrawal_id" @click="approve(row)">通过</el-button>
          <el-button v-if="row.status === 'requested' || row.status === 'approved'" type="danger" plain size="small" :disabled="!!busy[row.withdrawal_id]"
            :data-reject="row.withdrawal_id" @click="reject = { open: true, row }">驳回</el-button>
          <el-button v-if="row.status === 'approved' && manual(row)" type="success" size="small" :disabled="!!busy[row.withdrawal_id]"
            :data-confirm="row.withdrawal_id" @click="confirm = { open: true, row }">确认已打款</el-button>
          <el-button v-if="row.payee" link type="primary" size="small" :data-payee="row.withdrawal_id" @click="openPayee(row)">收款账户</el-button>
        </div>
      </div>
    </div>
    <div class="more">
      <el-button v-if="next !== null" :loading="more" :disabled="more" data-action="more-withdrawals" @click="loadMore">加载更多</el-button>
      <span v-else-if="rows.length" class="muted small">已显示全部 {{ rows.length }} 笔</span>
    </div>
  </el-card>

  <el-card shadow="never" class="card" data-role="payout-file">
    <div class="toolbar"><h2 class="card-title">打款文件</h2></div>
    <p class="muted small">导出已通过、待打款的银行卡或支付宝提现（姓名、账号、开户行、金额、流水号），到银行或支付宝办理批量打款，完成后逐笔“确认已打款”。</p>
    <div class="toolbar">
      <el-radio-group v-model="fileMethod" size="small" data-field="file-method">
        <el-radio-button value="bank">银行卡</el-radio-button>
        <el-radio-button value="alipay">支付宝</el-radio-button>
      </el-radio-group>
      <download-links base="/api/merchant/withdrawals/payout-file" :query="{ status: 'approved', method: fileMethod }" name="payout-file" />
    </div>
  </el-card>

  <el-card shadow="never" class="card" data-role="payout-note">
    <div class="toolbar"><h2 class="card-title">打款说明</h2></div>
    <el-form label-position="top" @submit.prevent="saveNote">
      <el-form-item :error="note.error" data-field="payout_note">
        <el-input v-model="note.text" type="textarea" :rows="3" maxlength="500" show-word-limit placeholder="如：每周三统一打款，到账时间以银行为准" :disabled="!note.loaded" />
        <div class="muted small hint">推广员在提现页面看到这段说明。</div>
      </el-form-item>
      <el-button type="primary" :loading="note.busy" :disabled="note.busy || !note.loaded || note.text === note.saved" data-action="save-note" @click="saveNote">保存打款说明</el-button>
    </el-form>
  </el-card>
  </template>

  <prompt-dialog v-model="reject.open" name="reject-withdrawal" title="驳回提现" :lead="rejectLead" label="驳回原因" placeholder="如：收款账户信息有误，请修改后重新申请"
    required="请填写驳回原因" confirm-text="确认驳回" danger :action="doReject" @done="acted('已驳回，款项已退回对方的可提现余额')" />
  <prompt-dialog v-model="confirm.open" name="confirm-payout" title="确认已打款" :lead="confirmLead" label="打款流水号" field="reference" :maxlength="64" :multiline="false"
    placeholder="银行或支付宝的交易流水号" required="请填写打款流水号" confirm-text="确认已打款" :action="doConfirm" @done="acted('已确认打款')" />
  <el-dialog v-model="payee.open" title="收款账户" :width="width" append-to-body class="op-dialog" data-dialog="payee">
    <div v-loading="payee.loading">
      <el-alert v-if="payee.error" class="form-alert" type="error" :title="payee.error" :closable="false" show-icon />
      <el-descriptions v-if="payee.data" :column="1" border size="small" class="desc">
        <el-descriptions-item label="收款人"><span data-role="payee-name">{{ payee.data.name || '—' }}</span></el-descriptions-item>
        <el-descriptions-item v-if="payee.data.bank" label="开户行">{{ payee.data.bank }}</el-descriptions-item>
        <el-descriptions-item label="账号"><span class="mono" data-role="payee-account">{{ payee.data.card_no || payee.data.account || payee.data.account_masked || '—' }}</span></el-descriptions-item>
        <el-descriptions-item label="应到账">{{ payee.row ? t(payee.row, 'net_fen') : '—' }}</el-descriptions-item>
      </el-descriptions>
      <p class="muted small">收款账户仅财务和店主可见，请勿外传。</p>
    </div>
    <template #footer><el-button @click="payee.open = false">关闭</el-button></template>
  </el-dialog>
</div>`,
    created() {
      if (!this.canMoney) return;
      this.search();
      this.loadNote();
    },
    methods: {
      t: api.text,
      manual(row) { return MANUAL.includes(row.method); },
      payeeText(row) {
        const p = row.payee;
        if (!p) return row.method === 'bank' || row.method === 'alipay' ? '未填写' : '微信';
        return [p.name, p.bank, p.account_masked].filter(Boolean).join(' · ') || '—';
      },
      query() {
        const f = this.filters;
        const q = { status: f.status, method: f.method, limit: PAGE };
        let bad = false;
        const uid = String(f.user_id || '').trim();
        if (uid) {
          const p = api.parseCount(uid);
          if (p.error || p.value < 1) { this.fieldErrors.user_id = '请输入用户编号（正整数）'; bad = true; } else q.user_id = p.value;
        }
        const [from, to] = this.store.phone ? [f.from, f.to] : (f.range || []);
        if (from) q.from = api.cstDayStart(from);
        if (to) q.to = api.cstDayStart(to) + 86400000;
        if (from && to && q.from > q.to) { this.fieldErrors.range = '开始日期不能晚于结束日期'; bad = true; } else this.fieldErrors.range = '';
        return bad ? null : q;
      },
      async search() {
        const q = this.query();
        if (!q) return;
        this.lastQuery = q;
        this.loading = true;
        this.error = '';
        try {
          const r = await api.get('/api/merchant/withdrawals', q);
          this.rows = r.withdrawals || [];
          this.next = r.next === undefined ? null : r.next;
          this.selected = [];
        } catch (e) {
          const { fields, general } = L.split(e, ['user_id'], { from: 'range', to: 'range' });
          Object.assign(this.fieldErrors, fields);
          this.error = general;
        } finally {
          this.loading = false;
        }
      },
      async loadMore() {
        if (this.more || this.next === null) return;
        this.more = true;
        try {
          const r = await api.get('/api/merchant/withdrawals', { ...this.lastQuery, before: this.next });
          this.rows = kit.merge(this.rows, r.withdrawals || [], (w) => String(w.withdrawal_id));
          this.next = r.next === undefined ? null : r.next;
        } catch (e) { this.error = e.message; } finally { this.more = false; }
      },
      reset() {
        this.filters = { status: '', method: '', user_id: '', range: null, from: '', to: '' };
        this.fieldErrors = { user_id: '', range: '' };
        this.search();
      },
      // After an action: the rows shown so far again, in place.
      async refresh() {
        if (!this.lastQuery) return this.search();
        const want = Math.max(PAGE, this.rows.length);
        try {
          const { rows, next } = await api.reload('/api/merchant/withdrawals', this.lastQuery, 'withdrawals', want);
          this.rows = rows;
          this.next = next;
          this.selected = this.selected.filter((s) => rows.some((r) => String(r.withdrawal_id) === String(s.withdrawal_id) && r.status === 'requested'));
        } catch (e) {
          this.error = e.message;
        }
        return null;
      },
      isSelected(row) { return this.selected.some((w) => String(w.withdrawal_id) === String(row.withdrawal_id)); },
      toggle(row, on) {
        const rest = this.selected.filter((w) => String(w.withdrawal_id) !== String(row.withdrawal_id));
        this.selected = on ? rest.concat([row]) : rest;
      },
      async approve(row) {
        const id = row.withdrawal_id;
        if (this.busy[id]) return;
        this.busy[id] = 'approve';
        try {
          await api.post(`/api/merchant/withdrawals/${id}/approve`, {});
          kit.ok(this.manual(row) ? '已通过，请线下打款后确认' : '已通过');
          await this.refresh();
        } catch (e) {
          kit.fail(`通过未成功：${e.message}`);
          await this.refresh();
        } finally {
          this.busy[id] = false;
        }
      },
      doReject(reason) { return api.post(`/api/merchant/withdrawals/${this.reject.row.withdrawal_id}/reject`, { reason }); },
      doConfirm(reference) { return api.post(`/api/merchant/withdrawals/${this.confirm.row.withdrawal_id}/confirm`, { reference }); },
      acted(text) { kit.ok(text); this.refresh(); },
      async bulkApprove() {
        if (this.bulkBusy || !this.selected.length) return;
        const ids = this.selected.map((w) => Number(w.withdrawal_id)).slice(0, 100);
        this.bulkBusy = true;
        this.bulkResult = null;
        try {
          const r = await api.post('/api/merchant/withdrawals/approve', { ids });
          const done = r.done || [];
          const failed = (r.failed || []).map((f) => ({ withdrawal_id: f.withdrawal_id, text: L.messageOf(f) }));
          this.bulkResult = { title: failed.length ? `已通过 ${done.length} 笔，${failed.length} 笔未成功` : `已通过 ${done.length} 笔`, failed };
          await this.refresh();
        } catch (e) {
          this.bulkResult = { title: `批量通过未成功：${e.message}`, failed: [] };
        } finally {
          this.bulkBusy = false;
        }
      },
      async openPayee(row) {
        this.payee = { open: true, row, data: null, loading: true, error: '' };
        try {
          const r = await api.get(`/api/merchant/withdrawals/${row.withdrawal_id}`);
          const w = r.withdrawal || r;
          this.payee.data = w.payee || row.payee;
          this.payee.row = w.net_text ? w : row;
        } catch (e) {
          this.payee.error = e.message;
          this.payee.data = row.payee;
        } finally {
          this.payee.loading = false;
        }
      },
      async loadNote() {
        try {
          const r = await api.get('/api/merchant/settings/withdrawal');
          const note = r.payout_note !== undefined ? r.payout_note : ((r.settings || {}).payout_note || '');
          this.note = { ...this.note, text: note || '', saved: note || '', loaded: true, settings: r.settings || null };
        } catch (e) {
          this.note.error = e.message;
        }
      },
      async saveNote() {
        const n = this.note;
        if (n.busy) return;
        n.busy = true;
        n.error = '';
        try {
          // Only the note: the server keeps the stored withdrawal settings as they are.
          const r = await api.put('/api/merchant/settings/withdrawal', { payout_note: n.text.trim() });
          const saved = r.payout_note !== undefined ? r.payout_note : n.text.trim();
          n.text = saved || '';
          n.saved = n.text;
          if (r.settings) n.settings = r.settings;
          kit.ok('打款说明已保存');
        } catch (e) {
          const { fields, general } = L.split(e, ['payout_note']);
          n.error = fields.payout_note || general;
        } finally {
          n.busy = false;
        }
      },
    },
  };
})(window);
