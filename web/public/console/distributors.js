// 推广员: applications waiting for review first (通过, 驳回 with a reason the applicant reads),
// then every distributor with search (name, phone, number), filters (program, grade, status,
// group) and keyset pagination (加载更多 with the server's `next`); a row opens the distributor's
// page in a drawer (distributor-detail.js); 分组管理 (groups.js).
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;
  const kit = S.kit;
  const PAGE = 20;
  const key = (d) => `${d.program_id}/${d.user_id}`;

  S.Distributors = {
    name: 'DistributorsScreen',
    props: { routeId: String },
    data() {
      return {
        store: api.store, L, kit,
        programs: [], groups: [], roleName: '推广员',
        pending: [], pendingNext: null, pendingMore: false, pendingLoading: false, pendingError: '', busy: {},
        filters: { q: '', program_id: '', grade: '', status: '', group_id: '' },
        rows: [], next: null, loading: false, more: false, error: '',
        reject: { open: false, row: null }, groupsOpen: false, drawer: false, current: null,
      };
    },
    computed: {
      canEdit() { return api.can('programs'); },
      grades() {
        const list = [];
        const seen = new Set();
        for (const p of this.programs) {
          if (this.filters.program_id && String(p.program_id) !== this.filters.program_id) continue;
          for (const g of ((p.config || {}).grades || [])) if (!seen.has(g.id)) { seen.add(g.id); list.push(g); }
        }
        return list;
      },
      groupNames() { return Object.fromEntries(this.groups.map((g) => [String(g.group_id), g.name])); },
      drawerSize() { return this.store.phone ? '100%' : '820px'; },
      rejectLead() { return this.reject.row ? `驳回 ${kit.who(this.reject.row.name, this.reject.row.user_id)} 的${this.roleName}申请。申请人会看到这里填写的原因。` : ''; },
    },
    template: `
<div class="screen distributors">
  <el-card shadow="never" class="card" data-role="pending-card">
    <div class="toolbar">
      <h2 class="card-title">待审核申请<span v-if="pending.length" class="muted small">（{{ pending.length }}{{ pendingNext !== null ? '+' : '' }}）</span></h2>
      <span class="grow"></span>
      <el-button :loading="pendingLoading" @click="loadPending" data-action="refresh-pending">刷新</el-button>
    </div>
    <el-alert v-if="pendingError" class="form-alert" type="error" :title="pendingError" :closable="false" show-icon />
    <div class="cards" v-loading="pendingLoading" data-table="pending">
      <p v-if="!pending.length && !pendingLoading" class="muted small empty">没有待审核的申请</p>
      <div v-for="row in pending" :key="key(row)" class="card-row" data-card :data-applicant="row.user_id">
        <div class="card-row-head">
          <div class="card-row-title">
            <div class="program-title">{{ kit.who(row.name, row.user_id) }}<span v-if="row.phone_masked" class="muted small"> · {{ row.phone_masked }}</span></div>
            <div class="muted small">{{ programName(row.program_id) }} · 申请时间 {{ t(row, row.applied_ms ? 'applied_ms' : 'created_ms') }}<span v-if="row.inviter_id"> · 邀请人 {{ kit.who(row.inviter_name, row.inviter_id) }}</span></div>
          </div>
          <div v-if="canEdit" class="row-actions">
            <el-button type="primary" size="small" :loading="busy[key(row)] === 'approve'" :disabled="!!busy[key(row)]" :data-approve="row.user_id" @click="approve(row)">通过</el-button>
            <el-button type="danger" plain size="small" :disabled="!!busy[key(row)]" :data-reject="row.user_id" @click="reject = { open: true, row }">驳回</el-button>
          </div>
        </div>
      </div>
    </div>
    <div class="more" v-if="pendingNext !== null">
      <el-button :loading="pendingMore" :disabled="pendingMore" @click="morePending">加载更多</el-button>
    </div>
  </el-card>

  <el-card shadow="never" class="card">
    <el-form class="filters" :inline="!store.phone" label-position="top" @submit.prevent="search">
      <el-form-item label="搜索" class="filter-q-item" data-field="q">
        <el-input v-model="filters.q" clearable placeholder="姓名、手机号或编号" class="filter-q" @clear="search">
          <template #prefix><el-icon><Search /></el-icon></template>
        </el-input>
      </el-form-item>
      <el-form-item label="计划">
        <el-select v-model="filters.program_id" placeholder="全部计划" clearable class="filter-program" data-field="program_id" @change="filters.grade = ''">
          <el-option label="全部计划" value="" />
          <el-option v-for="p in programs" :key="p.program_id" :label="L.programName(p.title, p.kind, p.program_id)" :value="String(p.program_id)" />
        </el-select>
      </el-form-item>
      <el-form-item label="等级">
        <el-select v-model="filters.grade" placeholder="全部等级" clearable class="filter-status" data-field="grade">
          <el-option label="全部等级" value="" />
          <el-option v-for="g in grades" :key="g.id" :label="g.name || g.id" :value="g.id" />
        </el-select>
      </el-form-item>
      <el-form-item label="状态">
        <el-select v-model="filters.status" placeholder="全部状态" clearable class="filter-status" data-field="status">
          <el-option label="全部状态" value="" />
          <el-option v-for="(t, k) in L.DISTRIBUTOR_STATUS" :key="k" :label="t" :value="k" />
        </el-select>
      </el-form-item>
      <el-form-item label="分组">
        <el-select v-model="filters.group_id" placeholder="全部分组" clearable class="filter-status" data-field="group_id">
          <el-option label="全部分组" value="" />
          <el-option v-for="g in groups" :key="g.group_id" :label="g.name" :value="String(g.group_id)" />
        </el-select>
      </el-form-item>
      <el-form-item class="filter-buttons">
        <el-button type="primary" native-type="submit" :loading="loading" data-action="search-distributors">查询</el-button>
        <el-button @click="reset">重置</el-button>
        <el-button v-if="canEdit" data-action="groups" @click="groupsOpen = true">分组管理</el-button>
      </el-form-item>
    </el-form>
  </el-card>

  <el-card shadow="never" class="card">
    <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
    <div v-if="store.phone" class="cards" v-loading="loading" data-table="distributors">
      <p v-if="!rows.length && !loading" class="muted small empty">没有符合条件的{{ roleName }}</p>
      <div v-for="row in rows" :key="key(row)" class="card-row order-card" data-card :data-distributor="row.user_id" @click="open(row)">
        <div class="card-row-head">
          <div class="card-row-title">
            <div class="program-title">{{ kit.who(row.name, row.user_id) }}</div>
            <div class="muted small">{{ programName(row.program_id) }}<span v-if="row.phone_masked"> · {{ row.phone_masked }}</span></div>
            <div v-if="cardLine(row)" class="muted small">{{ cardLine(row) }}</div>
          </div>
          <el-tag disable-transitions size="small" :type="L.DISTRIBUTOR_STATUS_TAG[row.status] || 'info'" data-role="status">{{ statusText(row) }}</el-tag>
        </div>
      </div>
    </div>
    <div v-else class="table-wrap">
      <el-table :data="rows" v-loading="loading" :row-key="key" :empty-text="'没有符合条件的' + roleName" data-table="distributors" style="width: 100%" @row-click="open">
        <el-table-column label="推广员" min-width="150" show-overflow-tooltip>
          <template #default="{ row }"><span class="program-title" :data-distributor="row.user_id">{{ kit.who(row.name, row.user_id) }}</span><div v-if="row.phone_masked" class="muted small">{{ row.phone_masked }}</div></template>
        </el-table-column>
        <el-table-column label="计划" min-width="120" show-overflow-tooltip><template #default="{ row }">{{ programName(row.program_id) }}</template></el-table-column>
        <el-table-column label="等级" width="110"><template #default="{ row }">{{ gradeText(row) }}</template></el-table-column>
        <el-table-column label="分组" min-width="100" show-overflow-tooltip><template #default="{ row }">{{ groupText(row) || '—' }}</template></el-table-column>
        <el-table-column label="邀请人" min-width="110" show-overflow-tooltip><template #default="{ row }">{{ row.inviter_id ? kit.who(row.inviter_name, row.inviter_id) : '—' }}</template></el-table-column>
        <el-table-column label="状态" width="100"><template #default="{ row }"><el-tag disable-transitions size="small" :type="L.DISTRIBUTOR_STATUS_TAG[row.status] || 'info'" data-role="status">{{ statusText(row) }}</el-tag></template></el-table-column>
        <el-table-column label="加入时间" width="120"><template #default="{ row }">{{ t(row, 'created_ms') }}</template></el-table-column>
        <el-table-column label="操作" width="70"><template #default="{ row }"><el-button link type="primary" :data-open="row.user_id" @click.stop="open(row)">详情</el-button></template></el-table-column>
      </el-table>
    </div>
    <div class="more">
      <el-button v-if="next !== null" :loading="more" :disabled="more" data-action="more-distributors" @click="loadMore">加载更多</el-button>
      <span v-else-if="rows.length" class="muted small">已显示全部 {{ rows.length }} 位</span>
    </div>
  </el-card>

  <prompt-dialog v-model="reject.open" name="reject-applicant" title="驳回申请" :lead="rejectLead" label="驳回原因" placeholder="如：资料不完整，请补充后重新申请"
    required="请填写驳回原因" confirm-text="确认驳回" danger :action="doReject" @done="rejected" />
  <groups-dialog v-model="groupsOpen" @changed="loadGroups" />
  <el-drawer v-model="drawer" :size="drawerSize" :title="roleName + '详情'" append-to-body destroy-on-close class="order-drawer" data-drawer="distributor">
    <distributor-detail v-if="current" :program-id="current.program_id" :user-id="current.user_id" :programs="programs" :groups="groups"
      :role-name="roleName" @changed="refresh" />
  </el-drawer>
</div>`,
    created() {
      this.loadPrograms();
      this.loadGroups();
      this.loadRole();
      this.loadPending();
      this.search();
    },
    methods: {
      t: api.text,
      key,
      programName(id) {
        const p = this.programs.find((x) => String(x.program_id) === String(id));
        return p ? L.programName(p.title, p.kind, p.program_id) : L.programName(null, 'distribution', id);
      },
      statusText(row) { return row.status_text || L.label(L.DISTRIBUTOR_STATUS, row.status); },
      gradeText(row) { return row.grade_name || row.grade || '—'; },
      cardLine(row) {
        return [row.grade_name, this.groupText(row), row.inviter_id ? `邀请人 ${kit.who(row.inviter_name, row.inviter_id)}` : ''].filter(Boolean).join(' · ');
      },
      groupText(row) { return (row.group_ids || []).map((g) => this.groupNames[String(g)]).filter(Boolean).join('、'); },
      async loadPrograms() {
        try { this.programs = (await api.get('/api/merchant/programs', { kind: 'distribution' })).programs || []; } catch (e) { /* the filter lists none */ }
      },
      async loadGroups() {
        try { this.groups = (await api.get('/api/merchant/groups')).groups || []; } catch (e) { /* none to filter by */ }
      },
      async loadRole() {
        try { this.roleName = (await api.get('/api/merchant/settings/application')).role_name || '推广员'; } catch (e) { /* the default word */ }
      },
      async loadPending() {
        this.pendingLoading = true;
        this.pendingError = '';
        try {
          const r = await api.get('/api/merchant/distributors', { status: 'pending', limit: PAGE });
          this.pending = r.distributors || [];
          this.pendingNext = r.next === undefined ? null : r.next;
        } catch (e) {
          this.pendingError = e.message;
        } finally {
          this.pendingLoading = false;
        }
      },
      async morePending() {
        if (this.pendingMore || this.pendingNext === null) return;
        this.pendingMore = true;
        try {
          const r = await api.get('/api/merchant/distributors', { status: 'pending', limit: PAGE, before: this.pendingNext });
          this.pending = kit.merge(this.pending, r.distributors || [], key);
          this.pendingNext = r.next === undefined ? null : r.next;
        } catch (e) { this.pendingError = e.message; } finally { this.pendingMore = false; }
      },
      query() {
        const f = this.filters;
        return { q: f.q.trim(), program_id: f.program_id, grade: f.grade, status: f.status, group_id: f.group_id, limit: PAGE };
      },
      async search() {
        const q = this.query();
        this.lastQuery = q;
        this.loading = true;
        this.error = '';
        try {
          const r = await api.get('/api/merchant/distributors', q);
          this.rows = r.distributors || [];
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
          const r = await api.get('/api/merchant/distributors', { ...this.lastQuery, before: this.next });
          this.rows = kit.merge(this.rows, r.distributors || [], key);
          this.next = r.next === undefined ? null : r.next;
        } catch (e) { this.error = e.message; } finally { this.more = false; }
      },
      reset() {
        this.filters = { q: '', program_id: '', grade: '', status: '', group_id: '' };
        this.search();
      },
      refresh() { this.loadPending(); this.search(); },
      open(row) {
        this.current = { program_id: row.program_id, user_id: row.user_id };
        this.drawer = true;
      },
      async approve(row) {
        const k = key(row);
        if (this.busy[k]) return;
        this.busy[k] = 'approve';
        try {
          await api.post(`/api/merchant/distributors/${row.program_id}/${row.user_id}/approve`, {});
          kit.ok(`已通过 ${kit.who(row.name, row.user_id)} 的申请`);
          this.refresh();
        } catch (e) {
          kit.fail(`通过未成功：${e.message}`);
        } finally {
          this.busy[k] = false;
        }
      },
      doReject(reason) {
        const row = this.reject.row;
        return api.post(`/api/merchant/distributors/${row.program_id}/${row.user_id}/reject`, { reason });
      },
      rejected() {
        kit.ok('已驳回申请');
        this.refresh();
      },
    },
  };
})(window);
