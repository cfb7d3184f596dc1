// Writes fuzz seeds for a target: every golden-vector request, prefixed by the selector byte of its
// entry point (the order of src/api/entry_points.h).
'use strict';
const fs = require('fs');
const path = require('path');
const [, , target, outDir] = process.argv;
// The one list, src/api/entry_points.h: X(area, verb, Function), in the fuzz target's order.
const header = fs.readFileSync(path.join(__dirname, '..', 'src', 'api', 'entry_points.h'), 'utf8');
const order = [...header.matchAll(/^\s*X\(\w+, (\w+), \w+\)/gm)].map((m) => m[1]);
if (order.length < 20) throw new Error(`only ${order.length} entry points read from src/api/entry_points.h`);
const dir = path.join(__dirname, '..', 'tests', 'vectors');
let n = 0;
for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
  for (const c of JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).cases) {
    const sel = order.indexOf(c.fn);
    if (sel < 0) continue;
    const body = typeof c.request === 'string' ? c.request : JSON.stringify(c.request);
    fs.writeFileSync(path.join(outDir, `seed-${f}-${n++}`), Buffer.concat([Buffer.from([sel]), Buffer.from(body)]));
  }
}
process.stdout.write(`${target}: ${n} seeds\n`);
