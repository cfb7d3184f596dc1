// 活动与方案: every program of the merchant (status, period, sold, buyers, commission paid,
// budget frozen: the server's texts), search by title, filter by status; 新建 and 编辑 open the
// editor page; 复制为新草稿; campaign operations (结束活动, 增减库存, 设置活动密码) in
// program-ops.js, each with the server's preview before confirming.
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;

  S.Programs = {
    name: 'ProgramsScreen',
    data() {
      return {
        store: api.store, L, programs: [], loading: false, error: '', q: '', status: '', busy: {},
        dialog: { end: false, stock: false, password: false }, current: null,
      };
    },
    computed: {
      canEdit() { return api.can('programs'); },
    },
    template: `
<div class="screen programs">
  <el-card shadow="never" class="card">
    <div class="toolbar">
      <el-input v-model="q" class="search" clearable placeholder="按活动标题搜索" data-field="q" @keyup.enter="load" @clear="load">
        <template #prefix><el-icon><Search /></el-icon></template>
      </el-input>
      <el-select v-model="status" class="status-filter" placeholder="全部状态" clearable data-field="status" @change="load">
        <el-option label="全部状态" value="" />
        <el-option v-for="(t, k) in L.PROGRAM_STATUS" :key="k" :label="t" :value="k" />
      </el-select>
      <el-button :loading="loading" @click="load" data-action="search">查询</el-button>
      <span class="grow"></span>
      <el-dropdown v-if="canEdit" trigger="click" @command="create">
        <el-button type="primary" data-action="create"><el-icon><Plus /></el-icon><span>新建</span></el-button>
        <template #dropdown>
          <el-dropdown-menu>
            <el-dropdown-item command="campaign" data-create="campaign">分销宝活动（单品佣金红包）</el-dropdown-item>
            <el-dropdown-item command="distribution" data-create="distribution">分销计划（推广员多级佣金）</el-dropdown-item>
          </el-dropdown-menu>
        </template>
      </el-dropdown>
    </div>
    <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
    <div v-if="store.phone" class="cards" v-loading="loading" data-table="programs">
      <p v-if="!programs.length && !loading" class="muted small empty">还没有活动，点“新建”创建第一个</p>
      <div v-for="row in programs" :key="row.program_id" class="card-row" data-card>
        <div class="card-row-head">
          <div class="card-row-title">
            <div class="program-title" :data-program="row.program_id">{{ L.programName(row.title, row.kind, row.program_id) }}</div>
            <div class="muted small">{{ L.label(L.KINDS, row.kind) }} · 编号 {{ row.program_id }}<span v-if="row.has_password"> · 已设密码</span></div>
          </div>
          <el-tag disable-transitions :type="L.PROGRAM_STATUS_TAG[row.status] || 'info'" size="small" data-role="status">{{ row.status_text || L.label(L.PROGRAM_STATUS, row.status) }}</el-tag>
        </div>
        <div class="muted small">{{ row.period_text || (row.kind === 'distribution' ? '长期有效' : '—') }}</div>
        <dl class="card-figures">
          <div><dt>已售<span v-if="row.kind === 'campaign'"> / 库存</span></dt><dd><span data-role="sold">{{ num(row.sold_units) }}</span><span v-if="row.kind === 'campaign'"> / <span data-role="stock">{{ num(row.stock) }}</span></span></dd></div>
          <div><dt>购买人数</dt><dd data-role="buyers">{{ num(row.buyers) }}</dd></div>
          <div><dt>已发佣金</dt><dd data-role="commission-paid">{{ t(row, 'commission_paid_fen') }}</dd></div>
          <div><dt>冻结预算</dt><dd data-role="frozen">{{ t(row, 'frozen_fen') }}</dd></div>
        </dl>
        <div class="row-actions">
          <el-button v-if="canEdit" link type="primary" :data-edit="row.program_id" @click="edit(row)">编辑</el-button>
          <el-button v-else link type="primary" @click="edit(row)">查看</el-button>
          <el-dropdown v-if="canEdit" trigger="click" @command="(c) => act(c, row)">
            <el-button link type="primary" :data-more="row.program_id" :loading="!!busy[row.program_id]">更多<el-icon class="el-icon--right"><ArrowDown /></el-icon></el-button>
            <template #dropdown>
              <el-dropdown-menu>
                <el-dropdown-item command="copy" :data-op="'copy-' + row.program_id">复制为新草稿</el-dropdown-item>
                <template v-if="row.kind === 'campaign'">
                  <el-dropdown-item v-if="row.status !== 'ended'" command="stock" :data-op="'stock-' + row.program_id">增减库存</el-dropdown-item>
                  <el-dropdown-item v-if="row.status !== 'ended'" command="password" :data-op="'password-' + row.program_id">设置活动密码</el-dropdown-item>
                  <el-dropdown-item v-if="row.status === 'published'" command="end" divided :data-op="'end-' + row.program_id"><span class="danger-text">结束活动</span></el-dropdown-item>
                </template>
              </el-dropdown-menu>
            </template>
          </el-dropdown>
        </div>
      </div>
    </div>
    <div v-else class="table-wrap">
      <el-table :data="programs" v-loading="loading" row-key="program_id" empty-text="还没有活动，点“新建”创建第一个" data-table="programs" style="width: 100%">
        <el-table-column label="活动" min-width="200">
          <template #default="{ row }">
            <div class="program-title" :data-program="row.program_id">{{ L.programName(row.title, row.kind, row.program_id) }}</div>
            <div class="muted small">{{ L.label(L.KINDS, row.kind) }} · 编号 {{ row.program_id }}<span v-if="row.has_password"> · 已设密码</span></div>
          </template>
        </el-table-column>
        <el-table-column label="状态" width="80">
          <template #default="{ row }"><el-tag disable-transitions :type="L.PROGRAM_STATUS_TAG[row.status] || 'info'" size="small" data-role="status">{{ row.status_text || L.label(L.PROGRAM_STATUS, row.status) }}</el-tag></template>
        </el-table-column>
        <el-table-column label="活动时间" width="170">
          <template #default="{ row }"><span class="small">{{ row.period_text || (row.kind === 'distribution' ? '长期有效' : '—') }}</span></template>
        </el-table-column>
        <el-table-column label="已售 / 库存" width="96" align="right">
          <template #default="{ row }"><span data-role="sold">{{ num(row.sold_units) }}</span><span v-if="row.kind === 'campaign'" class="muted"> / <span data-role="stock">{{ num(row.stock) }}</span></span></template>
        </el-table-column>
        <el-table-column label="购买人数" width="80" align="right">
          <template #default="{ row }"><span data-role="buyers">{{ num(row.buyers) }}</span></template>
        </el-table-column>
        <el-table-column label="已发佣金" width="110" align="right">
          <template #default="{ row }"><span data-role="commission-paid">{{ t(row, 'commission_paid_fen') }}</span></template>
        </el-table-column>
        <el-table-column label="冻结预算" width="110" align="right">
          <template #default="{ row }"><span data-role="frozen">{{ t(row, 'frozen_fen') }}</span></template>
        </el-table-column>
        <el-table-column label="操作" :width="130" :fixed="store.phone ? false : 'right'">
          <template #default="{ row }">
            <div class="row-actions">
              <el-button v-if="canEdit" link type="primary" :data-edit="row.program_id" @click="edit(row)">编辑</el-button>
              <el-button v-else link type="primary" @click="edit(row)">查看</el-button>
              <el-dropdown v-if="canEdit" trigger="click" @command="(c) => act(c, row)">
                <el-button link type="primary" :data-more="row.program_id" :loading="!!busy[row.program_id]">更多<el-icon class="el-icon--right"><ArrowDown /></el-icon></el-button>
                <template #dropdown>
                  <el-dropdown-menu>
                    <el-dropdown-item command="copy" :data-op="'copy-' + row.program_id">复制为新草稿</el-dropdown-item>
                    <template v-if="row.kind === 'campaign'">
                      <el-dropdown-item v-if="row.status !== 'ended'" command="stock" :data-op="'stock-' + row.program_id">增减库存</el-dropdown-item>
                      <el-dropdown-item v-if="row.status !== 'ended'" command="password" :data-op="'password-' + row.program_id">设置活动密码</el-dropdown-item>
                      <el-dropdown-item v-if="row.status === 'published'" command="end" divided :data-op="'end-' + row.program_id"><span class="danger-text">结束活动</span></el-dropdown-item>
                    </template>
                  </el-dropdown-menu>
                </template>
              </el-dropdown>
            </div>
          </template>
        </el-table-column>
      </el-table>
    </div>
  </el-card>
  <end-dialog v-model="dialog.end" :program="current" @done="load" />
  <stock-dialog v-model="dialog.stock" :program="current" @done="load" />
  <password-dialog v-model="dialog.password" :program="current" @done="load" />
</div>`,
    created() { this.load(); },
    methods: {
      t: api.text,
      num(v) { return v === null || v === undefined || v === '' ? '—' : String(v); },
      async load() {
        this.loading = true;
        this.error = '';
        try {
          const r = await api.get('/api/merchant/programs', { q: this.q.trim(), status: this.status });
          this.programs = r.programs || [];
        } catch (e) {
          this.error = e.message;
        } finally {
          this.loading = false;
        }
      },
      create(kind) { root.location.href = `/editor.html?kind=${encodeURIComponent(kind)}`; },
      edit(row) { root.location.href = `/editor.html?id=${encodeURIComponent(row.program_id)}`; },
      act(command, row) {
        if (command === 'copy') return this.copy(row);
        this.current = row;
        this.dialog[command] = true;
        return null;
      },
      async copy(row) {
        if (this.busy[row.program_id]) return;
        this.busy[row.program_id] = true;
        try {
          const r = await api.post(`/api/merchant/programs/${row.program_id}/copy`, { idem_key: api.idemKey('copy') });
          root.ElementPlus.ElMessage.success(`已复制为新草稿（编号 ${r.program_id}）`);
          await this.load();
        } catch (e) {
          root.ElementPlus.ElMessage.error(`复制未成功：${e.message}`);
        } finally {
          this.busy[row.program_id] = false;
        }
      },
    },
  };
})(window);
