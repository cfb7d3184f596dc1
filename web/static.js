// Static files: the pages (web/public), the engine module (build/wasm/dist) under /engine/, and a
// short whitelist of browser libraries from node_modules under /lib/. Text and wasm go out brotli-
// or gzip-compressed when the browser takes it (the module is ~236 KB raw, ~88 KB brotli),
// compressed once per file version off the main thread and kept in memory.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { promisify } = require('util');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.ts': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.wasm', '.json', '.svg', '.ts']);
const ENCODERS = {
  br: promisify(zlib.brotliCompress),
  gzip: promisify(zlib.gzip),
};
const OPTIONS = {
  br: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } },
  gzip: { level: 9 },
};

const fromPackage = (pkg, file) => () => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
const LIBS = {
  'qrcode.js': () => require.resolve('qrcode-generator'),
  // The merchant console (web/public/console/): Vue 3 with its template compiler, Element Plus,
  // its zh-CN locale and icons, as the packages ship them (no bundler; docs/console.md).
  'vue.js': fromPackage('vue', 'dist/vue.global.prod.js'),
  'element-plus.js': fromPackage('element-plus', 'dist/index.full.min.js'),
  'element-plus.css': fromPackage('element-plus', 'dist/index.css'),
  'element-plus-zh-cn.js': fromPackage('element-plus', 'dist/locale/zh-cn.min.js'),
  'element-plus-icons.js': fromPackage('@element-plus/icons-vue', 'dist/index.iife.min.js'),
  'echarts.js': fromPackage('echarts', 'dist/echarts.min.js'),
};

// file -> { version, br?, gzip? } (promises of the compressed bytes of that version)
const packed = new Map();

function compressed(file, stat, encoding) {
  const version = `${stat.mtimeMs}:${stat.size}`;
  let e = packed.get(file);
  if (!e || e.version !== version) {
    e = { version };
    packed.set(file, e);
  }
  if (!e[encoding]) {
    e[encoding] = fs.promises.readFile(file).then((raw) => ENCODERS[encoding](raw, OPTIONS[encoding]));
    e[encoding].catch(() => { if (packed.get(file) === e) packed.delete(file); });
  }
  return e[encoding];
}

function pick(acceptEncoding) {
  const a = String(acceptEncoding || '');
  if (/\bbr\b/.test(a)) return 'br';
  if (/\bgzip\b/.test(a)) return 'gzip';
  return null;
}

async function send(req, reply, file) {
  const stat = file && fs.existsSync(file) ? fs.statSync(file) : null;
  if (!stat || !stat.isFile()) return reply.code(404).type('text/plain').send('not found');
  const ext = path.extname(file);
  reply.header('cache-control', 'no-cache').type(TYPES[ext] || 'application/octet-stream');
  const encoding = COMPRESSIBLE.has(ext) ? pick(req.headers['accept-encoding']) : null;
  if (COMPRESSIBLE.has(ext)) reply.header('vary', 'accept-encoding');
  if (!encoding) return reply.send(fs.createReadStream(file));
  const body = await compressed(file, stat, encoding);
  return reply.header('content-encoding', encoding).send(body);
}

// `rel` inside `root`, or null when it would escape it.
function inside(root, rel) {
  const file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  return file.startsWith(root + path.sep) ? file : null;
}

module.exports = async function staticRoutes(app, { dist }) {
  const pub = path.join(__dirname, 'public');
  app.get('/', (req, reply) => send(req, reply, path.join(pub, 'index.html')));
  app.get('/engine/*', (req, reply) => send(req, reply, inside(dist, req.params['*'])));
  app.get('/lib/:name', (req, reply) => send(req, reply, LIBS[req.params.name] ? LIBS[req.params.name]() : null));
  app.get('/*', (req, reply) => {
    const file = inside(pub, req.params['*']);
    // A folder is its index.html (/console/ is the console), reached with its slash so that the
    // page's relative addresses resolve inside it.
    if (file && fs.existsSync(file) && fs.statSync(file).isDirectory()) {
      if (!req.url.split('?')[0].endsWith('/')) return reply.redirect(req.url.replace(/^([^?]*)/, '$1/'), 301);
      return send(req, reply, path.join(file, 'index.html'));
    }
    return send(req, reply, file);
  });
};
