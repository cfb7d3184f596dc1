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
  'editor.html': { js: ['engine.js', 'client.js', 'editor-stats.js', 'editor.js'], css: ['app.css'], later: [] },
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
// Median, p90, p99 and worst of a list of ms.
function stats(list) {
  const t = [...list].sort((a, b) => a - b);
  const at = (p) => t[Math.min(t.length - 1, Math.floor(t.length * p))].toFixed(1).padStart(5);
  return `median ${at(0.5)}  p90 ${at(0.9)}  p99 ${at(0.99)}  worst ${t[t.length - 1].toFixed(1).padStart(5)}  (${t.length} keys)`;
}
const load = () => require('os').loadavg().map((x) => x.toFixed(2)).join(' ');
const sum = (names) => names.map(size).reduce((a, b) => ({ raw: a.raw + b.raw, br: a.br + b.br }), { raw: 0, br: 0 });

// A Chrome trace over CDP (Tracing domain); stop() resolves with the events.
function startTrace(cdp) {
  const events = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  const started = cdp.send('Tracing.start', { transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink', 'disabled-by-default-v8.gc', 'toplevel'] } });
  return {
    async stop() {
      await started;
      const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      await done;
      return events;
    },
  };
}

// Per main-thread task of the renderer (>= 2 ms): wall and CPU time and what the time went to.
function breakdown(events) {
  const input = events.find((e) => e.name === 'EventDispatch' && e.args && e.args.data && e.args.data.type === 'input');
  if (!input) { console.log('  trace: no input events'); return; }
  const main = events.filter((e) => e.pid === input.pid && e.tid === input.tid && e.ph === 'X').sort((a, b) => a.ts - b.ts);
  const PARTS = { script: ['FunctionCall', 'EvaluateScript', 'V8.Execute'], style: ['UpdateLayoutTree'], layout: ['Layout'],
    paint: ['Paint', 'PrePaint', 'UpdateLayer', 'Layerize', 'CompositeLayers'], html: ['ParseHTML'],
    gc: ['MinorGC', 'MajorGC', 'V8.GC_SCAVENGER', 'V8.GC_MARK_COMPACTOR', 'V8.GCFinalizeMC', 'BlinkGC.AtomicPhase', 'V8.GCScavenger'] };
  const tasks = main.filter((e) => e.name === 'RunTask' && e.dur >= 2000);
  const rows = tasks.map((t) => {
    const end = t.ts + t.dur;
    const inside = main.filter((e) => e.ts >= t.ts && e.ts + e.dur <= end && e !== t);
    const row = { wall: t.dur / 1000, cpu: (t.tdur || t.dur) / 1000 };
    for (const [part, names] of Object.entries(PARTS)) {
      // outermost events only, so nested ones of the same part are not counted twice
      let sum = 0;
      let until = -1;
      for (const e of inside) {
        if (!names.includes(e.name) || e.ts < until) continue;
        sum += e.dur;
        until = e.ts + e.dur;
      }
      row[part] = sum / 1000;
    }
    return row;
  });
  if (!rows.length) { console.log('  trace: no task of 2 ms or more'); return; }
  console.log(`  trace: ${rows.length} main-thread tasks >= 2 ms while typing; wall ${stats(rows.map((r) => r.wall)).replace(/ \(.*/, '')}`);
  const f = (r) => `wall ${r.wall.toFixed(1).padStart(5)} cpu ${r.cpu.toFixed(1).padStart(5)} | ` +
    Object.keys(PARTS).map((k) => `${k} ${r[k].toFixed(1)}`).join('  ');
  const mean = Object.fromEntries(Object.keys(rows[0]).map((k) => [k, rows.reduce((a, r) => a + r[k], 0) / rows.length]));
  console.log(`    mean       ${f(mean)}`);
  for (const r of [...rows].sort((a, b) => b.wall - a.wall).slice(0, 5)) console.log(`    slowest    ${f(r)}`);
}

async function main() {
  console.log(`engine: ${DIST}\nload average at start: ${load()} (${require('os').cpus().length} cores)\n`);
  console.log('page            html+page JS+CSS raw / br (KB)   module glue+wasm raw / br (KB)   on demand br (KB)');
  const mod = sum(MODULE);
  for (const [page, p] of Object.entries(PAGES)) {
    const own = sum([page, ...p.js, ...p.css]);
    const later = sum(p.later);
    console.log(`${page.padEnd(15)} ${kb(own.raw)} / ${kb(own.br)}                ${kb(mod.raw)} / ${kb(mod.br)}                ${kb(later.br)}`);
  }
  for (const n of ['engine.js', 'client.js', 'app.css', 'activity.js', 'me.js', 'editor-stats.js', 'editor.js', ...MODULE]) {
    const s = size(n);
    console.log(`  ${n.padEnd(20)} ${kb(s.raw)} raw ${kb(s.br)} br`);
  }

  const server = await startServer();
  const ui = await launch();
  // The editor is the merchant's: one console sign-in, its cookie in every context (sign-ins are rate-limited).
  const signIn = await fetch(`${server.base}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'demo', password: 'demo-owner-2026' }) });
  if (!signIn.ok) throw new Error(`console sign-in: ${signIn.status}`);
  const sid = /sid=([^;]+)/.exec(signIn.headers.get('set-cookie'))[1];
  const phone = ui.phone.bind(ui);
  ui.phone = async () => {
    const ctx = await phone();
    await ctx.addCookies([{ name: 'sid', value: sid, url: server.base }]);
    return ctx;
  };
  try {
    console.log(`\ntime to interactive, CPU throttled ${THROTTLE}x (median of 5, ms: first paint of content / data-ready)`);
    for (const [page, query] of (process.env.ONLY === 'keys' ? [] : [['activity.html', '?id=1001&user=201'], ['me.html', '?user=101'], ['editor.html', '?id=2001']])) {
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
    // Editor keystroke -> preview, per key, in ms:
    //  - "laid out": the editor's own figure (window.editor.timings): event time (ev.timeStamp) -> the
    //    preview's DOM updated and laid out (with the preview done in an animation frame, this
    //    includes the wait for that frame);
    //  - "frame": a probe independent of the editor's code: event time -> the end of the first
    //    animation frame after the key (a message posted from that frame's requestAnimationFrame
    //    runs once the frame's style, layout and paint are done). The probe also checks that the
    //    preview changed before that frame ended; keys whose update came later are counted as late;
    //  - "work": the update's own main-thread time (window.editor.work, when the editor has it);
    //  - "engine": time inside engine.call per frame that called it (the probe wraps the facade).
    // Keys go to a sample-order field (the program does not change) and to a rate (it does).
    // TRACE=1: a Chrome performance trace of the 1x typing, each main-thread task of 2 ms or more
    // split into script, style, layout, paint, HTML parsing and GC, wall time against CPU time.
    const FIELDS = [['s.paid', '12345.67'], ['rates_bp[0]', '12.5']];
    const ROUNDS = Number(process.env.ROUNDS || 10);
    for (const rate of [1, THROTTLE]) {
      const ctx = await ui.phone();
      const tab = await ctx.newPage();
      const cdp = await ctx.newCDPSession(tab);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      await tab.goto(`${server.base}/editor.html?kind=distribution`);
      await tab.waitForSelector('body[data-ready="1"]');
      await tab.evaluate(() => {
        const probe = window.__probe = { frames: [], engine: [], late: 0, changed: -1, inEngine: 0 };
        const e = window.editor.engine;
        const call = e.call;
        e.call = function (name, request) {
          const t = performance.now();
          try { return call.call(this, name, request); } finally { probe.inEngine += performance.now() - t; }
        };
        new MutationObserver(() => { probe.changed = performance.now(); })
          .observe(document.querySelector('#preview'), { subtree: true, childList: true, characterData: true, attributes: true });
        const mc = new MessageChannel();
        const waiting = [];
        mc.port1.onmessage = () => {
          const now = performance.now();
          for (const t of waiting.splice(0)) {
            probe.frames.push(now - t);
            if (probe.changed < t) probe.late += 1;
          }
          if (probe.inEngine > 0) { probe.engine.push(probe.inEngine); probe.inEngine = 0; }
        };
        document.addEventListener('input', (ev) => {
          const t = ev.timeStamp;
          requestAnimationFrame(() => { waiting.push(t); mc.port2.postMessage(0); });
        }, true);
      });
      const tracing = process.env.TRACE === '1' && rate === 1 ? startTrace(cdp) : null;
      const got = { laid: {}, frame: {}, work: {}, engine: {} };
      for (let i = 0; i < ROUNDS; i++) {
        for (const [key, text] of FIELDS) {
          await tab.fill(`[data-key="${key}"]`, '');
          await tab.waitForTimeout(50);
          await tab.evaluate(() => {
            const ed = window.editor;
            ed.timings.length = 0;
            if (ed.work) ed.work.length = 0;
            window.__probe.frames.length = 0;
            window.__probe.engine.length = 0;
          });
          await tab.type(`[data-key="${key}"]`, text, { delay: 30 });
          await tab.waitForTimeout(50); // the last key's frame
          const r = await tab.evaluate(() => ({ laid: window.editor.timings.slice(), work: (window.editor.work || []).slice(),
            frame: window.__probe.frames.slice(), engine: window.__probe.engine.slice() }));
          for (const k of Object.keys(got)) (got[k][key] = got[k][key] || []).push(...r[k]);
        }
      }
      const late = await tab.evaluate(() => window.__probe.late);
      console.log(`editor keystroke -> preview, CPU ${rate}x (ms; load ${load()}):`);
      for (const key of [...FIELDS.map((f) => f[0]), 'all']) {
        const pick = (k) => (key === 'all' ? Object.values(got[k]).flat() : got[k][key]);
        console.log(`  ${key.padEnd(12)} laid out ${stats(pick('laid'))}`);
        console.log(`  ${''.padEnd(12)} frame    ${stats(pick('frame'))}${key === 'all' ? `; late ${late}` : ''}`);
        if (pick('work').length) console.log(`  ${''.padEnd(12)} work     ${stats(pick('work'))}`);
        console.log(`  ${''.padEnd(12)} engine   ${stats(pick('engine'))}`);
      }
      if (tracing) breakdown(await tracing.stop());
      await ctx.close();
    }
  } finally {
    await ui.close();
    await server.stop();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
