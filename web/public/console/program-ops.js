// Campaign operations, each a dialog that shows the server's preview before the merchant
// confirms: 结束活动 (end-preview: what returns to the balance, what stays frozen for orders placed
// and not yet paid), 增减库存 (stock-preview of the typed change: frozen change, balance after;
// refusals at the field) and 设置活动密码.
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const parts = (S.parts = S.parts || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;
  const ok = (text) => root.ElementPlus.ElMessage.success(text);

  const dialogProps = {
    props: { modelValue: Boolean, program: Object },
    emits: ['update:modelValue', 'done'],
    computed: {
      visible: { get() { return this.modelValue; }, set(v) { this.$emit('update:modelValue', v); } },
      width() { return api.store.phone ? '94%' : '520px'; },
      title() { return this.program ? (this.program.title || `活动 ${this.program.program_id}`) : ''; },
    },
  };

  parts['end-dialog'] = {
    ...dialogProps,
    data: () => ({ preview: null, loading: false, busy: false, error: '' }),
    watch: { modelValue(v) { if (v) this.load(); } },
    template: `
<el-dialog v-model="visible" title="结束活动" :width="width" append-to-body class="op-dialog" data-dialog="end" :close-on-click-modal="!busy">
  <p class="dialog-lead">确定结束“{{ title }}”吗？结束后不能重新开始，买家将无法再购买。</p>
  <div v-loading="loading" class="preview-box" data-role="end-preview">
    <template v-if="preview">
      <dl class="figures">
        <div><dt>退回红包余额</dt><dd class="money" data-role="returned">{{ t(preview, 'returned_fen') }}</dd></div>
        <div><dt>继续冻结</dt><dd class="money" data-role="held">{{ t(preview, 'held_fen') }}</dd></div>
      </dl>
      <p v-if="Number(preview.open_orders) > 0" class="muted small" data-role="held-note">
        还有 {{ preview.open_orders }} 笔订单已下单未付款，其佣金预算继续冻结：买家付款后发放佣金、余下退回余额；付款失败或关闭则全部退回。
      </p>
      <p v-else class="muted small" data-role="held-note">没有未付款的订单，未用完的佣金预算全部退回红包余额。</p>
    </template>
  </div>
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon data-role="end-error" />
  <template #footer>
    <el-button @click="visible = false" :disabled="busy">取消</el-button>
    <el-button type="danger" :loading="busy" :disabled="busy || loading || !preview" data-action="confirm-end" @click="confirm">确认结束</el-button>
  </template>
</el-dialog>`,
    methods: {
      t: api.text,
      async load() {
        this.preview = null;
        this.error = '';
        this.loading = true;
        try {
          this.preview = await api.get(`/api/merchant/programs/${this.program.program_id}/end-preview`);
        } catch (e) {
          this.error = e.message;
        } finally {
          this.loading = false;
        }
      },
      async confirm() {
        if (this.busy) return;
        this.busy = true;
        this.error = '';
        try {
          const r = await api.post(`/api/merchant/programs/${this.program.program_id}/end`, {});
          ok(`活动已结束，${api.text(r, 'returned_fen') !== '—' ? `${api.text(r, 'returned_fen')} 已退回红包余额` : '未用完的预算已退回红包余额'}`);
          this.visible = false;
          this.$emit('done');
        } catch (e) {
          this.error = e.message;
        } finally {
          this.busy = false;
        }
      },
    },
  };

  parts['stock-dialog'] = {
    ...dialogProps,
    data: () => ({ delta: '', fieldError: '', preview: null, loading: false, busy: false, error: '', seq: 0, idem: '' }),
    watch: {
      modelValue(v) {
        if (!v) return;
        this.idem = api.idemKey('stock'); // one change per opened dialog, however often 确认 is clicked
        this.delta = '';
        this.fieldError = '';
        this.preview = null;
        this.error = '';
      },
    },
    template: `
<el-dialog v-model="visible" title="增减库存" :width="width" append-to-body class="op-dialog" data-dialog="stock" :close-on-click-modal="!busy">
  <p class="dialog-lead">“{{ title }}”当前库存 <b data-role="stock-now">{{ program ? program.stock : '' }}</b> 件。每增加 1 件冻结一份佣金，每减少 1 件解冻一份。</p>
  <el-form label-position="top" @submit.prevent="confirm">
    <el-form-item label="增减数量（件）" :error="fieldError" data-field="delta">
      <el-input v-model="delta" inputmode="numeric" placeholder="增加填正数，如 20；减少填负数，如 -5" maxlength="11" @input="changed" />
    </el-form-item>
  </el-form>
  <div v-loading="loading" class="preview-box" data-role="stock-preview">
    <dl v-if="preview" class="figures">
      <div><dt>调整后库存</dt><dd data-role="stock-after">{{ preview.stock_after }} 件</dd></div>
      <div><dt>冻结变化</dt><dd class="money" data-role="frozen-change">{{ t(preview, 'frozen_change_fen') }}</dd></div>
      <div><dt>调整后可用余额</dt><dd class="money" data-role="balance-after">{{ t(preview, 'balance_after_fen') }}</dd></div>
    </dl>
    <p v-else class="muted small">输入数量后显示冻结变化和调整后的余额。</p>
  </div>
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
  <template #footer>
    <el-button @click="visible = false" :disabled="busy">取消</el-button>
    <el-button type="primary" :loading="busy" :disabled="busy || loading || !preview || !!fieldError" data-action="confirm-stock" @click="confirm">确认调整</el-button>
  </template>
</el-dialog>`,
    methods: {
      t: api.text,
      changed() {
        this.error = '';
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.ask(), 250);
      },
      parsed() {
        const p = api.parseCount(this.delta, { signed: true });
        if (!p.error && p.value === 0) return { error: '数量不能为 0' };
        return p;
      },
      async ask() {
        const seq = ++this.seq;
        this.preview = null;
        const p = this.parsed();
        if (p.error) { this.fieldError = this.delta.trim() ? p.error : ''; return; }
        this.fieldError = '';
        this.loading = true;
        try {
          const r = await api.get(`/api/merchant/programs/${this.program.program_id}/stock-preview`, { delta: p.value });
          if (seq !== this.seq) return;
          if (r.refused) this.fieldError = L.messageOf(r.refused);
          else this.preview = r;
        } catch (e) {
          if (seq !== this.seq) return;
          const { fields, general } = L.split(e, ['delta']);
          this.fieldError = fields.delta || '';
          this.error = general;
        } finally {
          if (seq === this.seq) this.loading = false;
        }
      },
      async confirm() {
        if (this.busy) return;
        const p = this.parsed();
        if (p.error) { this.fieldError = p.error; return; }
        if (!this.preview) return;
        this.busy = true;
        this.error = '';
        try {
          const r = await api.post(`/api/merchant/programs/${this.program.program_id}/stock`, { delta: p.value, idem_key: this.idem });
          ok(`库存已调整为 ${r.stock !== undefined ? r.stock : this.preview.stock_after} 件`);
          this.visible = false;
          this.$emit('done');
        } catch (e) {
          const { fields, general } = L.split(e, ['delta']);
          this.fieldError = fields.delta || '';
          this.error = general;
          this.preview = null;
          if (e.code === 'E_IDEM_MISMATCH') this.idem = api.idemKey('stock');
        } finally {
          this.busy = false;
        }
      },
    },
  };

  parts['password-dialog'] = {
    ...dialogProps,
    data: () => ({ password: '', fieldError: '', busy: false, error: '' }),
    watch: { modelValue(v) { if (v) { this.password = ''; this.fieldError = ''; this.error = ''; } } },
    template: `
<el-dialog v-model="visible" title="设置活动密码" :width="width" append-to-body class="op-dialog" data-dialog="password" :close-on-click-modal="!busy">
  <p class="dialog-lead">开启“活动密码”后，用户需输入密码方可进入“{{ title }}”。密码只保存加密后的结果，设置后不可查看，可随时重新设置。</p>
  <el-form label-position="top" @submit.prevent="confirm">
    <el-form-item label="活动密码" :error="fieldError" data-field="password">
      <el-input v-model="password" type="password" show-password autocomplete="new-password" maxlength="64" placeholder="1 至 64 个字符" @input="fieldError = ''" />
    </el-form-item>
  </el-form>
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
  <template #footer>
    <el-button @click="visible = false" :disabled="busy">取消</el-button>
    <el-button type="primary" :loading="busy" :disabled="busy" data-action="confirm-password" @click="confirm">保存密码</el-button>
  </template>
</el-dialog>`,
    methods: {
      async confirm() {
        if (this.busy) return;
        if (!this.password) { this.fieldError = '请输入活动密码'; return; }
        this.busy = true;
        this.error = '';
        try {
          await api.put(`/api/merchant/programs/${this.program.program_id}/password`, { password: this.password });
          ok('活动密码已设置');
          this.visible = false;
          this.$emit('done');
        } catch (e) {
          const { fields, general } = L.split(e, ['password']);
          this.fieldError = fields.password || '';
          this.error = general;
        } finally {
          this.busy = false;
        }
      },
    },
  };
})(window);
