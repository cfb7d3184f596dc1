// 登录: login name + password. Errors land at their field in Chinese; a wrong password and an
// unknown login read the same (the server answers both E_LOGIN at `password`); 429 says to wait.
(function (root) {
  'use strict';
  const S = (root.ConsoleScreens = root.ConsoleScreens || {});
  const api = root.ConsoleApi;
  const L = root.ConsoleLabels;

  S.Login = {
    name: 'LoginScreen',
    emits: ['signed-in'],
    data() {
      return { form: { login: '', password: '' }, errors: { login: '', password: '' }, general: '', busy: false };
    },
    template: `
<div class="login-page">
  <el-card class="login-card" shadow="always">
    <div class="login-brand"><span class="brand-mark">分</span><div><h1>分销宝 · 商家后台</h1><p class="muted">店主与员工使用自己的账号登录</p></div></div>
    <el-form label-position="top" :model="form" @submit.prevent="submit" class="login-form" novalidate>
      <el-form-item label="登录名" :error="errors.login" data-field="login">
        <el-input v-model="form.login" name="login" autocomplete="username" placeholder="请输入登录名" maxlength="64" @input="errors.login = ''; general = ''" />
      </el-form-item>
      <el-form-item label="密码" :error="errors.password" data-field="password">
        <el-input v-model="form.password" name="password" type="password" show-password autocomplete="current-password" placeholder="请输入密码" maxlength="128"
          @input="errors.password = ''; general = ''" />
      </el-form-item>
      <el-alert v-if="general" class="form-alert" type="error" :title="general" :closable="false" show-icon data-role="login-error" />
      <el-button type="primary" native-type="submit" class="wide" :loading="busy" :disabled="busy" data-action="login">登录</el-button>
    </el-form>
  </el-card>
</div>`,
    methods: {
      async submit() {
        if (this.busy) return;
        this.errors = { login: '', password: '' };
        this.general = '';
        const login = this.form.login.trim();
        if (!login) this.errors.login = '请输入登录名';
        if (!this.form.password) this.errors.password = '请输入密码';
        if (this.errors.login || this.errors.password) return;
        this.busy = true;
        try {
          const me = await api.post('/api/console/login', { login, password: this.form.password });
          this.form.password = '';
          this.$emit('signed-in', me);
        } catch (e) {
          if (e.status === 429 || e.code === 'E_RATE_LIMIT') {
            this.general = e.retryAfter ? `登录尝试次数过多，请 ${e.retryAfter} 秒后再试` : '登录尝试次数过多，请等 1 分钟后再试';
          } else {
            const { fields, general } = L.split(e, ['login', 'password']);
            // E_LOGIN: the same words whether the login is unknown or the password wrong.
            if (e.code === 'E_LOGIN' && !fields.password) fields.password = L.CODES.E_LOGIN;
            this.errors = { login: fields.login || '', password: fields.password || '' };
            this.general = (e.code === 'E_LOGIN') ? '' : general;
          }
        } finally {
          this.busy = false;
        }
      },
    },
  };
})(window);
