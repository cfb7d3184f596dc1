// 分组管理 (seed 003): the merchant's groups of distributors — create, rename, delete (after a
// confirmation); a name is 1 to 32 characters, checked here as the server does.
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const parts = (S.parts = S.parts || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;
  const kit = S.kit;

  function checkName(name) {
    const n = String(name || '').trim();
    if (!n) return '请输入分组名称';
    if ([...n].length > 32) return '分组名称最多 32 个字';
    return '';
  }
  const groupError = (e) => {
    const { fields, general } = L.split(e, ['name']);
    const p = (e.errors || []).find((x) => String(x.path || '').split('.').pop() === 'name');
    if (p && p.code === 'E_RANGE') fields.name = '分组名称须为 1 至 32 个字';
    if (p && p.code === 'E_DUPLICATE') fields.name = '已有同名分组，请换一个名称';
    return { field: fields.name || '', general };
  };

  parts['groups-dialog'] = {
    props: { modelValue: Boolean },
    emits: ['update:modelValue', 'changed'],
    data: () => ({ groups: [], loading: false, error: '', name: '', nameError: '', adding: false, editing: null, editName: '', editError: '', busy: {} }),
    computed: {
      visible: { get() { return this.modelValue; }, set(v) { this.$emit('update:modelValue', v); } },
      width() { return kit.width('560px'); },
    },
    watch: { modelValue(v) { if (v) { this.name = ''; this.nameError = ''; this.editing = null; this.load(); } } },
    template: `
<el-dialog v-model="visible" title="分组管理" :width="width" append-to-body class="op-dialog" data-dialog="groups">
  <p class="dialog-lead">按地区、渠道等给推广员分组，便于筛选和统计。</p>
  <el-form label-position="top" @submit.prevent="add">
    <el-form-item label="新建分组" :error="nameError" data-field="name">
      <div class="inline-field">
        <el-input v-model="name" maxlength="40" placeholder="如 杭州门店" @input="nameError = ''" />
        <el-button type="primary" :loading="adding" :disabled="adding" data-action="add-group" @click="add">新建</el-button>
      </div>
    </el-form-item>
  </el-form>
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
  <div class="mini-list" v-loading="loading" data-table="groups">
    <p v-if="!groups.length && !loading" class="muted small empty">还没有分组</p>
    <div v-for="g in groups" :key="g.group_id" class="mini-row" :data-group="g.group_id">
      <div v-if="editing === g.group_id">
        <el-form-item :error="editError" data-field="rename" class="rename-item">
          <div class="inline-field">
            <el-input v-model="editName" maxlength="40" @input="editError = ''" @keyup.enter="rename(g)" />
            <el-button type="primary" :loading="busy[g.group_id] === 'rename'" :disabled="!!busy[g.group_id]" data-action="save-group" @click="rename(g)">保存</el-button>
            <el-button :disabled="!!busy[g.group_id]" @click="editing = null">取消</el-button>
          </div>
        </el-form-item>
      </div>
      <div v-else class="mini-head">
        <span><b>{{ g.name }}</b><span v-if="g.members !== undefined && g.members !== null" class="muted small"> · {{ g.members }} 人</span></span>
        <span class="row-actions">
          <el-button link type="primary" :data-rename="g.group_id" @click="editing = g.group_id; editName = g.name; editError = ''">重命名</el-button>
          <el-button link type="danger" :loading="busy[g.group_id] === 'delete'" :disabled="!!busy[g.group_id]" :data-delete="g.group_id" @click="remove(g)">删除</el-button>
        </span>
      </div>
    </div>
  </div>
  <template #footer><el-button @click="visible = false">关闭</el-button></template>
</el-dialog>`,
    methods: {
      async load() {
        this.loading = true;
        this.error = '';
        try { this.groups = (await api.get('/api/merchant/groups')).groups || []; } catch (e) { this.error = e.message; } finally { this.loading = false; }
      },
      async add() {
        if (this.adding) return;
        this.nameError = checkName(this.name);
        if (this.nameError) return;
        this.adding = true;
        try {
          await api.post('/api/merchant/groups', { name: this.name.trim() });
          kit.ok(`已新建分组“${this.name.trim()}”`);
          this.name = '';
          await this.load();
          this.$emit('changed');
        } catch (e) {
          const r = groupError(e);
          this.nameError = r.field;
          this.error = r.general;
        } finally {
          this.adding = false;
        }
      },
      async rename(g) {
        if (this.busy[g.group_id]) return;
        this.editError = checkName(this.editName);
        if (this.editError) return;
        this.busy[g.group_id] = 'rename';
        try {
          await api.put(`/api/merchant/groups/${g.group_id}`, { name: this.editName.trim() });
          kit.ok('分组已重命名');
          this.editing = null;
          await this.load();
          this.$emit('changed');
        } catch (e) {
          const r = groupError(e);
          this.editError = r.field || r.general;
        } finally {
          this.busy[g.group_id] = false;
        }
      },
      async remove(g) {
        try {
          await root.ElementPlus.ElMessageBox.confirm(`删除分组“${g.name}”后，组内推广员不再属于该分组（推广员本身不受影响）。确定删除吗？`, '删除分组',
            { confirmButtonText: '删除', cancelButtonText: '取消', type: 'warning' });
        } catch (e) { return; }
        if (this.busy[g.group_id]) return;
        this.busy[g.group_id] = 'delete';
        try {
          await api.del(`/api/merchant/groups/${g.group_id}`);
          kit.ok('分组已删除');
          await this.load();
          this.$emit('changed');
        } catch (e) {
          this.error = `删除未成功：${e.message}`;
        } finally {
          this.busy[g.group_id] = false;
        }
      },
    },
  };
})(window);
