// The console's shell: sign-in or the signed-in frame (side menu, merchant, staff and role,
// 退出登录), a hash router between the screens, Element Plus in zh-CN. On a phone (< 768 px) the
// menu is a drawer opened from the top bar.
(function (root) {
  'use strict';
  const { createApp } = root.Vue;
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;
  const S = root.ConsoleScreens;
  const store = api.store;
  const PHONE_MAX = 767;

  // Menu entries; part 2 (推广员, 提现, 数据) adds its own here.
  const MENU = [
    { name: 'programs', title: '活动与方案', icon: 'Promotion', screen: 'programs-screen' },
    { name: 'orders', title: '订单', icon: 'List', screen: 'orders-screen' },
    { name: 'distributors', title: '推广员', icon: 'User', screen: 'distributors-screen' },
    { name: 'withdrawals', title: '提现', icon: 'Money', screen: 'withdrawals-screen' },
    { name: 'stats', title: '数据', icon: 'DataLine', screen: 'stats-screen' },
    { name: 'money', title: '资金', icon: 'Wallet', screen: 'money-screen' },
    { name: 'settings', title: '设置', icon: 'Setting', screen: 'settings-screen' },
  ];

  // Where to go after signing in: `?return=<site path>` (the editor sends people here when its
  // session has ended). Only a path of this site, never another origin (`//host`, `https:`).
  function returnPath() {
    const r = new URLSearchParams(location.search).get('return');
    if (!r || !/^\/(?![\/\\])[^\s\\]*$/.test(r) || r.length > 512 || /^\/console(\/|$)/.test(r)) return null;
    return r;
  }

  function parseHash() {
    const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
    const entry = MENU.find((m) => m.name === parts[0]) || MENU[0];
    return { name: entry.name, id: parts[1] || null };
  }

  const SideMenu = {
    props: ['active'],
    emits: ['go'],
    data: () => ({ menu: MENU }),
    template: `
<el-menu :default-active="active" class="side-menu" @select="(n) => $emit('go', n)">
  <el-menu-item v-for="m in menu" :key="m.name" :index="m.name" :data-menu="m.name">
    <el-icon><component :is="m.icon" /></el-icon><span>{{ m.title }}</span>
  </el-menu-item>
</el-menu>`,
  };

  const Shell = {
    data() {
      return { store, route: parseHash(), ready: false, drawer: false, loggingOut: false, bootError: '' };
    },
    computed: {
      entry() { return MENU.find((m) => m.name === this.route.name); },
      roleText() { return store.me ? L.roleName(store.me.staff && store.me.staff.role) : ''; },
      staffName() { return store.me && store.me.staff ? (store.me.staff.name || store.me.staff.login || '') : ''; },
      merchantName() { return store.me && store.me.merchant ? (store.me.merchant.name || '') : ''; },
    },
    template: `
<div v-if="!ready" class="boot" v-loading="!bootError" element-loading-text="正在加载…">
  <el-result v-if="bootError" icon="warning" title="后台暂时打不开" :sub-title="bootError">
    <template #extra><el-button type="primary" @click="boot">重试</el-button></template>
  </el-result>
</div>
<login-screen v-else-if="!store.me" @signed-in="signedIn" />
<div v-else class="shell" :class="{ phone: store.phone }">
  <aside v-if="!store.phone" class="side">
    <div class="brand"><span class="brand-mark">分</span><span>分销宝 · 商家后台</span></div>
    <side-menu :active="route.name" @go="go" />
  </aside>
  <div class="frame">
    <header class="bar">
      <el-button v-if="store.phone" class="menu-button" text aria-label="打开菜单" data-action="menu" @click="drawer = true">
        <el-icon :size="20"><Menu /></el-icon>
      </el-button>
      <div class="bar-title">
        <div class="merchant-name" data-role="merchant">{{ merchantName }}</div>
        <div class="staff" data-role="staff"><span class="staff-name">{{ staffName }}</span><el-tag disable-transitions size="small" type="info" effect="plain" data-role="role">{{ roleText }}</el-tag></div>
      </div>
      <el-button class="logout" :loading="loggingOut" :disabled="loggingOut" data-action="logout" @click="logout">退出登录</el-button>
    </header>
    <main class="main">
      <h1 class="screen-title">{{ entry.title }}</h1>
      <component :is="entry.screen" :key="route.name" :route-id="route.id" @navigate="navigate" />
    </main>
  </div>
  <el-drawer v-if="store.phone" v-model="drawer" direction="ltr" size="240px" :with-header="false" class="menu-drawer">
    <div class="brand"><span class="brand-mark">分</span><span>分销宝 · 商家后台</span></div>
    <side-menu :active="route.name" @go="go" />
  </el-drawer>
</div>`,
    created() {
      api.state.onSession = () => { store.me = null; api.state.csrf = ''; };
      api.state.onMe = (me) => this.accept(me);
      this.resize = () => { store.phone = root.innerWidth <= PHONE_MAX; };
      this.resize();
      root.addEventListener('resize', this.resize);
      root.addEventListener('hashchange', () => { this.route = parseHash(); });
      this.boot();
    },
    methods: {
      async boot() {
        this.bootError = '';
        try {
          this.accept(await api.get('/api/console/me'));
          if (returnPath()) { location.href = returnPath(); return; }
        } catch (e) {
          if (e.status !== 401) { this.bootError = e.message; return; }
          store.me = null;
        }
        this.ready = true;
      },
      accept(me) {
        api.state.csrf = me.csrf || '';
        store.me = { staff: me.staff || {}, merchant: me.merchant || {}, permissions: me.permissions || [] };
      },
      signedIn(me) {
        this.accept(me);
        if (returnPath()) { location.href = returnPath(); return; }
        this.ready = true;
      },
      go(name) {
        this.drawer = false;
        location.hash = `#/${name}`;
      },
      navigate(hash) { location.hash = hash; },
      async logout() {
        this.loggingOut = true;
        try { await api.post('/api/console/logout', {}); } catch (e) { /* signed out either way */ }
        this.loggingOut = false;
        api.state.csrf = '';
        store.me = null;
      },
    },
  };

  const app = createApp(Shell);
  app.use(root.ElementPlus, { locale: root.ElementPlusLocaleZhCn });
  for (const [name, comp] of Object.entries(root.ElementPlusIconsVue)) app.component(name, comp);
  app.component('side-menu', SideMenu);
  app.component('login-screen', S.Login);
  app.component('programs-screen', S.Programs);
  app.component('orders-screen', S.Orders);
  app.component('money-screen', S.Money);
  app.component('settings-screen', S.Settings);
  app.component('distributors-screen', S.Distributors);
  app.component('withdrawals-screen', S.Withdrawals);
  app.component('stats-screen', S.Stats);
  for (const [name, comp] of Object.entries(S.parts || {})) app.component(name, comp);
  app.config.errorHandler = (err) => { console.error(err); };
  root.consoleApp = app.mount('#app');
})(window);
