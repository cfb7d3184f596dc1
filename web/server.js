// Demo server. For now it serves the pages in web/public and the built module from
// build/wasm/dist; the reference server (orders, ledger, withdrawals) grows here.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const dist = process.env.ENGINE_DIST || path.join(root, 'build', 'wasm', 'dist');
const port = Number(process.env.PORT || 8080);
const host = process.env.HOST || '127.0.0.1';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png',
};

function resolve(urlPath) {
  const clean = path.posix.normalize(decodeURIComponent(urlPath.split('?')[0]));
  if (clean.includes('\0')) return null;
  if (clean.startsWith('/engine/')) return path.join(dist, clean.slice('/engine/'.length));
  return path.join(__dirname, 'public', clean === '/' ? 'index.html' : clean);
}

const server = http.createServer((req, res) => {
  let file;
  try {
    file = resolve(req.url);
  } catch {
    file = null;
  }
  const inside = file && (file.startsWith(path.join(__dirname, 'public')) || file.startsWith(dist));
  if (!inside || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    return res.end('not found');
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});

server.listen(port, host, () => {
  console.log(`demo: http://${host}:${port}/  (module from ${dist})`);
});
