// 设置: shop settings (自动确认收货天数, 是否需要发货), staff (owner: list and 添加员工) and API
// keys for integrations (owner: create -> shown once with a copy button, list by prefix, revoke).
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;
  const EP = () => root.ElementPlus;

  const emptyStaff = () => ({ open: false, form: { login: '', name: '', role: 'operator', password: '' }, errors: {}, error: '', busy: false });
  const emptyKey = () => ({ open: false, form: { label: '', role: 'operator' }, errors: {}, error: '', busy: false });

  S.Settings = {
    name: 'SettingsScreen',
    data() {
      return {
        store: api.store, L, tab: 'shop',
        shop: { auto_complete_days: 7, ships: true }, shopLoaded: false, shopErrors: {}, shopError: '', shopBusy: false,
        staff: [], staffError: '', staffLoading: false, addStaff: emptyStaff(),
        keys: [], keysError: '', keysLoading: false, newKey: emptyKey(), shownKey: null, revoking: {},
      };
    },
    computed: {
      isOwner() { return api.can('owner'); },
      width() { return this.store.phone ? '94%' : '480px'; },
    },
    template: `
<div class="screen settings">
  <el-card shadow="never" class="card">
    <el-tabs v-model="tab" @tab-change="changed">
      <el-tab-pane label="店铺设置" name="shop">
        <el-alert v-if="shopError" class="form-alert" type="error" :title="shopError" :closable="false" show-icon />
        <el-form label-position="top" class="narrow-form" @submit.prevent="saveShop" v-loading="!shopLoaded">
          <el-form-item label="是否需要发货" :error="shopErrors.ships" data-field="ships">
            <el-switch v-model="shop.ships" :disabled="!isOwner" active-text="需要发货" inactive-text="无需发货" />
            <div class="muted small hint">{{ shop.ships ? '实物商品：商家在订单详情中点“发货”。' : '虚拟商品、课程等：付款后无需发货。' }}</div>
          </el-form-item>
          <el-form-item label="自动确认收货天数" :error="shopErrors.auto_complete_days" data-field="auto_complete_days">
            <el-input-number v-model="shop.auto_complete_days" :min="1" :max="30" :step="1" step-strictly :disabled="!isOwner" />
            <div class="muted small hint">{{ shop.ships ? '发货后' : '付款后' }}满 {{ shop.auto_complete_days }} 天自动确认收货，佣金随后进入冻结期。</div>
          </el-form-item>
          <el-button v-if="isOwner" type="primary" native-type="submit" :loading="shopBusy" :disabled="shopBusy || !shopLoaded" data-action="save-shop">保存</el-button>
          <p v-else class="muted small">店铺设置仅店主可修改。</p>
        </el-form>
      </el-tab-pane>

      <el-tab-pane v-if="isOwner" label="员工" name="staff">
        <div class="toolbar"><span class="muted small">运营：活动、订单、推广员；财务：退款、提现、余额；店主：全部。</span><span class="grow"></span>
          <el-button type="primary" data-action="add-staff" @click="addStaff = { ...addStaff, open: true, errors: {}, error: '' }">添加员工</el-button></div>
        <el-alert v-if="staffError" class="form-alert" type="error" :title="staffError" :closable="false" show-icon />
        <div class="table-wrap">
          <el-table :data="staff" v-loading="staffLoading" size="small" empty-text="还没有员工" data-table="staff" style="width: 100%">
            <el-table-column label="姓名" min-width="110"><template #default="{ row }">{{ row.name }}</template></el-table-column>
            <el-table-column label="登录名" min-width="120"><template #default="{ row }">{{ row.login }}</template></el-table-column>
            <el-table-column label="角色" width="80"><template #default="{ row }"><el-tag disable-transitions size="small" effect="plain">{{ L.roleName(row.role) }}</el-tag></template></el-table-column>
            <el-table-column label="添加时间" width="130"><template #default="{ row }">{{ t(row, 'created_ms') }}</template></el-table-column>
            <el-table-column label="状态" width="80"><template #default="{ row }">{{ row.disabled_ms ? '已停用' : '正常' }}</template></el-table-column>
          </el-table>
        </div>
      </el-tab-pane>

      <el-tab-pane v-if="isOwner" label="API 密钥" name="keys">
        <div class="toolbar"><span class="muted small">供系统对接使用；密钥只在创建时显示一次，请妥善保存。</span><span class="grow"></span>
          <el-button type="primary" data-action="create-key" @click="newKey = { ...newKey, open: true, errors: {}, error: '' }">创建密钥</el-button></div>
        <el-alert v-if="keysError" class="form-alert" type="error" :title="keysError" :closable="false" show-icon />
        <div class="table-wrap">
          <el-table :data="keys" v-loading="keysLoading" size="small" empty-text="还没有 API 密钥" data-table="keys" style="width: 100%">
            <el-table-column label="名称" min-width="120"><template #default="{ row }">{{ row.label }}</template></el-table-column>
            <el-table-column label="权限" width="80"><template #default="{ row }">{{ L.roleName(row.role) }}</template></el-table-column>
            <el-table-column label="密钥前缀" width="120"><template #default="{ row }"><code data-role="key-prefix">{{ row.prefix }}…</code></template></el-table-column>
            <el-table-column label="创建时间" width="130"><template #default="{ row }">{{ t(row, 'created_ms') }}</template></el-table-column>
            <el-table-column label="状态" width="150"><template #default="{ row }">
              <span v-if="row.revoked_ms" class="muted">已撤销 {{ t(row, 'revoked_ms') }}</span>
              <el-tag disable-transitions v-else size="small" type="success">有效</el-tag></template></el-table-column>
            <el-table-column label="操作" width="80"><template #default="{ row }">
              <el-button v-if="!row.revoked_ms" link type="danger" :loading="!!revoking[row.key_id]" :disabled="!!revoking[row.key_id]" :data-revoke="row.key_id" @click="revoke(row)">撤销</el-button>
            </template></el-table-column>
          </el-table>
        </div>
      </el-tab-pane>
      <el-tab-pane label="分销设置" name="promo" lazy><promo-settings /></el-tab-pane>
    </el-tabs>
  </el-card>

  <el-dialog v-model="addStaff.open" title="添加员工" :width="width" append-to-body class="op-dialog" data-dialog="staff" :close-on-click-modal="!addStaff.busy">
    <el-form label-position="top" @submit.prevent="saveStaff">
      <el-form-item label="姓名" :error="addStaff.errors.name" data-field="name"><el-input v-model="addStaff.form.name" maxlength="32" placeholder="如 小王" /></el-form-item>
      <el-form-item label="登录名" :error="addStaff.errors.login" data-field="login"><el-input v-model="addStaff.form.login" maxlength="64" autocomplete="off" placeholder="3 至 32 个英文字母或数字" /></el-form-item>
      <el-form-item label="角色" :error="addStaff.errors.role" data-field="role">
        <el-radio-group v-model="addStaff.form.role">
          <el-radio value="operator">运营</el-radio><el-radio value="finance">财务</el-radio><el-radio value="owner">店主</el-radio>
        </el-radio-group>
      </el-form-item>
      <el-form-item label="初始密码" :error="addStaff.errors.password" data-field="password"><el-input v-model="addStaff.form.password" type="password" show-password autocomplete="new-password" maxlength="128" placeholder="至少 8 位" /></el-form-item>
    </el-form>
    <el-alert v-if="addStaff.error" class="form-alert" type="error" :title="addStaff.error" :closable="false" show-icon />
    <template #footer>
      <el-button @click="addStaff.open = false" :disabled="addStaff.busy">取消</el-button>
      <el-button type="primary" :loading="addStaff.busy" :disabled="addStaff.busy" data-action="confirm-staff" @click="saveStaff">添加</el-button>
    </template>
  </el-dialog>

  <el-dialog v-model="newKey.open" title="创建 API 密钥" :width="width" append-to-body class="op-dialog" data-dialog="key" :close-on-click-modal="!newKey.busy">
    <el-form label-position="top" @submit.prevent="createKey">
      <el-form-item label="名称" :error="newKey.errors.label" data-field="label"><el-input v-model="newKey.form.label" maxlength="32" placeholder="如 ERP 对接" /></el-form-item>
      <el-form-item label="权限" :error="newKey.errors.role" data-field="role">
        <el-radio-group v-model="newKey.form.role">
          <el-radio value="operator">运营</el-radio><el-radio value="finance">财务</el-radio><el-radio value="owner">店主</el-radio>
        </el-radio-group>
      </el-form-item>
    </el-form>
    <el-alert v-if="newKey.error" class="form-alert" type="error" :title="newKey.error" :closable="false" show-icon />
    <template #footer>
      <el-button @click="newKey.open = false" :disabled="newKey.busy">取消</el-button>
      <el-button type="primary" :loading="newKey.busy" :disabled="newKey.busy" data-action="confirm-key" @click="createKey">创建</el-button>
    </template>
  </el-dialog>

  <el-dialog :model-value="!!shownKey" title="新的 API 密钥" :width="width" append-to-body class="op-dialog" data-dialog="shown-key" @update:model-value="(v) => { if (!v) shownKey = null; }">
    <el-alert type="warning" :closable="false" show-icon title="密钥只显示这一次，关闭后无法再次查看，请立即复制并妥善保存。" />
    <el-input ref="keyInput" class="key-text" :model-value="shownKey ? shownKey.key : ''" readonly data-role="new-key" />
    <template #footer>
      <el-button type="primary" data-action="copy-key" @click="copyKey">复制密钥</el-button>
      <el-button @click="shownKey = null">我已保存</el-button>
    </template>
  </el-dialog>
</div>`,
    created() { this.loadShop(); },
    methods: {
      t: api.text,
      changed(name) {
        if (name === 'staff') this.loadStaff();
        if (name === 'keys') this.loadKeys();
      },
      async loadShop() {
        this.shopError = '';
        try {
          const r = await api.get('/api/merchant/settings/shop');
          const s = r.settings || r;
          this.shop = { auto_complete_days: Number(s.auto_complete_days) || 7, ships: s.ships !== false };
        } catch (e) {
          this.shopError = e.message;
        } finally {
          this.shopLoaded = true;
        }
      },
      async saveShop() {
        if (this.shopBusy) return;
        this.shopBusy = true;
        this.shopErrors = {};
        this.shopError = '';
        try {
          await api.put('/api/merchant/settings/shop', { auto_complete_days: this.shop.auto_complete_days, ships: this.shop.ships });
          EP().ElMessage.success('店铺设置已保存');
        } catch (e) {
          const { fields, general } = L.split(e, ['auto_complete_days', 'ships']);
          this.shopErrors = fields;
          this.shopError = general;
        } finally {
          this.shopBusy = false;
        }
      },
      async loadStaff() {
        this.staffLoading = true;
        this.staffError = '';
        try { this.staff = (await api.get('/api/merchant/staff')).staff || []; } catch (e) { this.staffError = e.message; } finally { this.staffLoading = false; }
      },
      async saveStaff() {
        const a = this.addStaff;
        if (a.busy) return;
        const f = { login: a.form.login.trim(), name: a.form.name.trim(), role: a.form.role, password: a.form.password };
        a.errors = {};
        if (!f.name) a.errors.name = '请输入姓名';
        if (!f.login) a.errors.login = '请输入登录名';
        if (!f.password) a.errors.password = '请输入初始密码';
        else if (f.password.length < 8) a.errors.password = '密码至少 8 位';
        if (f.login && !/^[A-Za-z0-9_.@-]{3,32}$/.test(f.login)) a.errors.login = '登录名须为 3 至 32 个英文字母、数字或 _ . @ -';
        if (Object.keys(a.errors).length) return;
        a.busy = true;
        a.error = '';
        try {
          await api.post('/api/merchant/staff', f);
          EP().ElMessage.success(`已添加员工 ${f.name}`);
          this.addStaff = emptyStaff();
          await this.loadStaff();
        } catch (e) {
          const { fields, general } = L.split(e, ['login', 'name', 'role', 'password']);
          a.errors = fields;
          a.error = general;
        } finally {
          a.busy = false;
        }
      },
      async loadKeys() {
        this.keysLoading = true;
        this.keysError = '';
        try { this.keys = (await api.get('/api/merchant/api-keys')).keys || []; } catch (e) { this.keysError = e.message; } finally { this.keysLoading = false; }
      },
      async createKey() {
        const k = this.newKey;
        if (k.busy) return;
        const label = k.form.label.trim();
        k.errors = {};
        if (!label) { k.errors.label = '请输入密钥名称'; return; }
        k.busy = true;
        k.error = '';
        try {
          const r = await api.post('/api/merchant/api-keys', { label, role: k.form.role });
          this.newKey = emptyKey();
          this.shownKey = { key: r.key, key_id: r.key_id };
          await this.loadKeys();
        } catch (e) {
          const { fields, general } = L.split(e, ['label', 'role']);
          k.errors = fields;
          k.error = general;
        } finally {
          k.busy = false;
        }
      },
      async copyKey() {
        const text = this.shownKey ? this.shownKey.key : '';
        try {
          await root.navigator.clipboard.writeText(text);
          EP().ElMessage.success('已复制到剪贴板');
        } catch (e) {
          const input = this.$refs.keyInput && this.$refs.keyInput.input;
          if (input) { input.select(); }
          let done = false;
          try { done = root.document.execCommand('copy'); } catch (x) { /* not allowed */ }
          if (done) EP().ElMessage.success('已复制到剪贴板');
          else EP().ElMessage.warning('无法自动复制，请长按或选中密钥手动复制');
        }
      },
      async revoke(row) {
        try {
          await EP().ElMessageBox.confirm(`撤销后使用“${row.label}”的系统将无法再调用接口，且不能恢复。确定撤销吗？`, '撤销 API 密钥',
            { confirmButtonText: '撤销', cancelButtonText: '取消', type: 'warning' });
        } catch (e) { return; }
        if (this.revoking[row.key_id]) return;
        this.revoking[row.key_id] = true;
        try {
          await api.del(`/api/merchant/api-keys/${row.key_id}`);
          EP().ElMessage.success('密钥已撤销');
          await this.loadKeys();
        } catch (e) {
          EP().ElMessage.error(`撤销未成功：${e.message}`);
        } finally {
          this.revoking[row.key_id] = false;
        }
      },
    },
  };
})(window);
