// 订单详情 (in the orders drawer): items, buyer, why the order was credited to whom (`why_text`),
// each commission line with its state, payments, refunds; 发货, 确认收货, and 退款 — a dialog
// that takes an amount (yuan text parsed to integer fen) and an item and shows the server's
// refund-preview claw-back for each line before 确认退款.
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const parts = (S.parts = S.parts || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;
  const ok = (text) => root.ElementPlus.ElMessage.success(text);

  parts['order-detail'] = {
    props: { orderId: String, ships: { type: Boolean, default: true }, kinds: { type: Object, default: () => ({}) } },
    emits: ['changed'],
    data() {
      return { store: api.store, L, data: null, loading: false, error: '', busy: { ship: false, complete: false }, actionError: '', refundOpen: false };
    },
    computed: {
      order() { return (this.data && this.data.order) || {}; },
      items() { return this.order.items || []; },
      lines() { return (this.data && this.data.lines) || []; },
      payments() { return (this.data && this.data.payments) || []; },
      refunds() { return (this.data && this.data.refunds) || []; },
      buyer() { return (this.data && this.data.buyer) || {}; },
      buyerText() {
        const b = this.buyer;
        const name = b.nickname || b.name || this.order.buyer_name;
        const id = b.user_id || b.buyer_id || this.order.buyer_id;
        return name ? `${name}（编号 ${id}）` : `用户 ${id}`;
      },
      canShip() { return api.can('orders') && this.ships && this.order.status === 'paid' && !this.order.shipped && !this.order.shipped_ms; },
      canComplete() { return api.can('orders') && this.order.status === 'paid'; },
      canRefund() {
        return api.can('refunds') && ['paid', 'completed'].includes(this.order.status)
          && this.items.some((i) => i.refundable_fen === undefined || Number(i.refundable_fen) > 0);
      },
      descCols() { return this.store.phone ? 1 : 2; },
    },
    template: `
<div class="order-detail" v-loading="loading" data-role="order-detail">
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
  <template v-if="data">
    <div class="detail-actions">
      <el-tag disable-transitions :type="L.ORDER_STATUS_TAG[order.status] || 'info'" data-role="order-status">{{ order.status_text || L.label(L.ORDER_STATUS, order.status) }}</el-tag>
      <span class="grow"></span>
      <el-button v-if="canShip" :loading="busy.ship" :disabled="busy.ship" data-action="ship" @click="act('ship')">发货</el-button>
      <el-button v-if="canComplete" :loading="busy.complete" :disabled="busy.complete" data-action="complete" @click="act('complete')">确认收货</el-button>
      <el-button v-if="canRefund" type="danger" plain data-action="refund" @click="refundOpen = true">退款</el-button>
    </div>
    <el-alert v-if="actionError" class="form-alert" type="error" :title="actionError" :closable="false" show-icon data-role="action-error" />
    <el-descriptions :column="descCols" border size="small" class="desc">
      <el-descriptions-item label="订单号">{{ order.order_id }}</el-descriptions-item>
      <el-descriptions-item label="活动">{{ L.programName(order.program_title, kinds[String(order.program_id)], order.program_id) }}</el-descriptions-item>
      <el-descriptions-item label="买家"><span data-role="buyer">{{ buyerText }}</span></el-descriptions-item>
      <el-descriptions-item label="件数">{{ order.units }}</el-descriptions-item>
      <el-descriptions-item label="实付"><span data-role="order-paid">{{ t(order, 'paid_fen') }}</span></el-descriptions-item>
      <el-descriptions-item label="已退款"><span data-role="order-refunded">{{ t(order, 'refunded_fen') }}</span></el-descriptions-item>
      <el-descriptions-item label="下单时间">{{ t(order, 'created_ms') }}</el-descriptions-item>
      <el-descriptions-item label="付款时间">{{ order.paid_ms ? t(order, 'paid_ms') : '—' }}</el-descriptions-item>
      <el-descriptions-item v-if="order.shipped_ms" label="发货时间">{{ t(order, 'shipped_ms') }}</el-descriptions-item>
      <el-descriptions-item v-if="order.completed_ms" label="完成时间">{{ t(order, 'completed_ms') }}</el-descriptions-item>
      <el-descriptions-item v-if="order.complete_due_ms && !order.completed_ms" label="自动确认收货"><span data-role="complete-due">{{ t(order, 'complete_due_ms') }}</span></el-descriptions-item>
    </el-descriptions>

    <h3 class="section-title">业绩归属</h3>
    <p class="why" data-role="why">{{ data.why_text || '这笔订单没有归属推广员（买家不是通过分享链接进入的）。' }}</p>

    <h3 class="section-title">商品</h3>
    <div v-if="store.phone" class="mini-list" data-table="items">
      <div v-for="(row, k) in items" :key="k" class="mini-row" data-card>
        <div class="mini-head"><span>{{ row.name || row.product_id || '活动商品' }} × {{ row.units }}</span><b>{{ t(row, 'paid_fen') }}</b></div>
        <div class="muted small">已退款 {{ t(row, 'refunded_fen') }} · 可退 {{ t(row, 'refundable_fen') }}</div>
      </div>
    </div>
    <div v-else class="table-wrap">
      <el-table :data="items" size="small" data-table="items" style="width: 100%">
        <el-table-column label="商品" min-width="150"><template #default="{ row }">{{ row.name || row.product_id || '活动商品' }}</template></el-table-column>
        <el-table-column label="件数" prop="units" width="60" align="right" />
        <el-table-column label="实付" width="100" align="right"><template #default="{ row }">{{ t(row, 'paid_fen') }}</template></el-table-column>
        <el-table-column label="已退款" width="100" align="right"><template #default="{ row }">{{ t(row, 'refunded_fen') }}</template></el-table-column>
        <el-table-column label="可退" width="100" align="right"><template #default="{ row }">{{ t(row, 'refundable_fen') }}</template></el-table-column>
      </el-table>
    </div>

    <h3 class="section-title">佣金</h3>
    <div v-if="store.phone" class="mini-list" data-table="lines">
      <p v-if="!lines.length" class="muted small">这笔订单没有佣金</p>
      <div v-for="row in lines" :key="row.line_id" class="mini-row" data-card>
        <div class="mini-head"><span :data-line="row.line_id">{{ row.beneficiary_name || ('用户 ' + row.beneficiary_id) }} · {{ roleText(row) }}</span><b data-role="line-amount">{{ t(row, 'amount') }}</b></div>
        <div class="muted small"><span data-role="line-state">{{ row.state_text || L.label(L.LINE_STATES, row.state) }}</span> · 已追回 {{ t(row, 'clawed') }}<span v-if="row.hold_until_ms"> · 冻结至 {{ t(row, 'hold_until_ms') }}</span></div>
      </div>
    </div>
    <div v-else class="table-wrap">
      <el-table :data="lines" size="small" data-table="lines" empty-text="这笔订单没有佣金" style="width: 100%">
        <el-table-column label="受益人" min-width="120"><template #default="{ row }"><span :data-line="row.line_id">{{ row.beneficiary_name || ('用户 ' + row.beneficiary_id) }}</span></template></el-table-column>
        <el-table-column label="身份" width="110"><template #default="{ row }">{{ roleText(row) }}</template></el-table-column>
        <el-table-column label="佣金" width="100" align="right"><template #default="{ row }"><span data-role="line-amount">{{ t(row, 'amount') }}</span></template></el-table-column>
        <el-table-column label="已追回" width="100" align="right"><template #default="{ row }">{{ t(row, 'clawed') }}</template></el-table-column>
        <el-table-column label="状态" width="90"><template #default="{ row }"><span data-role="line-state">{{ row.state_text || L.label(L.LINE_STATES, row.state) }}</span></template></el-table-column>
        <el-table-column label="冻结至" width="120"><template #default="{ row }">{{ row.hold_until_ms ? t(row, 'hold_until_ms') : '—' }}</template></el-table-column>
      </el-table>
    </div>

    <h3 class="section-title">支付</h3>
    <div v-if="store.phone" class="mini-list" data-table="payments">
      <p v-if="!payments.length" class="muted small">还没有支付记录</p>
      <div v-for="(row, k) in payments" :key="k" class="mini-row" data-card>
        <div class="mini-head"><span>{{ row.status_text || L.label(L.PAYMENT_STATUS, row.status, '已记录') }} · {{ t(row, 'created_ms') }}</span><b>{{ t(row, 'amount_fen') }}</b></div>
        <div class="muted small mono">{{ row.provider_ref || '' }}</div>
      </div>
    </div>
    <div v-else class="table-wrap">
      <el-table :data="payments" size="small" data-table="payments" empty-text="还没有支付记录" style="width: 100%">
        <el-table-column label="时间" min-width="120"><template #default="{ row }">{{ t(row, 'created_ms') }}</template></el-table-column>
        <el-table-column label="金额" width="100" align="right"><template #default="{ row }">{{ t(row, 'amount_fen') }}</template></el-table-column>
        <el-table-column label="状态" width="100"><template #default="{ row }">{{ row.status_text || L.label(L.PAYMENT_STATUS, row.status, '已记录') }}</template></el-table-column>
        <el-table-column label="支付单号" min-width="150" show-overflow-tooltip><template #default="{ row }">{{ row.provider_ref || '—' }}</template></el-table-column>
      </el-table>
    </div>

    <h3 class="section-title">退款</h3>
    <div v-if="store.phone" class="mini-list" data-table="refunds">
      <p v-if="!refunds.length" class="muted small">没有退款</p>
      <div v-for="row in refunds" :key="row.refund_id" class="mini-row" data-card>
        <div class="mini-head"><span>{{ itemName(row.item_index) }} · {{ t(row, 'created_ms') }}</span><b data-role="refund-amount">{{ t(row, 'amount_fen') }}</b></div>
      </div>
    </div>
    <div v-else class="table-wrap">
      <el-table :data="refunds" size="small" data-table="refunds" empty-text="没有退款" style="width: 100%">
        <el-table-column label="时间" min-width="120"><template #default="{ row }">{{ t(row, 'created_ms') }}</template></el-table-column>
        <el-table-column label="商品" min-width="120"><template #default="{ row }">{{ itemName(row.item_index) }}</template></el-table-column>
        <el-table-column label="退款金额" width="100" align="right"><template #default="{ row }"><span data-role="refund-amount">{{ t(row, 'amount_fen') }}</span></template></el-table-column>
      </el-table>
    </div>
  </template>
  <refund-dialog v-model="refundOpen" :order="order" :lines="lines" @done="refunded" />
</div>`,
    watch: { orderId: { immediate: true, handler() { this.load(); } } },
    methods: {
      t: api.text,
      roleText(row) {
        const role = L.LINE_ROLES[row.role] || '推广员';
        return row.level ? `${role} · 第 ${row.level} 级` : role;
      },
      itemName(index) {
        const i = this.items[Number(index) || 0];
        return i ? (i.name || i.product_id || '活动商品') : '—';
      },
      async load() {
        if (!this.orderId) return;
        this.loading = true;
        this.error = '';
        try {
          this.data = await api.get(`/api/merchant/orders/${encodeURIComponent(this.orderId)}`);
        } catch (e) {
          this.error = e.message;
        } finally {
          this.loading = false;
        }
      },
      async act(verb) {
        if (this.busy[verb]) return;
        this.busy[verb] = true;
        this.actionError = '';
        try {
          await api.post(`/api/merchant/orders/${this.order.order_id}/${verb}`, {});
          ok(verb === 'ship' ? '已发货' : '已确认收货');
          await this.load();
          this.$emit('changed');
        } catch (e) {
          this.actionError = `${verb === 'ship' ? '发货' : '确认收货'}未成功：${e.message}`;
        } finally {
          this.busy[verb] = false;
        }
      },
      async refunded() {
        await this.load();
        this.$emit('changed');
      },
    },
  };

  parts['refund-dialog'] = {
    props: { modelValue: Boolean, order: Object, lines: Array },
    emits: ['update:modelValue', 'done'],
    data: () => ({ amount: '', item: 0, fieldErrors: { amount: '', item: '' }, preview: null, loading: false, busy: false, error: '', seq: 0, idem: '' }),
    computed: {
      visible: { get() { return this.modelValue; }, set(v) { this.$emit('update:modelValue', v); } },
      width() { return api.store.phone ? '94%' : '600px'; },
      items() { return (this.order && this.order.items) || []; },
      currentItem() { return this.items[this.item] || null; },
      previewRows() {
        if (!this.preview) return [];
        const names = new Map((this.lines || []).map((l) => [String(l.line_id), l]));
        return (this.preview.lines || []).map((p) => ({ ...p, line: names.get(String(p.line_id)) || null }));
      },
      nothingClawed() { return this.previewRows.length > 0 && this.previewRows.every((r) => Number(r.clawback) === 0); },
    },
    watch: {
      modelValue(v) {
        if (!v) return;
        // One key per opened dialog: a double click or a retry refunds once.
        this.idem = api.idemKey('refund');
        this.amount = '';
        this.item = Math.max(0, this.items.findIndex((i) => i.refundable_fen === undefined || Number(i.refundable_fen) > 0));
        this.fieldErrors = { amount: '', item: '' };
        this.preview = null;
        this.error = '';
      },
    },
    template: `
<el-dialog v-model="visible" title="退款" :width="width" append-to-body class="op-dialog" data-dialog="refund" :close-on-click-modal="!busy">
  <p class="dialog-lead">退款后款项原路退回买家。佣金按方案的退款规则追回，确认前可在下方查看每笔佣金的追回金额。</p>
  <el-form label-position="top" @submit.prevent="confirm">
    <el-form-item label="退款商品" :error="fieldErrors.item" data-field="item">
      <el-select v-model="item" class="wide" @change="changed" data-field="item_index">
        <el-option v-for="(i, k) in items" :key="k" :value="k" :label="(i.name || i.product_id || '活动商品') + '（可退 ' + t(i, 'refundable_fen') + '）'" />
      </el-select>
    </el-form-item>
    <el-form-item label="退款金额（元）" :error="fieldErrors.amount" data-field="amount">
      <el-input v-model="amount" inputmode="decimal" placeholder="如 12.50" maxlength="16" @input="changed">
        <template #prefix>¥</template>
      </el-input>
      <div v-if="currentItem" class="muted small hint">该商品实付 {{ t(currentItem, 'paid_fen') }}，已退 {{ t(currentItem, 'refunded_fen') }}，最多可退 {{ t(currentItem, 'refundable_fen') }}</div>
    </el-form-item>
  </el-form>
  <div v-loading="loading" class="preview-box" data-role="refund-preview">
    <template v-if="preview">
      <dl class="figures">
        <div><dt>本次退款</dt><dd class="money" data-role="refund-total">{{ t(preview, 'refund_fen') }}</dd></div>
        <div><dt>该商品可退</dt><dd class="money">{{ t(preview, 'refundable_fen') }}</dd></div>
      </dl>
      <div class="table-wrap">
        <el-table :data="previewRows" size="small" empty-text="这笔订单没有佣金，无需追回" data-table="clawback" style="width: 100%">
          <el-table-column label="受益人" min-width="110"><template #default="{ row }">{{ row.line ? (row.line.beneficiary_name || ('用户 ' + row.line.beneficiary_id)) : ('用户 ' + row.beneficiary_id) }}</template></el-table-column>
          <el-table-column label="追回佣金" width="96" align="right"><template #default="{ row }"><b data-role="clawback">{{ t(row, 'clawback') }}</b></template></el-table-column>
          <el-table-column label="从佣金扣回" width="96" align="right"><template #default="{ row }">{{ t(row, 'from_line') }}</template></el-table-column>
          <el-table-column label="记为欠款" width="90" align="right"><template #default="{ row }">{{ t(row, 'debt') }}</template></el-table-column>
          <el-table-column label="商家核销" width="90" align="right"><template #default="{ row }">{{ t(row, 'forgiven') }}</template></el-table-column>
        </el-table>
      </div>
      <p v-if="nothingClawed" class="muted small" data-role="no-clawback">按方案的退款规则，本次退款不追回佣金（已发放的佣金不退回，商品不返还库存）。</p>
    </template>
    <p v-else class="muted small">输入金额后显示每笔佣金的追回金额。</p>
  </div>
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon data-role="refund-error" />
  <template #footer>
    <el-button @click="visible = false" :disabled="busy">取消</el-button>
    <el-button type="danger" :loading="busy" :disabled="busy || loading || !preview" data-action="confirm-refund" @click="confirm">确认退款</el-button>
  </template>
</el-dialog>`,
    methods: {
      t: api.text,
      changed() {
        this.error = '';
        this.preview = null;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.ask(), 250);
      },
      async ask() {
        const seq = ++this.seq;
        const p = api.parseYuan(this.amount);
        if (p.error) { this.fieldErrors.amount = this.amount.trim() ? p.error : ''; return; }
        this.fieldErrors.amount = '';
        this.loading = true;
        try {
          const r = await api.get(`/api/merchant/orders/${this.order.order_id}/refund-preview`, { amount_fen: p.fen, item_index: this.item });
          if (seq !== this.seq) return;
          this.preview = r;
        } catch (e) {
          if (seq !== this.seq) return;
          this.applyError(e);
        } finally {
          if (seq === this.seq) this.loading = false;
        }
      },
      applyError(e) {
        const { fields, general } = L.split(e, ['amount', 'item'], { amount_fen: 'amount', item_index: 'item' });
        if (e.code === 'E_REFUND_EXCEEDS' && this.currentItem) fields.amount = `退款金额超过该商品可退金额（最多可退 ${api.text(this.currentItem, 'refundable_fen')}）`;
        this.fieldErrors = { amount: fields.amount || '', item: fields.item || '' };
        this.error = general;
      },
      async confirm() {
        if (this.busy || !this.preview) return;
        const p = api.parseYuan(this.amount);
        if (p.error) { this.fieldErrors.amount = p.error; return; }
        this.busy = true;
        this.error = '';
        try {
          await api.post(`/api/merchant/orders/${this.order.order_id}/refund`, { amount_fen: p.fen, item_index: this.item, idem_key: this.idem });
          ok(`已退款 ${api.text(this.preview, 'refund_fen')}`);
          this.visible = false;
          this.$emit('done');
        } catch (e) {
          this.applyError(e);
          this.preview = null;
        } finally {
          this.busy = false;
        }
      },
    },
  };
})(window);
