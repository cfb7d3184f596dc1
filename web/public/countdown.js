// The campaign page's countdown (SPEC 8). Time is the server's: an offset measured once when the
// page loads, added to performance.now(), a monotonic clock, so changing the phone's date or time
// changes nothing. The WASM core says which phase it is, what it counts down to and when that
// changes (campaignCountdown, evaluateGate); between those moments each tick here only subtracts
// and divides integers, touches the DOM when the text differs, and sleeps until the shown second
// ends. At zero the core is asked again and the phase flips in place, without a reload.
// Works as a global `CampaignCountdown` in a page and as CommonJS in Node (for its unit tests).
(function (root, define) {
  if (typeof module === 'object' && module.exports) module.exports = define();
  else root.CampaignCountdown = define();
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  // The server's time as offset from this page's monotonic clock: serverNow = perf() + offset.
  // Uses {now_ms} from a JSON body when there is one, else the Date header (whole seconds, so
  // half a second is added). Half the round trip is credited to each direction.
  async function measureOffset(url, { fetchImpl = fetch, perf = () => performance.now() } = {}) {
    const t0 = perf();
    const res = await fetchImpl(url, { cache: 'no-store' });
    const t1 = perf();
    let server = null;
    try {
      const body = await res.clone().json();
      if (body && Number.isSafeInteger(body.now_ms)) server = body.now_ms;
    } catch (e) { /* not JSON: use the header */ }
    if (server === null) {
      const d = Date.parse(res.headers.get('date') || '');
      if (Number.isNaN(d)) throw new Error('the server sent no time');
      server = d + 500;
    }
    return { offset: server + (t1 - t0) / 2 - t1, response: res };
  }

  // Remaining ms -> whole days/h/m/s, rounded up like the core's SplitRemaining (tested equal),
  // so 00:00:00 never shows while the phase has not flipped.
  function split(remainingMs) {
    if (!(remainingMs > 0)) return { days: 0, hours: 0, minutes: 0, seconds: 0 };
    let s = Math.ceil(remainingMs / 1000);
    const days = Math.floor(s / 86400);
    s -= days * 86400;
    const hours = Math.floor(s / 3600);
    s -= hours * 3600;
    const minutes = Math.floor(s / 60);
    return { days, hours, minutes, seconds: s - minutes * 60 };
  }

  const two = (n) => (n < 10 ? '0' : '') + n;
  function format(p) {
    return (p.days > 0 ? `${p.days}天 ` : '') + `${two(p.hours)}:${two(p.minutes)}:${two(p.seconds)}`;
  }

  const PHASE_ZH = { not_started: '距活动开始', running: '距活动结束', ended: '活动已结束' };

  // plan(serverNowMs) -> the core's countdown ({phase, target_ms, phase_changes_at_ms});
  // render({phase, label, parts, text, serverNowMs}) is called when the shown text changes.
  // Optional onTick(serverNowMs) runs each tick (the page re-checks its gate there, cheaply).
  function createCountdown({ plan, render, offset, onTick, perf = () => performance.now(),
    setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (t) => clearTimeout(t) }) {
    let current = null;
    let shown = '';
    let timer = null;
    let stopped = false;

    const serverNow = () => Math.floor(perf() + offset);

    function tick() {
      timer = null;
      if (stopped) return;
      const now = serverNow();
      if (!current || (current.phase_changes_at_ms !== null && now >= current.phase_changes_at_ms)) {
        current = plan(now); // rare: once per phase
      }
      if (onTick) onTick(now);
      const remaining = current.target_ms === null ? 0 : current.target_ms - now;
      const parts = split(remaining);
      const text = current.phase === 'ended' ? '' : format(parts);
      const key = current.phase + text;
      if (key !== shown) {
        shown = key;
        render({ phase: current.phase, label: PHASE_ZH[current.phase], parts, text, serverNowMs: now });
      }
      if (current.phase === 'ended') return; // nothing left to count
      // Wake when the shown second ends; at the target that is the phase flip itself.
      timer = setTimer(tick, remaining % 1000 || 1000);
    }

    return {
      start() { stopped = false; tick(); return this; },
      stop() { stopped = true; if (timer !== null) clearTimer(timer); timer = null; },
      serverNow,
      get plan() { return current; },
    };
  }

  return { measureOffset, split, format, createCountdown, PHASE_ZH };
});
