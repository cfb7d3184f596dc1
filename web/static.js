// Static files: the pages (web/public), the engine module (build/wasm/dist) under /engine/, and a
// short whitelist of browser libraries from node_modules under /lib/.
'use strict';
const fs = require('fs');
const path = require('path');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.ts': 'text/plain; charset=utf-8',
};

const LIBS = {
  'qrcode.js': () => require.resolve('qrcode-generator'),
};

function send(reply, file) {
  if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return reply.code(404).type('text/plain').send('not found');
  }
  reply.header('cache-control', 'no-cache');
  return reply.type(TYPES[path.extname(file)] || 'application/octet-stream').send(fs.createReadStream(file));
}

// `rel` inside `root`, or null when it would escape it.
function inside(root, rel) {
  const file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  return file.startsWith(root + path.sep) ? file : null;
}

module.exports = async function staticRoutes(app, { dist }) {
  const pub = path.join(__dirname, 'public');
  app.get('/', (req, reply) => send(reply, path.join(pub, 'index.html')));
  app.get('/engine/*', (req, reply) => send(reply, inside(dist, req.params['*'])));
  app.get('/lib/:name', (req, reply) => send(reply, LIBS[req.params.name] ? LIBS[req.params.name]() : null));
  app.get('/*', (req, reply) => send(reply, inside(pub, req.params['*'])));
};
