// The campaign page [分销宝] (SPEC 2, 7, 8): renders from the server's view at once, then fills in
// every number and every gate from the WASM module when it is ready. Money texts come from the
// engine (formatMoney, amount_text); the server refuses what the page's gates would refuse.
(function () {
  'use strict';
  const { $, esc, api, toast, idem } = App;
  const programId = Number(App.query.get('id')) || 1001;
  const SHARE_PARAM = 'st';
  const STATUS_ZH = { created: '待支付', paid: '已支付', completed: '已完成', refunded: '已退款', failed: '支付失败', cancelled: '已取消' };
  const page = { view: null, engine: null, clock: null, gate: null, myOrders: [], link: null, user: { id: App.userId() } };
  window.activity = page; // for tests and the benchmark

  App.userPicker($('#picker'));
  $('#to-me').href = `me.html${location.search}`;

  // Development stand-ins for what WeChat's OAuth profile would tell the server: follow state and
  // region (?fan=1&region=440305). The server keeps them (POST /api/me/profile, development only)
  // and its gate is the one that refuses an order; the page's gate shows the same answer.
  page.user.is_fan = App.query.get('fan') === '1';
  page.user.region = App.query.get('region') || null;
  if (page.user.region) $('#region').value = page.user.region;
  function saveProfile(profile) {
    return api('POST', '/api/me/profile', profile).catch((err) => toast(err.message, 'error'));
  }
  const initialProfile = {};
  if (page.user.is_fan) initialProfile.is_fan = true;
  if (page.user.region) initialProfile.region = page.user.region;
  const profileSaved = Object.keys(initialProfile).length ? saveProfile(initialProfile) : Promise.resolve();

  // The view and the server's clock in one request: offset = server time + half the round trip.
  async function loadView() {
    const t0 = performance.now();
    const view = await api('GET', `/api/programs/${programId}`);
    const t1 = performance.now();
    page.view = view;
    page.clock = page.clock || { offset: view.server_now_ms + (t1 - t0) / 2 - t1 };
    return view;
  }
  const now = () => Math.floor(performance.now() + page.clock.offset);

  function renderView() {
    const { view } = page;
    const c = view.config;
    document.title = c.title || '分销宝活动';
    $('#title').textContent = c.title || '分销宝活动';
    $('#product').textContent = c.product.name;
    $('#sheet-product').textContent = c.product.name;
    $('#splash-title').textContent = c.title || '';
    $('#stock').textContent = `剩余 ${view.stock} 件`;
    $('#poster-btn').hidden = !c.poster_sharing;
    renderLogo(c);
    renderLinks(c);
  }

  // A URL the page may use: what the engine accepts for logo_url and footer_buttons[i].url
  // (https://…, or a site path with a single leading /; at most 512 bytes; no spaces, quotes, <, >
  // or control characters), checked again here because the page puts it into href and src. A
  // backslash is refused too: browsers read "/\host" as "//host", another site.
  function safeUrl(u) {
    if (typeof u !== 'string' || !u || u.length > 512 || new TextEncoder().encode(u).length > 512) return '';
    if (/[\s"'<>\\\u0000-\u001f\u007f]/.test(u)) return '';
    return /^https:\/\/[^/]/.test(u) || /^\/(?!\/)/.test(u) ? u : '';
  }
  page.safeUrl = safeUrl;

  // The merchant's logo, or the title's first character until (and unless) the picture loads: the
  // <img> joins the page only once loaded, so a broken link never shows a broken-image icon.
  function renderLogo(c) {
    const box = $('#logo');
    const letter = Array.from((c.title || c.product.name || '店').trim())[0] || '店';
    const url = safeUrl(c.logo_url);
    if (box.dataset.url === url && box.dataset.letter === letter) return;
    box.dataset.url = url;
    box.dataset.letter = letter;
    box.textContent = letter;
    box.dataset.logo = url ? 'loading' : 'none';
    if (!url) return;
    const img = new Image();
    img.alt = '';
    img.decoding = 'async';
    img.referrerPolicy = 'no-referrer';
    img.onload = () => {
      if (box.dataset.url !== url) return; // replaced meanwhile
      if (!img.naturalWidth) { box.dataset.logo = 'failed'; return; }
      box.textContent = '';
      box.appendChild(img);
      box.dataset.logo = 'loaded';
    };
    img.onerror = () => { if (box.dataset.url === url) box.dataset.logo = 'failed'; };
    img.src = url;
  }

  // Custom footer buttons (seed 000: 自定义首页底部功能按钮): at most 4, text as text (never HTML),
  // only links that pass safeUrl. They sit above the fixed bar, which keeps share, poster and buy.
  function renderLinks(c) {
    const buttons = (Array.isArray(c.footer_buttons) ? c.footer_buttons : []).slice(0, 4)
      .map((b) => ({ text: String((b && b.text) || '').trim(), url: safeUrl(b && b.url) }))
      .filter((b) => b.text && b.url);
    const nav = $('#links');
    const key = JSON.stringify(buttons);
    if (nav.dataset.key === key) return;
    nav.dataset.key = key;
    nav.textContent = '';
    for (const b of buttons) {
      const a = document.createElement('a');
      a.href = b.url;
      a.textContent = b.text;
      if (b.url.startsWith('https:')) a.rel = 'noopener noreferrer';
      nav.appendChild(a);
    }
    nav.hidden = !buttons.length;
    document.body.classList.toggle('has-links', buttons.length > 0);
  }

  // Everything that needs the module: prices, "分享赚", participants, ticker, splash, gates.
  function renderNumbers() {
    const e = page.engine;
    const { view } = page;
    const c = view.config;
    const [price] = App.money(e, [c.product.price_fen]);
    $('#price').textContent = price;
    $('#sheet-price').textContent = price;
    // What a sharer earns per unit, from the same preview the settlement runs (SPEC 11).
    const earn = e.call('previewOrder', { program: c, order: { order_id: 'earn', buyer_id: page.user.id + 1, sharer_id: page.user.id,
      sharer_has_bought: true, items: [{ units: 1, paid_fen: c.product.price_fen }] } });
    const line = earn.ok && earn.items[0].lines[0];
    $('#earn').hidden = !line;
    if (line) $('#earn-amount').textContent = line.amount_text;
    const d = e.campaignDisplay(c, now(), { participants: view.participants, orders: view.recent || [], navigation: navigationType() });
    $('#participants').textContent = d.participants.show ? d.participants.text : '';
    renderTicker(d.ticker);
    if (d.splash.show && !sessionStorage.getItem(`splash_${programId}_${entryId()}`)) showSplash();
  }

  // One entry = one navigation; a reload or back/forward is not a new entry (the core's rule).
  function navigationType() {
    const n = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
    return n && (n.type === 'reload' || n.type === 'back_forward') ? n.type : 'navigate';
  }
  function entryId() {
    return String(Math.floor(performance.timeOrigin || 0));
  }
  function showSplash() {
    sessionStorage.setItem(`splash_${programId}_${entryId()}`, '1');
    const s = $('#splash');
    s.hidden = false;
    let left = 3;
    const close = () => { s.hidden = true; clearInterval(timer); };
    const timer = setInterval(() => { left -= 1; $('#splash-left').textContent = left; if (left <= 0) close(); }, 1000);
    $('#splash-skip').onclick = close;
  }

  let tickerTimer = null;
  function renderTicker(t) {
    const box = $('#ticker');
    box.hidden = !t.show || !t.entries.length;
    if (box.hidden) return;
    const ul = box.firstElementChild;
    ul.innerHTML = t.entries.map((x) => `<li>${esc(x.name)} ${esc(x.ago_text)}购买了 ${esc(page.view.config.product.name)}</li>`).join('');
    let i = 0;
    clearInterval(tickerTimer);
    if (t.entries.length > 1) {
      tickerTimer = setInterval(() => { i = (i + 1) % t.entries.length; ul.style.transform = `translateY(${-30 * i}px)`; }, 2500);
    }
  }

  function boughtUnits() {
    return page.myOrders.filter((o) => Number(o.program_id) === programId && ['created', 'paid', 'completed'].includes(o.status))
      .reduce((n, o) => n + Number(o.units), 0);
  }

  // The gate: every reason with its zh-CN text; re-asked when time alone changes the answer
  // (changes_at_ms) or after an event (a purchase, a follow, a region, a pass).
  function checkGate(t, force) {
    const e = page.engine;
    if (!e) return;
    if (!force && page.gate && (page.gate.changes_at_ms === null || t < page.gate.changes_at_ms)) return;
    const user = { ...page.user, bought_units: boughtUnits() };
    page.gate = e.evaluateGate(page.view.config, t, user, { stock_left: page.view.stock, buyers: page.view.buyers });
    const g = page.gate;
    $('#gates').hidden = !g.reasons.length;
    $('#reasons').innerHTML = g.reasons.map((r) => `<li data-code="${r.code}">${esc(ShareEngine.messageZh(r))}</li>`).join('');
    const codes = new Set(g.reasons.map((r) => r.code));
    $('#password-form').hidden = !['G_PASSWORD_REQUIRED', 'G_PASS_EXPIRED', 'G_PASS_BAD_SIGNATURE', 'G_PASS_MALFORMED'].some((x) => codes.has(x));
    $('#fan-box').hidden = !codes.has('G_NOT_FAN');
    $('#region-box').hidden = ![...codes].some((x) => x.startsWith('G_REGION'));
    $('#buy-btn').disabled = !g.buy.allowed;
    $('#buy-btn').textContent = g.buy.allowed ? '立即购买' : g.phase === 'not_started' ? '即将开始' : g.phase === 'ended' ? '活动已结束' : '暂不可购买';
    $('#share-btn').disabled = !g.enter.allowed;
    document.body.dataset.gate = g.allowed ? 'open' : 'closed';
  }

  let countdown = null;
  function startCountdown() {
    const e = page.engine;
    if (countdown) countdown.stop();
    countdown = CampaignCountdown.createCountdown({
      offset: page.clock.offset,
      plan: (t) => e.campaignCountdown(page.view.config, t),
      onTick: (t) => checkGate(t, false),
      render({ phase, label, text }) {
        $('#phase-pill').className = `pill ${phase}`;
        $('#phase-pill').textContent = { not_started: '未开始', running: '进行中', ended: '已结束' }[phase];
        $('#phase-label').textContent = label;
        $('#clock').textContent = text;
        document.body.dataset.phase = phase;
      },
    }).start();
  }

  async function loadOrders() {
    const r = await api('GET', '/api/me/orders');
    page.myOrders = r.orders;
    const mine = r.orders.filter((o) => Number(o.program_id) === programId);
    const e = await App.engine();
    const texts = App.money(e, mine.map((o) => o.paid_fen));
    $('#orders').innerHTML = mine.length ? mine.map((o, i) => `<div class="order" data-order="${o.order_id}" data-status="${o.status}">
        <span>订单 ${o.order_id} · ${o.units} 件<br><span class="muted">${esc(App.cst(o.created_ms))}</span></span>
        <span><span class="money">${texts[i]}</span> <span class="pill ${o.status === 'created' ? 'orange' : 'green'}">${STATUS_ZH[o.status] || o.status}</span>
        ${o.status === 'created' ? `<button class="btn red small" data-pay="${o.order_id}">去支付</button>` : ''}</span></div>`).join('')
      : '<p class="muted">还没有订单</p>';
  }

  // Buy -> order -> pay (sandbox). One idempotency key per sheet, so a double tap orders once.
  let orderKey = null;
  let placed = null;
  function openBuy() {
    orderKey = idem('order');
    placed = null;
    $('#order-box').innerHTML = '';
    $('#place').textContent = '提交订单';
    $('#units').value = 1;
    stepper(true);
    const max = page.gate ? page.gate.buy.max_units : 1;
    $('#units').max = max;
    $('#limit-note').textContent = page.view.config.per_user_limit ? `每人限购 ${page.view.config.per_user_limit} 件，您还可购买 ${max} 件` : `库存 ${page.view.stock} 件`;
    $('#buy-sheet').hidden = false;
  }
  function stepper(on) {
    for (const sel of ['#units', '#minus', '#plus']) $(sel).disabled = !on;
  }
  async function place() {
    const btn = $('#place');
    btn.disabled = true;
    try {
      if (!placed) {
        const units = Math.max(1, Math.min(Number($('#units').value) || 1, Number($('#units').max) || 1));
        const r = await api('POST', '/api/orders', { program_id: programId, idem_key: orderKey, units, ...(page.user.pass ? { pass: page.user.pass } : {}) });
        placed = r.order;
        stepper(false); // the order is placed: its quantity no longer changes here
        const e = await App.engine();
        const [total] = App.money(e, [placed.paid_fen]);
        const sharer = r.preview && r.preview.items[0].lines[0];
        $('#order-box').innerHTML = `<div class="row"><span>实付</span><span class="money" id="order-total">${total}</span></div>` +
          (sharer ? `<p class="muted">您的好友将因这笔订单获得佣金 ${esc(sharer.amount_text)}</p>` : '');
        btn.textContent = '微信支付（沙箱）';
        return;
      }
      await pay(placed.order_id);
      $('#buy-sheet').hidden = true;
    } catch (err) {
      toast(err.message, 'error');
    } finally {
      btn.disabled = false;
    }
  }
  async function pay(orderId) {
    const r = await api('POST', `/api/orders/${orderId}/pay`, { outcome: 'succeed' });
    toast(r.status === 'paid' ? '支付成功' : '支付未完成');
    await Promise.all([loadOrders(), loadView().then(renderView)]);
    checkGate(now(), true);
    renderNumbers();
  }

  // Share: WeChat JS-SDK when present, else the system share sheet, else copy the link.
  async function shareLink() {
    if (!page.link) {
      const pageUrl = `${location.origin}${location.pathname}?id=${programId}`;
      page.link = await api('POST', '/api/share/link', { program_id: programId, page_url: pageUrl });
    }
    return page.link;
  }
  async function share() {
    try {
      const link = await shareLink();
      const title = page.view.config.title || page.view.config.product.name;
      if (window.wx && wx.updateAppMessageShareData) {
        // The SDK was configured with the URL the server signed (link.sign_url); WeChat shares from its menu.
        wx.updateAppMessageShareData({ title, desc: $('#earn').hidden ? '' : $('#earn').textContent, link: link.url, imgUrl: '' });
        wx.updateTimelineShareData && wx.updateTimelineShareData({ title, link: link.url, imgUrl: '' });
        toast('点击右上角「…」分享给朋友');
      } else if (navigator.share) {
        await navigator.share({ title, url: link.url }).catch(() => {});
      } else {
        await copy(link.url);
        toast('链接已复制，发给朋友吧');
      }
      document.body.dataset.shareUrl = link.url;
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  async function copy(text) {
    try { await navigator.clipboard.writeText(text); return; } catch (e) { /* not allowed here */ }
    const t = document.createElement('textarea');
    t.value = text;
    document.body.appendChild(t);
    t.select();
    document.execCommand('copy');
    t.remove();
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`${src} failed`));
      document.head.appendChild(s);
    });
  }
  let posterLibs = null;
  async function poster() {
    $('#poster-sheet').hidden = false;
    try {
      posterLibs = posterLibs || Promise.all([loadScript('/lib/qrcode.js'), loadScript('poster.js')]);
      const [link, e] = await Promise.all([shareLink(), App.engine(), posterLibs]);
      const c = page.view.config;
      const earn = e.call('previewOrder', { program: c, order: { order_id: 'earn', buyer_id: page.user.id + 1, sharer_id: page.user.id,
        sharer_has_bought: true, items: [{ units: 1, paid_fen: c.product.price_fen }] } });
      // The product picture is the page's own inline SVG, so it can never taint the canvas. As a
      // file it needs its namespace and a size of its own (the page's copy is 100 % wide).
      const svg = $('.hero-art svg').cloneNode(true);
      svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
      svg.setAttribute('width', '390');
      svg.setAttribute('height', '390');
      const art = 'data:image/svg+xml,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
      const data = { share_url: link.url, title: c.title || c.product.name, nickname: `用户${page.user.id}`, price_fen: c.product.price_fen, product_image_url: art };
      if (earn.ok && earn.items[0].lines[0]) data.commission_fen = earn.items[0].lines[0].amount_fen;
      const result = await SharePoster.renderPoster(e.layoutPoster(data));
      await SharePoster.showPoster(result, $('#poster'));
    } catch (err) {
      $('#poster').innerHTML = `<p class="error">${esc(err.code ? ShareEngine.messageZh(err) : err.message)}</p>`;
    }
  }

  // A visit through a share link is recorded once per entry; the answer says whether it counted.
  async function recordShareOpen() {
    if (!App.query.get(SHARE_PARAM)) return null;
    const key = `opened_${App.userId()}_${App.query.get(SHARE_PARAM)}`;
    if (sessionStorage.getItem(key)) return null;
    const r = await api('POST', '/api/share/open', { program_id: programId, url: location.href });
    sessionStorage.setItem(key, '1');
    document.body.dataset.attributed = String(r.attributed);
    return r;
  }

  $('#buy-btn').onclick = openBuy;
  $('#close-buy').onclick = () => { $('#buy-sheet').hidden = true; };
  $('#place').onclick = place;
  $('#minus').onclick = () => { $('#units').value = Math.max(1, Number($('#units').value) - 1); };
  $('#plus').onclick = () => { $('#units').value = Math.min(Number($('#units').max) || 1, Number($('#units').value) + 1); };
  $('#share-btn').onclick = share;
  $('#poster-btn').onclick = poster;
  $('#close-poster').onclick = () => { $('#poster-sheet').hidden = true; };
  $('#orders').onclick = (ev) => {
    const id = ev.target.dataset && ev.target.dataset.pay;
    if (id) pay(id).catch((err) => toast(err.message, 'error'));
  };
  $('#follow').onclick = async () => { page.user.is_fan = true; await saveProfile({ is_fan: true }); checkGate(now(), true); toast('已关注公众号'); };
  $('#region').onchange = async (ev) => {
    page.user.region = ev.target.value || null;
    if (page.user.region) await saveProfile({ region: page.user.region });
    checkGate(now(), true);
  };
  $('#password-form').onsubmit = async (ev) => {
    ev.preventDefault();
    // The server checks the password and signs a short-lived pass (SPEC 8); the page only carries it.
    try {
      const r = await api('POST', '/api/gates/password', { program_id: programId, password: $('#password').value });
      page.user.pass = r.pass;
      page.user.pass_signature = 'valid';
      $('#password-error').textContent = '';
      checkGate(now(), true);
    } catch (err) {
      // At the field: wrong (with the tries left before the lock-out) or locked until when.
      const p = (err.errors || [])[0] || {};
      $('#password-error').textContent = err.message + (p.tries_left != null && p.code !== 'G_LOCKED_OUT' ? `，还可尝试 ${p.tries_left} 次` : '') +
        (p.lock_until_ms ? `，请于 ${App.cst(p.lock_until_ms)} 后再试` : '');
    }
  };

  (async function main() {
    App.engine().catch(() => {}); // start loading the module right away, in parallel with the view
    try {
      await profileSaved;
      await loadView();
      renderView();
      const opened = recordShareOpen().catch((err) => toast(err.message, 'error'));
      const orders = loadOrders();
      page.engine = await App.engine();
      await orders;
      renderNumbers();
      checkGate(now(), true);
      startCountdown();
      await opened;
      document.body.dataset.ready = '1';
    } catch (err) {
      $('#title').textContent = '活动加载失败';
      toast(err.message, 'error');
      document.body.dataset.ready = 'error';
    }
  })();
})();
