// 数据 (seed 003 数据统计): 销售额, 订单量, 访客量 (share-link opens), 转化率 (visits -> orders),
// commission by state, daily or monthly series over a chosen range as an ECharts chart with the
// numbers beside it in a table, the distributor ranking (分销商业绩) and per program; exports of
// orders, commission lines, withdrawals and distributors for the range (.xlsx and .csv). Every
// amount is the server's `*_text`: the chart's sales axis carries no labels and its tooltip reads
// the server's text.
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;
  const kit = S.kit;
  const DAY = 86400000;

  // A China-time day "YYYY-MM-DD" `days` before today (0: today).
  function cstDay(daysAgo = 0) {
    return new Date(Date.now() + 8 * 3600000 - daysAgo * DAY).toISOString().slice(0, 10);
  }

  const EXPORTS = [
    { name: 'orders', title: '订单', note: '订单号、活动、买家、状态、金额、付款时间' },
    { name: 'commissions', title: '佣金明细', note: '每笔佣金的受益人、层级、金额、状态' },
    { name: 'withdrawals', title: '提现记录', note: '提现人、方式、金额、手续费、状态', money: true },
    { name: 'distributors', title: '推广员', note: '推广员、计划、等级、状态、邀请人' },
  ];

  S.Stats = {
    name: 'StatsScreen',
    props: { routeId: String },
    data() {
      return {
        store: api.store, L, kit, exportsList: EXPORTS,
        programs: [],
        filters: { program_id: '', granularity: 'day', range: [cstDay(29), cstDay(0)], from: cstDay(29), to: cstDay(0) },
        rangeError: '', data: null, loading: false, error: '', rankBy: 'sales_fen',
      };
    },
    computed: {
      totals() { return (this.data && this.data.totals) || {}; },
      commission() { return this.totals.commission || {}; },
      series() { return (this.data && this.data.series) || []; },
      ranking() {
        const rows = ((this.data && this.data.distributors) || []).slice();
        const k = this.rankBy;
        rows.sort((a, b) => (Number(b[k]) || 0) - (Number(a[k]) || 0));
        return rows;
      },
      programRows() { return (this.data && this.data.programs) || []; },
      conversion() {
        const t = this.totals;
        return t.conversion_text || kit.bp(t.conversion_bp);
      },
      days() { return this.store.phone ? [this.filters.from, this.filters.to] : (this.filters.range || []); },
      range() {
        const [from, to] = this.days;
        if (!from || !to) return null;
        return { from: api.cstDayStart(from), to: api.cstDayStart(to) + DAY };
      },
      exportQuery() { return this.range ? { from: this.range.from, to: this.range.to } : {}; },
      canMoney() { return api.can('money'); },
    },
    template: `
<div class="screen stats">
  <el-card shadow="never" class="card">
    <el-form class="filters" :inline="!store.phone" label-position="top" @submit.prevent="load">
      <el-form-item label="日期范围" :error="rangeError" data-field="range">
        <el-date-picker v-if="!store.phone" v-model="filters.range" type="daterange" value-format="YYYY-MM-DD" range-separator="至"
          start-placeholder="开始日期" end-placeholder="结束日期" unlink-panels :clearable="false" class="filter-range" />
        <div v-else class="date-pair">
          <el-date-picker v-model="filters.from" type="date" value-format="YYYY-MM-DD" placeholder="开始日期" :editable="false" :clearable="false" />
          <span class="muted">至</span>
          <el-date-picker v-model="filters.to" type="date" value-format="YYYY-MM-DD" placeholder="结束日期" :editable="false" :clearable="false" />
        </div>
      </el-form-item>
      <el-form-item label="统计周期">
        <el-radio-group v-model="filters.granularity" data-field="granularity" @change="load">
          <el-radio-button value="day">按日</el-radio-button>
          <el-radio-button value="month">按月</el-radio-button>
        </el-radio-group>
      </el-form-item>
      <el-form-item label="活动 / 计划">
        <el-select v-model="filters.program_id" placeholder="全部" clearable class="filter-program" data-field="program_id">
          <el-option label="全部" value="" />
          <el-option v-for="p in programs" :key="p.program_id" :label="L.programName(p.title, p.kind, p.program_id)" :value="String(p.program_id)" />
        </el-select>
      </el-form-item>
      <el-form-item class="filter-buttons">
        <el-button type="primary" native-type="submit" :loading="loading" data-action="load-stats">查询</el-button>
      </el-form-item>
    </el-form>
  </el-card>
  <el-alert v-if="error" class="form-alert" type="error" :title="error" :closable="false" show-icon data-role="stats-error" />

  <el-card shadow="never" class="card" v-loading="loading">
    <div class="tiles tiles-4" data-role="totals">
      <div class="tile"><div class="tile-label">销售额</div><div class="tile-value" data-role="sales">{{ data ? t(totals, 'sales_fen') : '—' }}</div></div>
      <div class="tile"><div class="tile-label">订单量</div><div class="tile-value" data-role="orders">{{ data ? kit.num(totals.orders) : '—' }}</div></div>
      <div class="tile"><div class="tile-label">访客量</div><div class="tile-value" data-role="visitors">{{ data ? kit.num(totals.visitors) : '—' }}</div></div>
      <div class="tile"><div class="tile-label">转化率</div><div class="tile-value" data-role="conversion">{{ data ? conversion : '—' }}</div></div>
    </div>
    <p class="muted small">访客量为打开分享链接的人数，转化率 = 下单人数 ÷ 访客量。</p>
    <h3 class="section-title">佣金</h3>
    <div class="tiles tiles-4" data-role="commission-totals">
      <div class="tile"><div class="tile-label">待结算</div><div class="tile-value">{{ data ? t(commission, 'pending_fen') : '—' }}</div></div>
      <div class="tile"><div class="tile-label">冻结中</div><div class="tile-value">{{ data ? t(commission, 'frozen_fen') : '—' }}</div></div>
      <div class="tile"><div class="tile-label">可提现</div><div class="tile-value">{{ data ? t(commission, 'available_fen') : '—' }}</div></div>
      <div class="tile"><div class="tile-label">已扣回</div><div class="tile-value">{{ data ? t(commission, 'reversed_fen') : '—' }}</div></div>
    </div>
  </el-card>

  <el-card shadow="never" class="card">
    <div class="toolbar"><h2 class="card-title">{{ filters.granularity === 'month' ? '月度趋势' : '每日趋势' }}</h2></div>
    <div class="chart-pair">
      <div class="chart-box"><div ref="chart" class="chart" data-role="chart"></div></div>
      <div class="table-wrap series-table">
        <el-table :data="series" size="small" max-height="300" empty-text="这段时间没有数据" data-table="series" style="width: 100%">
          <el-table-column :label="filters.granularity === 'month' ? '月份' : '日期'" min-width="80"><template #default="{ row }">{{ row.period_text || row.period }}</template></el-table-column>
          <el-table-column label="销售额" min-width="90" align="right"><template #default="{ row }"><span data-role="series-sales">{{ t(row, 'sales_fen') }}</span></template></el-table-column>
          <el-table-column label="订单" width="56" align="right"><template #default="{ row }">{{ kit.num(row.orders) }}</template></el-table-column>
          <el-table-column label="访客" width="56" align="right"><template #default="{ row }">{{ kit.num(row.visitors) }}</template></el-table-column>
        </el-table>
      </div>
    </div>
  </el-card>

  <el-card shadow="never" class="card">
    <div class="toolbar">
      <h2 class="card-title">分销商业绩</h2><span class="grow"></span>
      <el-select v-model="rankBy" class="status-filter" data-field="rank-by">
        <el-option label="按销售额" value="sales_fen" /><el-option label="按订单数" value="orders" /><el-option label="按佣金" value="commission_fen" />
      </el-select>
    </div>
    <div class="mini-list" data-table="ranking">
      <p v-if="!ranking.length" class="muted small empty">这段时间还没有推广员业绩</p>
      <div v-for="(r, k) in ranking" :key="r.user_id" class="mini-row rank-row" data-card>
        <span class="rank-no" :class="{ top: k < 3 }">{{ k + 1 }}</span>
        <div class="rank-main">
          <div class="mini-head"><span>{{ kit.who(r.name, r.user_id) }}</span><b data-role="rank-sales">{{ t(r, 'sales_fen') }}</b></div>
          <div class="muted small">{{ kit.num(r.orders) }} 单 · 佣金 {{ t(r, 'commission_fen') }}<span v-if="r.customers !== undefined"> · 客户 {{ r.customers }} 人</span></div>
        </div>
      </div>
    </div>
  </el-card>

  <el-card v-if="programRows.length" shadow="never" class="card">
    <div class="toolbar"><h2 class="card-title">按活动 / 计划</h2></div>
    <div class="mini-list" data-table="per-program">
      <div v-for="p in programRows" :key="p.program_id" class="mini-row" data-card>
        <div class="mini-head"><span>{{ L.programName(p.title || p.program_title, p.kind, p.program_id) }}</span><b>{{ t(p, 'sales_fen') }}</b></div>
        <div class="muted small">{{ kit.num(p.orders) }} 单<span v-if="p.visitors !== undefined"> · 访客 {{ p.visitors }}</span><span v-if="p.commission_fen !== undefined"> · 佣金 {{ t(p, 'commission_fen') }}</span></div>
      </div>
    </div>
  </el-card>

  <el-card shadow="never" class="card" data-role="exports">
    <div class="toolbar"><h2 class="card-title">数据导出</h2></div>
    <p class="muted small">按上方的日期范围导出全部活动的数据（中国时间），金额单位为元。Excel 可直接打开；CSV 为 UTF-8 编码。</p>
    <div class="mini-list">
      <div v-for="x in exportsList" :key="x.name" class="mini-row export-row" :data-export="x.name">
        <div class="export-main"><b>{{ x.title }}</b><div class="muted small">{{ x.note }}</div></div>
        <download-links v-if="!x.money || canMoney" :base="'/api/merchant/exports/' + x.name" :query="exportQuery" :name="x.name" :disabled="!range" />
        <span v-else class="muted small">需要“财务”或“店主”权限</span>
      </div>
    </div>
  </el-card>
</div>`,
    created() {
      this.loadPrograms();
      this.load();
    },
    mounted() {
      this.onResize = () => { if (this.chart) this.chart.resize(); };
      root.addEventListener('resize', this.onResize);
    },
    beforeUnmount() {
      root.removeEventListener('resize', this.onResize);
      if (this.chart) this.chart.dispose();
      this.chart = null;
    },
    methods: {
      t: api.text,
      async loadPrograms() {
        try { this.programs = (await api.get('/api/merchant/programs')).programs || []; } catch (e) { /* the filter lists none */ }
      },
      async load() {
        this.rangeError = '';
        const [from, to] = this.days;
        if (!from || !to) { this.rangeError = '请选择开始和结束日期'; return; }
        const r = this.range;
        if (r.from >= r.to) { this.rangeError = '开始日期不能晚于结束日期'; return; }
        if (r.to - r.from > 366 * DAY) { this.rangeError = '日期范围最多一年'; return; }
        this.loading = true;
        this.error = '';
        try {
          this.data = await api.get('/api/merchant/stats', { from: r.from, to: r.to, program_id: this.filters.program_id, granularity: this.filters.granularity });
          await this.$nextTick();
          this.draw();
        } catch (e) {
          const { fields, general } = L.split(e, ['range'], { from: 'range', to: 'range' });
          this.rangeError = fields.range || '';
          this.error = general;
        } finally {
          this.loading = false;
        }
      },
      draw() {
        const el = this.$refs.chart;
        if (!el || !root.echarts) return;
        if (!this.chart) this.chart = root.echarts.init(el, null, { renderer: 'canvas' });
        const rows = this.series;
        const texts = rows.map((r) => api.text(r, 'sales_fen'));
        const phone = this.store.phone;
        this.chart.setOption({
          animation: false,
          color: ['#409eff', '#67c23a', '#e6a23c'],
          grid: { left: phone ? 8 : 16, right: phone ? 8 : 16, top: 36, bottom: 8, containLabel: true },
          legend: { top: 0, data: ['销售额', '订单量', '访客量'] },
          tooltip: {
            trigger: 'axis',
            formatter: (items) => {
              const i = items.length ? items[0].dataIndex : 0;
              const r = rows[i] || {};
              return `${r.period_text || r.period || ''}<br>销售额 ${texts[i] || '—'}<br>订单量 ${kit.num(r.orders)}<br>访客量 ${kit.num(r.visitors)}`;
            },
          },
          xAxis: { type: 'category', data: rows.map((r) => r.period_text || String(r.period)), axisLabel: { hideOverlap: true } },
          yAxis: [
            { type: 'value', name: '', axisLabel: { show: false }, splitLine: { show: false } },
            { type: 'value', minInterval: 1, name: '', position: 'right' },
          ],
          series: [
            { name: '销售额', type: 'bar', yAxisIndex: 0, barMaxWidth: 24, data: rows.map((r) => Number(r.sales_fen) || 0) },
            { name: '订单量', type: 'line', yAxisIndex: 1, data: rows.map((r) => Number(r.orders) || 0) },
            { name: '访客量', type: 'line', yAxisIndex: 1, data: rows.map((r) => Number(r.visitors) || 0) },
          ],
        }, true);
        this.chart.resize();
      },
    },
  };
})(window);
