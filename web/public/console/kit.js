// Pieces the part-2 screens share: a one-field dialog that runs an action (驳回 with a reason,
// 确认已打款 with a reference; busy while it runs, the server's error at the field), download links
// (.xlsx and .csv of one export, same-origin with the session cookie), and small helpers.
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const parts = (S.parts = S.parts || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;

  const kit = (S.kit = {
    ok: (text) => root.ElementPlus.ElMessage.success(text),
    fail: (text) => root.ElementPlus.ElMessage.error(text),
    width: (desktop = '480px') => (api.store.phone ? '94%' : desktop),
    // A person: the name the server sent, else their number.
    who: (name, id) => (name ? `${name}（${id}）` : `用户 ${id}`),
    // Basis points as a percentage ("1250" -> "12.5%"): a rate, not money; integer digits only.
    bp: (v) => {
      if (v === null || v === undefined || v === '' || !Number.isFinite(Number(v))) return '—';
      const n = Math.round(Number(v));
      const s = String(Math.abs(n)).padStart(3, '0');
      const frac = s.slice(-2).replace(/0+$/, '');
      return `${n < 0 ? '-' : ''}${s.slice(0, -2)}${frac ? `.${frac}` : ''}%`;
    },
    // "12.5" (percent typed) -> basis points 1250, by string digits.
    parsePercent(text, max = 50) {
      const s = String(text == null ? '' : text).trim().replace(/%$/, '').trim();
      if (!s) return { value: 0 };
      if (/[\uff10-\uff19\uff0e]/.test(s)) return { error: '请使用半角数字，不要用全角字符' };
      const m = /^(\d{1,3})(?:\.(\d{0,2}))?$/.exec(s);
      if (!m) return { error: '请输入百分比，如 1 或 0.6，最多两位小数' };
      const value = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
      if (value > max * 100) return { error: `不能超过 ${max}%` };
      return { value };
    },
    num: (v) => (v === null || v === undefined || v === '' ? '—' : String(v)),
    // Distinct pages of a keyset list (the server's `next`).
    merge(rows, more, key) {
      const seen = new Set(rows.map(key));
      return rows.concat(more.filter((r) => !seen.has(key(r))));
    },
  });

  // A dialog with one text field that runs `action(value)` (a promise) on 确认; the field's
  // error (path `field`, or the message of a local check) at the field, others below.
  parts['prompt-dialog'] = {
    props: {
      modelValue: Boolean, title: String, lead: String, label: String, placeholder: String, field: { type: String, default: 'reason' },
      maxlength: { type: Number, default: 200 }, required: { type: String, default: '请填写此项' }, confirmText: { type: String, default: '确认' },
      danger: Boolean, action: Function, name: String, multiline: { type: Boolean, default: true },
    },
    emits: ['update:modelValue', 'done'],
    data: () => ({ value: '', fieldError: '', error: '', busy: false }),
    computed: {
      visible: { get() { return this.modelValue; }, set(v) { this.$emit('update:modelValue', v); } },
      width() { return kit.width('480px'); },
    },
    watch: { modelValue(v) { if (v) { this.value = ''; this.fieldError = ''; this.error = ''; } } },
    template: `
<el-dialog v-model="visible" :title="title" :width="width" append-to-body class="op-dialog" :data-dialog="name" :close-on-click-modal="!busy">
  <p v-if="lead" class="dialog-lead">{{ lead }}</p>
  <el-form label-position="top" @submit.prevent="confirm">
    <el-form-item :label="label" :error="fieldError" :data-field="field">
      <el-input v-model="value" :type="multiline ? 'textarea' : 'text'" :rows="3" :maxlength="maxlength" show-word-limit :placeholder="placeholder"
        @input="fieldError = ''; error = ''" />
    </el-form-item>
  </el-form>
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon data-role="prompt-error" />
  <template #footer>
    <el-button @click="visible = false" :disabled="busy">取消</el-button>
    <el-button :type="danger ? 'danger' : 'primary'" :loading="busy" :disabled="busy" data-action="confirm-prompt" @click="confirm">{{ confirmText }}</el-button>
  </template>
</el-dialog>`,
    methods: {
      async confirm() {
        if (this.busy) return;
        const v = this.value.trim();
        if (!v) { this.fieldError = this.required; return; }
        if ([...v].length > this.maxlength) { this.fieldError = `最多 ${this.maxlength} 个字`; return; }
        this.busy = true;
        this.error = '';
        try {
          const r = await this.action(v);
          this.visible = false;
          this.$emit('done', r);
        } catch (e) {
          const { fields, general } = L.split(e, [this.field]);
          this.fieldError = fields[this.field] || '';
          this.error = general;
        } finally {
          this.busy = false;
        }
      },
    },
  };

  // 下载 .xlsx / .csv of one file: plain links (GET with the session cookie), the query given.
  parts['download-links'] = {
    props: { base: String, query: Object, name: String, disabled: Boolean },
    computed: {
      qs() { return api.qs(this.query || {}); },
    },
    template: `
<span class="download-links" :data-download="name">
  <el-button tag="a" :href="disabled ? undefined : base + '.xlsx' + qs" :disabled="disabled" download size="small" type="primary" plain data-format="xlsx">
    <el-icon><Download /></el-icon><span>Excel</span></el-button>
  <el-button tag="a" :href="disabled ? undefined : base + '.csv' + qs" :disabled="disabled" download size="small" plain data-format="csv">
    <el-icon><Download /></el-icon><span>CSV</span></el-button>
</span>`,
  };
})(window);
