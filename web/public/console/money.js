// 资金: the red-packet balance (可用 / 冻结 / 已发放), 充值 (sandbox; one idem_key per opened
// dialog so a double click tops up once) and 余额流水 with keyset pagination.
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;

  S.Money = {
    name: 'MoneyScreen',
    data() {
      return {
        store: api.store, L, balance: null, balanceError: '', entries: [], next: null, loading: false, more: false, error: '',
        topup: { open: false, amount: '', fieldError: '', error: '', busy: false, idem: '' },
      };
    },
    computed: {
      canMoney() { return api.can('money'); },
      width() { return this.store.phone ? '94%' : '440px'; },
    },
    template: `
<div class="screen money">
  <el-card shadow="never" class="card">
    <div class="toolbar">
      <h2 class="card-title">红包资产</h2>
      <span class="grow"></span>
      <el-button v-if="canMoney" type="primary" data-action="topup" @click="openTopup">充值</el-button>
    </div>
    <el-alert v-if="balanceError" class="form-alert" type="error" :title="balanceError" :closable="false" show-icon />
    <div class="tiles" data-role="balance">
      <div class="tile"><div class="tile-label">可用余额</div><div class="tile-value" data-role="balance-available">{{ balance ? t(balance, 'balance') : '—' }}</div></div>
      <div class="tile"><div class="tile-label">冻结中（活动佣金预算）</div><div class="tile-value" data-role="balance-frozen">{{ balance ? t(balance, 'frozen') : '—' }}</div></div>
      <div class="tile"><div class="tile-label">已发放佣金</div><div class="tile-value" data-role="balance-paid-out">{{ balance ? t(balance, 'paid_out') : '—' }}</div></div>
    </div>
    <p class="muted small">活动发布时按“库存 × 单件佣金”冻结预算，增加库存冻结更多、减少库存解冻；活动结束后未用完的预算自动退回可用余额。</p>
  </el-card>
  <el-card v-if="canMoney" shadow="never" class="card">
    <div class="toolbar"><h2 class="card-title">余额流水</h2><span class="grow"></span><el-button :loading="loading" @click="loadStatement" data-action="refresh-statement">刷新</el-button></div>
    <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
    <div v-if="store.phone" class="entry-list" v-loading="loading" data-table="statement">
      <p v-if="!entries.length" class="muted small empty">还没有流水</p>
      <div v-for="row in entries" :key="row.entry_id" class="entry" :data-entry="row.entry_id">
        <div class="entry-main">
          <div class="entry-kind" data-role="entry-kind">{{ kindText(row) }}</div>
          <div class="muted small">{{ t(row, 'created_ms') }}<span v-if="row.program_id"> · {{ L.programName(row.program_title, null, row.program_id) }}</span></div>
          <div v-if="Number(row.frozen_delta_fen) || Number(row.paid_out_delta_fen)" class="muted small">
            <span v-if="Number(row.frozen_delta_fen)">冻结 {{ t(row, 'frozen_delta_fen') }}</span>
            <span v-if="Number(row.frozen_delta_fen) && Number(row.paid_out_delta_fen)"> · </span>
            <span v-if="Number(row.paid_out_delta_fen)">已发放 {{ t(row, 'paid_out_delta_fen') }}</span>
          </div>
        </div>
        <div class="entry-money">
          <div class="entry-delta" :class="{ minus: Number(row.balance_delta_fen) < 0, plus: Number(row.balance_delta_fen) > 0 }" data-role="entry-balance">{{ t(row, 'balance_delta_fen') }}</div>
          <div class="muted small">余额 {{ t(row, 'balance_after_fen') }}</div>
        </div>
      </div>
    </div>
    <div v-else class="table-wrap">
      <el-table :data="entries" v-loading="loading" row-key="entry_id" size="small" empty-text="还没有流水" data-table="statement" style="width: 100%">
        <el-table-column label="时间" width="130"><template #default="{ row }"><span :data-entry="row.entry_id">{{ t(row, 'created_ms') }}</span></template></el-table-column>
        <el-table-column label="类型" width="120"><template #default="{ row }"><span data-role="entry-kind">{{ kindText(row) }}</span></template></el-table-column>
        <el-table-column label="可用余额变动" width="120" align="right"><template #default="{ row }"><span data-role="entry-balance">{{ t(row, 'balance_delta_fen') }}</span></template></el-table-column>
        <el-table-column label="变动后可用余额" width="130" align="right"><template #default="{ row }">{{ t(row, 'balance_after_fen') }}</template></el-table-column>
        <el-table-column label="冻结变动" width="110" align="right"><template #default="{ row }">{{ t(row, 'frozen_delta_fen') }}</template></el-table-column>
        <el-table-column label="已发放变动" width="110" align="right"><template #default="{ row }">{{ t(row, 'paid_out_delta_fen') }}</template></el-table-column>
        <el-table-column label="活动" min-width="150" show-overflow-tooltip><template #default="{ row }">{{ row.program_id ? L.programName(row.program_title, null, row.program_id) : '—' }}</template></el-table-column>
      </el-table>
    </div>
    <div class="more">
      <el-button v-if="next !== null && next !== undefined" :loading="more" :disabled="more" data-action="more-statement" @click="loadMore">加载更多</el-button>
      <span v-else-if="entries.length" class="muted small">已显示全部流水</span>
    </div>
  </el-card>
  <el-card v-else shadow="never" class="card"><p class="muted">查看余额流水需要“财务”或“店主”权限。</p></el-card>

  <el-dialog v-model="topup.open" title="充值红包余额" :width="width" append-to-body class="op-dialog" data-dialog="topup" :close-on-click-modal="!topup.busy">
    <p class="dialog-lead">测试环境充值（沙箱），款项立即进入可用余额，用于活动佣金预算和红包发放。</p>
    <el-form label-position="top" @submit.prevent="confirmTopup">
      <el-form-item label="充值金额（元）" :error="topup.fieldError" data-field="amount">
        <el-input v-model="topup.amount" inputmode="decimal" placeholder="如 500 或 99.90" maxlength="16" @input="topup.fieldError = ''; topup.error = ''">
          <template #prefix>¥</template>
        </el-input>
      </el-form-item>
    </el-form>
    <el-alert v-if="topup.error" class="form-alert" type="error" :title="topup.error" :closable="false" show-icon />
    <template #footer>
      <el-button @click="topup.open = false" :disabled="topup.busy">取消</el-button>
      <el-button type="primary" :loading="topup.busy" :disabled="topup.busy" data-action="confirm-topup" @click="confirmTopup">确认充值</el-button>
    </template>
  </el-dialog>
</div>`,
    created() {
      this.loadBalance();
      if (this.canMoney) this.loadStatement();
    },
    methods: {
      t: api.text,
      kindText(row) { return row.kind_text || L.label(L.STATEMENT_KINDS, row.kind, '其他'); },
      async loadBalance() {
        this.balanceError = '';
        try { this.balance = await api.get('/api/merchant/balance'); } catch (e) { this.balanceError = e.message; }
      },
      async loadStatement() {
        this.loading = true;
        this.error = '';
        try {
          const r = await api.get('/api/merchant/balance/statement', { limit: 50 });
          this.entries = r.entries || [];
          this.next = r.next === undefined ? null : r.next;
        } catch (e) {
          this.error = e.message;
        } finally {
          this.loading = false;
        }
      },
      async loadMore() {
        if (this.more || this.next === null) return;
        this.more = true;
        try {
          const r = await api.get('/api/merchant/balance/statement', { limit: 50, before: this.next });
          const seen = new Set(this.entries.map((e) => String(e.entry_id)));
          this.entries = this.entries.concat((r.entries || []).filter((e) => !seen.has(String(e.entry_id))));
          this.next = r.next === undefined ? null : r.next;
        } catch (e) {
          this.error = e.message;
        } finally {
          this.more = false;
        }
      },
      openTopup() {
        // One key per opened dialog: clicking 确认充值 twice (or a retry) tops up once.
        this.topup = { open: true, amount: '', fieldError: '', error: '', busy: false, idem: api.idemKey('topup') };
      },
      async confirmTopup() {
        const tp = this.topup;
        if (tp.busy) return;
        const p = api.parseYuan(tp.amount);
        if (p.error) { tp.fieldError = p.error; return; }
        tp.busy = true;
        tp.error = '';
        try {
          const r = await api.post('/api/merchant/topup', { amount_fen: p.fen, idem_key: tp.idem });
          root.ElementPlus.ElMessage.success(r.replayed ? '这笔充值已经完成' : '充值成功');
          tp.open = false;
          if (r.balance !== undefined) this.balance = r;
          await Promise.all([this.loadBalance(), this.loadStatement()]);
        } catch (e) {
          const { fields, general } = L.split(e, ['amount'], { amount_fen: 'amount' });
          tp.fieldError = fields.amount || '';
          tp.error = general;
        } finally {
          tp.busy = false;
        }
      },
    },
  };
})(window);
