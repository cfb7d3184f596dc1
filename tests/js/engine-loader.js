// Loads the built WASM module once per test process, from ENGINE_DIST (default build/wasm/dist).
'use strict';
const path = require('path');
const fs = require('fs');

const dist = process.env.ENGINE_DIST || path.join(__dirname, '..', '..', 'build', 'wasm', 'dist');
const { loadEngine, EngineError, messageZh, skipReasonZh } = require(path.join(dist, 'engine.js'));

let loaded;
function engine() {
  loaded = loaded || loadEngine();
  return loaded;
}

function vectorFiles() {
  const dir = path.join(__dirname, '..', 'vectors');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), doc: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) }));
}

// Same rule as tests/unit-vectors.cpp: objects by key, arrays element-wise with equal length.
function subset(expect, got, where = '') {
  if (expect !== null && typeof expect === 'object' && !Array.isArray(expect)) {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return `${where}: expected an object`;
    for (const k of Object.keys(expect)) {
      if (expect[k] === '$absent') { // the key must not be there (tests/unit-vectors.cpp alike)
        if (k in got) return `${where}.${k}: present`;
        continue;
      }
      if (!(k in got)) return `${where}.${k}: missing`;
      const why = subset(expect[k], got[k], `${where}.${k}`);
      if (why) return why;
    }
    return null;
  }
  if (Array.isArray(expect)) {
    if (!Array.isArray(got) || got.length !== expect.length) return `${where}: expected an array of ${expect.length}`;
    for (let i = 0; i < expect.length; i++) {
      const why = subset(expect[i], got[i], `${where}[${i}]`);
      if (why) return why;
    }
    return null;
  }
  return Object.is(expect, got) || expect === got ? null : `${where}: expected ${JSON.stringify(expect)}, got ${JSON.stringify(got)}`;
}

module.exports = { engine, vectorFiles, subset, EngineError, messageZh, skipReasonZh, dist };
