// The measuring half of scripts/bench-pages.sh.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { startServer, launch } = require('../tests/js/pages-harness');

const ROOT = path.join(__dirname, '..');
const PUB = path.join(ROOT, 'web', 'public');
const DIST = process.env.ENGINE_DIST;
const THROTTLE = Number(process.env.THROTTLE || 4);
// What each page loads (scripts loaded on demand, like poster.js, are listed apart).
const PAGES = {
  'activity.html': { js: ['engine.js', 'client.js', 'countdown.js', 'activity.js'], css: ['app.css'], later: ['poster.js', 'qrcode.js'] },
  'me.html': { js: ['engine.js', 'client.js', 'me.js'], css: ['app.css'], later: [] },
  'editor.html': { js: ['engine.js', 'client.js', 'editor.js'], css: ['app.css'], later: [] },
};
const MODULE = ['share_engine.js', 'share_engine.wasm'];

function file(name) {
  if (name === 'qrcode.js') return require.resolve('qrcode-generator');
  if (name === 'engine.js' || MODULE.includes(name)) return path.join(DIST, name);
  return path.join(PUB, name);
}
function size(name) {
  const buf = fs.readFileSync(file(name));
  return { raw: buf.length, br: zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length };
}
const kb = (n) => (n / 1024).toFixed(1).padStart(7);
const sum = (names) => names.map(size).reduce((a, b) => ({ raw: a.raw + b.raw, br: a.br + b.br }), { raw: 0, br: 0 });

async function main() {
  console.log(`engine: ${DIST}\n`);
  console.log('page            html+page JS+CSS raw / br (KB)   module glue+wasm raw / br (KB)   on demand br (KB)');
  const mod = sum(MODULE);
  for (const [page, p] of Object.entries(PAGES)) {
    const own = sum([page, ...p.js, ...p.css]);
    const later = sum(p.later);
    console.log(`${page.padEnd(15)} ${kb(own.raw)} / ${kb(own.br)}                ${kb(mod.raw)} / ${kb(mod.br)}                ${kb(later.br)}`);
  }
  for (const n of ['engine.js', 'client.js', 'app.css', 'activity.js', 'me.js', 'editor.js', ...MODULE]) {
    const s = size(n);
    console.log(`  ${n.padEnd(20)} ${kb(s.raw)} raw ${kb(s.br)} br`);
  }

  const server = await startServer();
  const ui = await launch();
  try {
    console.log(`\ntime to interactive, CPU throttled ${THROTTLE}x (median of 5, ms: first paint of content / data-ready)`);
    for (const [page, query] of [['activity.html', '?id=1001&user=201'], ['me.html', '?user=101'], ['editor.html', '']]) {
      const runs = [];
      for (let i = 0; i < 5; i++) {
        const ctx = await ui.phone();
        const tab = await ctx.newPage();
        const cdp = await ctx.newCDPSession(tab);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
        await tab.goto(`${server.base}/${page}${query}`);
        await tab.waitForSelector('body[data-ready="1"]', { timeout: 60000 });
        runs.push(await tab.evaluate(() => {
          const fcp = performance.getEntriesByName('first-contentful-paint')[0];
          return { fcp: fcp ? fcp.startTime : NaN, ready: performance.now() };
        }));
        await ctx.close();
      }
      const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[2].toFixed(0);
      console.log(`  ${page.padEnd(15)} ${med('fcp').padStart(6)} / ${med('ready').padStart(6)}`);
    }
    // Editor keystroke -> preview (event time -> DOM updated and laid out), unthrottled and throttled.
    for (const rate of [1, THROTTLE]) {
      const ctx = await ui.phone();
      const tab = await ctx.newPage();
      const cdp = await ctx.newCDPSession(tab);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      await tab.goto(`${server.base}/editor.html?kind=distribution`);
      await tab.waitForSelector('body[data-ready="1"]');
      await tab.evaluate(() => { window.editor.timings.length = 0; });
      for (let i = 0; i < 3; i++) {
        await tab.fill('[data-key="s.paid"]', '');
        await tab.type('[data-key="s.paid"]', '12345.67', { delay: 30 });
      }
      const t = (await tab.evaluate(() => window.editor.timings)).sort((a, b) => a - b);
      console.log(`editor keystroke -> preview, CPU ${rate}x: median ${t[t.length >> 1].toFixed(1)} ms, p90 ${t[Math.floor(t.length * 0.9)].toFixed(1)} ms, max ${t[t.length - 1].toFixed(1)} ms (${t.length} keys)`);
      await ctx.close();
    }
  } finally {
    await ui.close();
    await server.stop();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
