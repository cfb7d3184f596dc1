// 订单: filters (program, status, paid date range in China time, buyer, distributor), keyset
// pagination (加载更多 with the server's `next`), bulk 批量确认收货, and the detail in a drawer
// (order-detail.js).
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;
  const PAGE = 20;
  const COMPLETABLE = ['paid']; // paid, shipped or not (the server's status stays 'paid' until completed)

  S.Orders = {
    name: 'OrdersScreen',
    props: { routeId: String },
    data() {
      return {
        store: api.store, L,
        filters: { program_id: '', status: '', range: null, from: '', to: '', buyer_id: '', distributor_id: '' },
        fieldErrors: { buyer_id: '', distributor_id: '', range: '' },
        programs: [], orders: [], next: null, loading: false, more: false, error: '',
        selected: [], bulkBusy: false, ships: true, filtersOpen: false, bulkResult: null, detailId: null, drawer: false,
      };
    },
    computed: {
      activeFilters() {
        const f = this.filters;
        return [f.program_id, f.status, (f.range && f.range.length) || f.from || f.to, String(f.buyer_id || '').trim(), String(f.distributor_id || '').trim()]
          .filter(Boolean).length;
      },
      kinds() { return Object.fromEntries(this.programs.map((p) => [String(p.program_id), p.kind])); },
      canComplete() { return api.can('orders'); },
      drawerSize() { return this.store.phone ? '100%' : '760px'; },
    },
    template: `
<div class="screen orders">
  <el-card shadow="never" class="card">
    <div v-if="store.phone" class="filter-toggle">
      <el-button text data-action="toggle-filters" @click="filtersOpen = !filtersOpen">
        <el-icon><Filter /></el-icon><span>筛选{{ activeFilters ? '（' + activeFilters + ' 项）' : '' }}</span>
        <el-icon class="el-icon--right"><component :is="filtersOpen ? 'ArrowUp' : 'ArrowDown'" /></el-icon>
      </el-button>
    </div>
    <el-form v-show="!store.phone || filtersOpen" class="filters" :inline="!store.phone" label-position="top" @submit.prevent="search">
      <el-form-item label="活动">
        <el-select v-model="filters.program_id" placeholder="全部活动" clearable filterable class="filter-program" data-field="program_id">
          <el-option label="全部活动" value="" />
          <el-option v-for="p in programs" :key="p.program_id" :label="L.programName(p.title, p.kind, p.program_id)" :value="String(p.program_id)" />
        </el-select>
      </el-form-item>
      <el-form-item label="状态">
        <el-select v-model="filters.status" placeholder="全部状态" clearable class="filter-status" data-field="status">
          <el-option label="全部状态" value="" />
          <el-option v-for="(t, k) in L.ORDER_FILTERS" :key="k" :label="t" :value="k" />
        </el-select>
      </el-form-item>
      <el-form-item label="付款日期" :error="fieldErrors.range" data-field="paid">
        <el-date-picker v-if="!store.phone" v-model="filters.range" type="daterange" value-format="YYYY-MM-DD" range-separator="至"
          start-placeholder="开始日期" end-placeholder="结束日期" unlink-panels class="filter-range" />
        <div v-else class="date-pair">
          <el-date-picker v-model="filters.from" type="date" value-format="YYYY-MM-DD" placeholder="开始日期" :editable="false" />
          <span class="muted">至</span>
          <el-date-picker v-model="filters.to" type="date" value-format="YYYY-MM-DD" placeholder="结束日期" :editable="false" />
        </div>
      </el-form-item>
      <el-form-item label="买家编号" :error="fieldErrors.buyer_id" data-field="buyer_id">
        <el-input v-model="filters.buyer_id" inputmode="numeric" placeholder="用户编号" clearable class="filter-id" @input="fieldErrors.buyer_id = ''" />
      </el-form-item>
      <el-form-item label="推广员编号" :error="fieldErrors.distributor_id" data-field="distributor_id">
        <el-input v-model="filters.distributor_id" inputmode="numeric" placeholder="用户编号" clearable class="filter-id" @input="fieldErrors.distributor_id = ''" />
      </el-form-item>
      <el-form-item label="&nbsp;" class="filter-buttons">
        <el-button type="primary" native-type="submit" :loading="loading" data-action="search-orders">查询</el-button>
        <el-button @click="reset">重置</el-button>
      </el-form-item>
    </el-form>
  </el-card>
  <el-card shadow="never" class="card">
    <div class="toolbar">
      <el-button v-if="canComplete" type="primary" plain :disabled="!selected.length || bulkBusy" :loading="bulkBusy" data-action="bulk-complete" @click="bulkComplete">
        批量确认收货<span v-if="selected.length">（{{ selected.length }}）</span>
      </el-button>
      <span class="muted small">已付款（含已发货）、尚未完成的订单可确认收货</span>
    </div>
    <el-alert v-if="bulkResult" class="form-alert" :type="bulkResult.failed.length ? 'warning' : 'success'" :title="bulkResult.title" :closable="true" @close="bulkResult = null" show-icon data-role="bulk-result">
      <ul v-if="bulkResult.failed.length" class="plain-list"><li v-for="f in bulkResult.failed" :key="f.order_id">订单 {{ f.order_id }}：{{ f.text }}</li></ul>
    </el-alert>
    <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon />
    <div v-if="store.phone" class="cards" v-loading="loading" data-table="orders">
      <p v-if="!orders.length && !loading" class="muted small empty">没有符合条件的订单</p>
      <div v-for="row in orders" :key="row.order_id" class="card-row order-card" data-card @click="open(row.order_id)">
        <div class="card-row-head">
          <el-checkbox v-if="canComplete" :model-value="isSelected(row)" :disabled="!completable(row)" :data-select="row.order_id"
            @click.stop @change="(v) => toggle(row, v)" />
          <div class="card-row-title">
            <div><span class="order-id" :data-order="row.order_id">订单 {{ row.order_id }}</span> · {{ programOf(row) }}</div>
            <div class="muted small">{{ row.buyer_name || ('用户 ' + row.buyer_id) }} · {{ row.units }} 件 · {{ row.paid_ms ? t(row, 'paid_ms') : t(row, 'created_ms') }}</div>
          </div>
          <el-tag disable-transitions size="small" :type="L.ORDER_STATUS_TAG[row.status] || 'info'">{{ row.status_text || L.label(L.ORDER_STATUS, row.status) }}</el-tag>
        </div>
        <div class="card-row-foot">
          <span><b data-role="paid">{{ t(row, 'paid_fen') }}</b><span v-if="Number(row.refunded_fen) > 0" class="muted small"> · 已退 {{ t(row, 'refunded_fen') }}</span></span>
          <el-button link type="primary" :data-detail="row.order_id" @click.stop="open(row.order_id)">详情</el-button>
        </div>
      </div>
    </div>
    <div v-else class="table-wrap">
      <el-table ref="table" :data="orders" v-loading="loading" row-key="order_id" empty-text="没有符合条件的订单" data-table="orders" style="width: 100%"
        @selection-change="(rows) => (selected = rows)" @row-click="openRow">
        <el-table-column v-if="canComplete" type="selection" width="44" :selectable="(row) => completable(row)" />
        <el-table-column label="订单号" width="100"><template #default="{ row }"><span class="order-id" :data-order="row.order_id">{{ row.order_id }}</span></template></el-table-column>
        <el-table-column label="活动" min-width="170" show-overflow-tooltip><template #default="{ row }">{{ programOf(row) }}</template></el-table-column>
        <el-table-column label="买家" min-width="110" show-overflow-tooltip><template #default="{ row }">{{ row.buyer_name || ('用户 ' + row.buyer_id) }}</template></el-table-column>
        <el-table-column label="状态" width="90"><template #default="{ row }"><el-tag disable-transitions size="small" :type="L.ORDER_STATUS_TAG[row.status] || 'info'">{{ row.status_text || L.label(L.ORDER_STATUS, row.status) }}</el-tag></template></el-table-column>
        <el-table-column label="件数" width="64" align="right" prop="units" />
        <el-table-column label="实付" width="100" align="right"><template #default="{ row }"><span data-role="paid">{{ t(row, 'paid_fen') }}</span></template></el-table-column>
        <el-table-column label="已退款" width="100" align="right"><template #default="{ row }">{{ t(row, 'refunded_fen') }}</template></el-table-column>
        <el-table-column label="付款时间" width="130"><template #default="{ row }">{{ row.paid_ms ? t(row, 'paid_ms') : '—' }}</template></el-table-column>
        <el-table-column label="操作" width="70" :fixed="store.phone ? false : 'right'"><template #default="{ row }"><el-button link type="primary" :data-detail="row.order_id" @click.stop="open(row.order_id)">详情</el-button></template></el-table-column>
      </el-table>
    </div>
    <div class="more">
      <el-button v-if="next !== null && next !== undefined" :loading="more" :disabled="more" data-action="more-orders" @click="loadMore">加载更多</el-button>
      <span v-else-if="orders.length" class="muted small">已显示全部 {{ orders.length }} 笔订单</span>
    </div>
  </el-card>
  <el-drawer v-model="drawer" :size="drawerSize" title="订单详情" append-to-body destroy-on-close class="order-drawer" data-drawer="order">
    <order-detail v-if="detailId" :order-id="detailId" :ships="ships" :kinds="kinds" @changed="refresh" />
  </el-drawer>
</div>`,
    created() {
      this.loadPrograms();
      this.loadShop();
      this.search();
      if (this.routeId) this.open(this.routeId);
    },
    methods: {
      t: api.text,
      programOf(row) { return L.programName(row.program_title, this.kinds[String(row.program_id)], row.program_id); },
      completable(row) { return COMPLETABLE.includes(row.status); },
      async loadPrograms() {
        try { this.programs = (await api.get('/api/merchant/programs')).programs || []; } catch (e) { /* the filter lists none */ }
      },
      async loadShop() {
        try { this.ships = ((await api.get('/api/merchant/settings/shop')).settings || {}).ships !== false; } catch (e) { /* shipping shown */ }
      },
      query() {
        const f = this.filters;
        const q = { program_id: f.program_id, status: f.status, limit: PAGE };
        let bad = false;
        for (const k of ['buyer_id', 'distributor_id']) {
          const v = String(f[k] || '').trim();
          if (!v) continue;
          const p = api.parseCount(v);
          if (p.error || p.value < 1) { this.fieldErrors[k] = '请输入用户编号（正整数）'; bad = true; } else q[k] = p.value;
        }
        const [from, to] = this.store.phone ? [f.from, f.to] : (f.range || []);
        if (from) q.paid_from = api.cstDayStart(from);
        if (to) q.paid_to = api.cstDayStart(to) + 86400000; // exclusive: the whole last day, China time
        if (from && to && q.paid_from > q.paid_to) { this.fieldErrors.range = '开始日期不能晚于结束日期'; bad = true; } else this.fieldErrors.range = '';
        return bad ? null : q;
      },
      async search() {
        const q = this.query();
        if (!q) return;
        this.lastQuery = q;
        this.loading = true;
        this.error = '';
        try {
          const r = await api.get('/api/merchant/orders', q);
          this.orders = r.orders || [];
          this.next = r.next === undefined ? null : r.next;
          this.selected = [];
        } catch (e) {
          const { fields, general } = L.split(e, ['buyer_id', 'distributor_id'], { paid_from: 'range', paid_to: 'range' });
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
          const r = await api.get('/api/merchant/orders', { ...this.lastQuery, before: this.next });
          const seen = new Set(this.orders.map((o) => String(o.order_id)));
          this.orders = this.orders.concat((r.orders || []).filter((o) => !seen.has(String(o.order_id))));
          this.next = r.next === undefined ? null : r.next;
        } catch (e) {
          this.error = e.message;
        } finally {
          this.more = false;
        }
      },
      reset() {
        this.filters = { program_id: '', status: '', range: null, from: '', to: '', buyer_id: '', distributor_id: '' };
        this.fieldErrors = { buyer_id: '', distributor_id: '', range: '' };
        this.search();
      },
      // After a change (bulk 确认收货, a refund in the drawer): the rows loaded so far again, in
      // place, as many pages as were shown, so the row acted on stays in sight.
      async refresh() {
        if (!this.lastQuery) return this.search();
        const want = Math.max(PAGE, this.orders.length);
        try {
          const { rows, next } = await api.reload('/api/merchant/orders', this.lastQuery, 'orders', want);
          this.orders = rows;
          this.next = next;
          this.selected = [];
        } catch (e) {
          this.error = e.message;
        }
        return null;
      },
      isSelected(row) { return this.selected.some((o) => String(o.order_id) === String(row.order_id)); },
      toggle(row, on) {
        const rest = this.selected.filter((o) => String(o.order_id) !== String(row.order_id));
        this.selected = on ? rest.concat([row]) : rest;
      },
      openRow(row, column) { if (!column || column.type !== 'selection') this.open(row.order_id); },
      open(id) {
        this.detailId = String(id);
        this.drawer = true;
      },
      async bulkComplete() {
        if (this.bulkBusy || !this.selected.length) return;
        const ids = this.selected.map((o) => Number(o.order_id)).slice(0, 100);
        this.bulkBusy = true;
        this.bulkResult = null;
        try {
          const r = await api.post('/api/merchant/orders/complete', { order_ids: ids });
          const done = r.done || [];
          const failed = (r.failed || []).map((f) => ({ order_id: f.order_id, text: L.messageOf(f) }));
          this.bulkResult = {
            title: failed.length ? `已确认收货 ${done.length} 笔，${failed.length} 笔未成功` : `已确认收货 ${done.length} 笔`,
            failed,
          };
          await this.refresh();
        } catch (e) {
          this.bulkResult = { title: `批量确认收货未成功：${e.message}`, failed: [] };
        } finally {
          this.bulkBusy = false;
        }
      },
    },
  };
})(window);
