// The stand-in's certificates: its own CA (as WeChat Pay's CA issues apiclient_cert.pem), the
// TLS certificate of its HTTPS listener, and a merchant certificate per registered merchant.
// Keys come from node:crypto; the X.509 wrapping is done by the openssl command (Node has no
// certificate builder). Everything lives in a temporary folder removed at exit.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

function rsaPair() {
  return crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
}

function createCa() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wechat-standin-'));
  const f = (n) => path.join(dir, n);
  const openssl = (args) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ca = rsaPair();
  fs.writeFileSync(f('ca.key'), ca.privateKey, { mode: 0o600 });
  openssl(['req', '-x509', '-new', '-key', f('ca.key'), '-subj', '/O=WeChat Stand-in/CN=WeChat Stand-in CA', '-days', '30', '-sha256', '-out', f('ca.pem')]);
  const caPem = fs.readFileSync(f('ca.pem'), 'utf8');
  let n = 0;

  // A certificate over `publicKeyPem`'s key pair (we hold its private key for the CSR), signed by the CA.
  function issue(privateKeyPem, subject, { serialHex = crypto.randomBytes(20).toString('hex').replace(/^./, '4'), san } = {}) {
    const id = ++n;
    fs.writeFileSync(f(`k${id}.pem`), privateKeyPem, { mode: 0o600 });
    openssl(['req', '-new', '-key', f(`k${id}.pem`), '-subj', subject, '-out', f(`c${id}.csr`)]);
    const ext = san ? `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n` : 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n';
    fs.writeFileSync(f(`e${id}.cnf`), ext);
    openssl(['x509', '-req', '-in', f(`c${id}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-set_serial', `0x${serialHex}`,
      '-days', '30', '-sha256', '-extfile', f(`e${id}.cnf`), '-out', f(`c${id}.pem`)]);
    const pem = fs.readFileSync(f(`c${id}.pem`), 'utf8');
    fs.rmSync(f(`k${id}.pem`));
    return { pem, x509: new crypto.X509Certificate(pem) };
  }

  const onExit = () => fs.rmSync(dir, { recursive: true, force: true });
  process.once('exit', onExit);
  const cleanup = () => { process.removeListener('exit', onExit); onExit(); };
  return { caPem, issue, cleanup };
}

module.exports = { createCa, rsaPair };
