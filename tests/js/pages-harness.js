// Shared by the page tests: the real server as a child process (fresh PGlite folder, the module
// from ENGINE_DIST) and headless Chromium at a phone viewport, screenshots in build/screenshots.
// PAGES_SERVER names another server.js to run (e.g. a snapshot of a known-good commit whose
// web/public links to these pages) while the tree's server is being changed.
'use strict';
const { spawn } = require('child_process');
const net = require('net');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { dist } = require('./engine-loader');

const ROOT = path.join(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'build', 'screenshots');
const KEY = 'demo-merchant-key';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1, locale: 'zh-CN' };

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The databases a page test runs on: PGlite always, PostgreSQL too when PG_TEST_URL is set.
const DATABASES = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];
let pgDatabases = 0;

// `{db: 'postgres'}` runs the server on a fresh database of the PG_TEST_URL server (dropped by stop()).
async function startServer({ db = 'pglite' } = {}) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pages-test-'));
  let databaseUrl = '';
  let dropDatabase = async () => {};
  if (db === 'postgres') {
    const { Client } = require('pg');
    const name = `pages_${process.pid}_${++pgDatabases}`;
    const admin = new Client({ connectionString: process.env.PG_TEST_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    databaseUrl = process.env.PG_TEST_URL.replace(/\/[^/]*$/, `/${name}`);
    dropDatabase = async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    };
  }
  const child = spawn(process.execPath, [process.env.PAGES_SERVER || path.join(ROOT, 'web', 'server.js')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: databaseUrl, ENGINE_DIST: dist,
      SWEEP_MS: '3600000', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${log}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
    if (i === 1199) throw new Error(`server did not start: ${log}`);
  }
  const sessions = new Map();
  async function call(method, url, body, headers = {}) {
    const r = await fetch(base + url, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* CSV */ }
    return { status: r.status, body: json, text };
  }
  return {
    base,
    db,
    log: () => log,
    merchant: (method, url, body) => call(method, url, body, { 'x-api-key': KEY }),
    async user(id, method, url, body) {
      if (!sessions.has(id)) sessions.set(id, (await call('POST', '/api/dev/login', { merchant_id: 1, user_id: id })).body.session);
      return call(method, url, body, { authorization: `Bearer ${sessions.get(id)}` });
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      fs.rmSync(dataDir, { recursive: true, force: true });
      await dropDatabase();
    },
  };
}

async function launch() {
  const { chromium } = require('playwright-core');
  // Playwright gives every launch a fresh temporary profile of its own.
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  fs.mkdirSync(SHOTS, { recursive: true });
  return {
    browser,
    // One context per person: separate storage, like separate phones.
    async phone() {
      const ctx = await browser.newContext(PHONE);
      // No system share sheet in headless: the page falls back to copying the link.
      await ctx.addInitScript(() => { try { delete Navigator.prototype.share; } catch (e) { /* fine */ } });
      return ctx;
    },
    // What the person sees at 390×844 (fixed bars and sheets where they are on the phone), with
    // the element `at` scrolled to the top when given; `full` for the whole page (fixed bars then
    // land mid-picture, so only for pages without them).
    async shot(page, name, { at = null, full = false } = {}) {
      await page.evaluate((sel) => {
        if (!sel) { window.scrollTo(0, 0); return; }
        const el = document.querySelector(sel);
        window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY);
        // below the sticky header (and tabs) that now cover the top of the viewport
        const covered = Math.max(0, ...[...document.querySelectorAll('.top, .tabs')].map((x) => x.getBoundingClientRect().bottom));
        window.scrollBy(0, -covered - 8);
      }, at);
      // A page that looks broken on the phone fails here: content wider than the screen (the
      // browser would zoom out), or a header that no longer spans it.
      const fit = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth,
        top: document.querySelector('.top') ? document.querySelector('.top').getBoundingClientRect().width : null }));
      if (fit.scroll > fit.width || (fit.top !== null && fit.top < fit.width - 1)) {
        throw new Error(`${name}: the page does not fit the phone (${JSON.stringify(fit)})`);
      }
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: full });
    },
    async close() {
      await browser.close();
    },
  };
}

// Collects page errors so a test can assert there were none.
function watch(page, errors) {
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => { // Refused API calls (a 4xx the page shows as text) log a resource error; those are expected.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`${page.url()}: ${m.text()}`); });
  return page;
}

module.exports = { startServer, launch, watch, SHOTS, ROOT, DATABASES };
