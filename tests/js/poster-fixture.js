// Shared by tests/js/poster.browser.test.js and scripts/bench-share.sh: a page server and a second
// origin for images, both on 127.0.0.1 with ephemeral ports, and headless Chromium started the
// way TOOLCHAIN.md says (no sandbox as root, no background networking, a fresh profile).
'use strict';
const http = require('http');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');

const root = path.join(__dirname, '..', '..');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.png': 'image/png' };

function crc32(buf) {
  let crc = ~0;
  for (const b of buf) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xEDB88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

// An RGB PNG of w x h whose pixel (x, y) is color(x, y) = [r, g, b].
function makePng(w, h, color) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc(h * (1 + 3 * w));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = color(x, y);
      const o = y * (1 + 3 * w) + 1 + 3 * x;
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b;
    }
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const COLORS = { avatar: [0, 170, 0], productTop: [30, 144, 255], productBottom: [255, 140, 0] };
const IMAGES = {
  'avatar.png': makePng(96, 96, () => COLORS.avatar),
  'product.png': makePng(400, 300, (x, y) => (y < 150 ? COLORS.productTop : COLORS.productBottom)),
};

function listen(handler) {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    const sockets = new Set();
    server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
    server.listen(0, '127.0.0.1', () => resolve({
      server, base: `http://127.0.0.1:${server.address().port}`,
      close: () => new Promise((done) => { for (const s of sockets) s.destroy(); server.close(done); }),
    }));
  });
}

function within(dir, rel) {
  const file = path.resolve(dir, '.' + path.posix.normalize('/' + rel));
  return file.startsWith(dir + path.sep) ? file : null;
}

// The page server mirrors web/static.js: pages, /engine/ from the dist, /lib/qrcode.js.
// The image server is another origin: /cors/* sends CORS headers, /nocors/* does not,
// /slow/* never answers, anything else is 404.
async function startServers(dist) {
  const pub = path.join(root, 'web', 'public');
  const page = await listen((req, res) => {
    const url = decodeURIComponent(req.url.split('?')[0]);
    let file = null;
    if (url === '/lib/qrcode.js') file = require.resolve('qrcode-generator');
    else if (url.startsWith('/engine/')) file = within(dist, url.slice('/engine/'.length));
    else file = within(pub, url === '/' ? 'poster.html' : url.slice(1));
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  const images = await listen((req, res) => {
    const [, mode, name] = req.url.split('?')[0].split('/');
    if (mode === 'slow') return; // held open until the server closes
    const body = IMAGES[name];
    if (!body || (mode !== 'cors' && mode !== 'nocors')) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    const headers = { 'content-type': 'image/png' };
    if (mode === 'cors') headers['access-control-allow-origin'] = '*';
    res.writeHead(200, headers);
    res.end(body);
  });
  return { page: page.base, images: images.base, close: () => Promise.all([page.close(), images.close()]) };
}

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Headless Chromium on a fresh, throw-away profile (Playwright takes the profile as
// launchPersistentContext's first argument instead of --user-data-dir). Returns {context, close()}.
async function launchBrowser(contextOptions = {}) {
  const { chromium } = require('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'share-poster-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, ...contextOptions,
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// The poster <img> as RGBA pixels, read back in the page from the image a user would save.
async function posterPixels(page) {
  const { w, h, b64 } = await page.evaluate(() => {
    const img = document.querySelector('#poster img');
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
    return { w: c.width, h: c.height, b64: btoa(s) };
  });
  const data = new Uint8ClampedArray(Buffer.from(b64, 'base64'));
  return { width: w, height: h, data, at: (x, y) => Array.from(data.subarray(4 * (y * w + x), 4 * (y * w + x) + 3)) };
}

module.exports = { startServers, launchBrowser, posterPixels, makePng, COLORS, CHROMIUM };
