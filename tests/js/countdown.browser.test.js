// The campaign countdown page in headless Chromium with a fake clock: it counts down the server's
// time (measured at load), ignores the phone's clock being changed, and at zero flips from "not
// started" to "running" — gate and button included — without a reload. Leaves a screenshot in
// build/screenshots/countdown.png.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('http');
const fs = require('fs');
const path = require('path');
const { dist } = require('./engine-loader');

const root = path.join(__dirname, '..', '..');
const publicDir = path.join(root, 'web', 'public');
const shots = path.join(root, 'build', 'screenshots');
const S = 1767196800000; // 2026-01-01 00:00 CST
const SERVER_NOW = S - 3000; // the server says: 3 s before the start

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm' };

function serve() {
  const campaign = {
    now_ms: SERVER_NOW,
    program: { kind: 'campaign', program_id: 42, title: '新年茶礼 · 分销宝', start_ms: S, end_ms: S + 60000,
      commission_per_unit_fen: 500, product: { name: '红茶', price_fen: 9900, stock: 100 } },
    user: { id: 7 },
    state: { stock_left: 100, buyers: 0 },
  };
  const server = http.createServer((req, res) => {
    const url = req.url.split('?')[0];
    if (url === '/api/campaign') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return res.end(JSON.stringify(campaign));
    }
    const file = url.startsWith('/engine/') ? path.join(dist, path.basename(url))
      : path.join(publicDir, path.basename(url));
    if (!fs.existsSync(file)) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('countdown page flips phase at zero on a fake clock, whatever the phone clock says', async (t) => {
  const { chromium } = require('playwright-core');
  const server = await serve();
  t.after(() => server.close());
  // launch() gives the browser a fresh temporary profile of its own.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 390, height: 420 }, deviceScaleFactor: 2, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // The phone's own clock is months off; only the server's time may matter.
  await page.clock.install({ time: new Date('2025-06-01T08:00:00Z') });
  await page.clock.pauseAt(new Date('2025-06-01T08:00:01Z'));
  const base = `http://127.0.0.1:${server.address().port}`;
  await page.goto(`${base}/countdown.html`);
  await page.waitForSelector('body[data-ready="1"]');
  const read = () => page.evaluate(() => ({
    phase: document.body.dataset.phase,
    status: document.getElementById('status').textContent,
    label: document.getElementById('phase').textContent,
    clock: document.getElementById('clock').textContent,
    buyDisabled: document.getElementById('buy').disabled,
    reasons: [...document.querySelectorAll('#reasons li')].map((li) => li.dataset.code),
    marker: window.__notReloaded === true,
  }));
  await page.evaluate(() => { window.__notReloaded = true; });

  let s = await read();
  assert.deepEqual(s, { phase: 'not_started', status: '未开始', label: '距活动开始', clock: '00:00:03',
    buyDisabled: true, reasons: ['G_NOT_STARTED'], marker: true });
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, 'countdown-before.png') });

  // The user sets the phone a year ahead: the countdown does not move.
  await page.clock.setSystemTime(new Date('2027-01-01T00:00:00Z'));
  await page.clock.runFor(999);
  s = await read();
  assert.equal(s.clock, '00:00:03');
  assert.equal(s.phase, 'not_started');
  await page.clock.runFor(1);
  assert.equal((await read()).clock, '00:00:02');
  await page.clock.runFor(1000);
  assert.equal((await read()).clock, '00:00:01');

  // Zero: the phase flips in place, the gate opens.
  await page.clock.runFor(1000);
  s = await read();
  assert.deepEqual(s, { phase: 'running', status: '进行中', label: '距活动结束', clock: '00:01:00',
    buyDisabled: false, reasons: [], marker: true });
  await page.clock.runFor(1000);
  assert.equal((await read()).clock, '00:00:59');
  await page.screenshot({ path: path.join(shots, 'countdown.png') });

  // And at the end it flips again.
  await page.clock.runFor(59000);
  s = await read();
  assert.equal(s.phase, 'ended');
  assert.equal(s.clock, '');
  assert.equal(s.buyDisabled, true);
  assert.deepEqual(s.reasons, ['G_ENDED']);
  assert.equal(s.marker, true);
  assert.deepEqual(errors, []);
});
