// The poster in a real browser: headless Chromium renders web/public/poster.html from a server on
// 127.0.0.1 (ephemeral port), images come from a second origin, and the QR code is read back from
// the saved image's pixels with jsQR. It must lead to the same share link and the same token, with
// cross-origin images drawn (CORS) or degraded (no CORS, 404, timeout) but never a blank poster.
// Screenshots land in build/screenshots/ (not in git) for a person to look at.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const jsQR = require('jsqr');
const { engine, dist } = require('./engine-loader');
const { createShareSigner } = require(path.join(dist, 'share-node.js'));
const { startServers, launchBrowser, posterPixels, COLORS, CHROMIUM } = require('./poster-fixture');

const SHOTS = path.join(__dirname, '..', '..', 'build', 'screenshots');
const near = (got, want, tol = 12) => got.every((v, i) => Math.abs(v - want[i]) <= tol);

test('poster renders in Chromium and its QR code leads back to the token', { timeout: 90000, skip: !fs.existsSync(CHROMIUM) && 'no /usr/bin/chromium' }, async (t) => {
  const e = await engine();
  const signer = createShareSigner(e, { keys: { 4: 'browser-test-key-0123456789' }, currentKeyId: 4 });
  const now = 1767225600000;
  const { token } = signer.sign({ program_id: 88, sharer_id: 1234567, issued_at_ms: now });

  const servers = await startServers(dist);
  const browser = await launchBrowser({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  t.after(async () => {
    await browser.close();
    await servers.close();
  });
  const page = browser.context.pages()[0] || await browser.context.newPage();
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${servers.page}/poster.html?manual=1`);
  fs.mkdirSync(SHOTS, { recursive: true });

  const readBack = async (info) => {
    const px = await posterPixels(page);
    assert.equal(px.width, info.width);
    assert.equal(px.height, info.height);
    const qr = jsQR(px.data, px.width, px.height);
    assert.ok(qr, 'no QR code found in the poster pixels');
    return { px, qr };
  };
  const checkLink = (text) => {
    const launch = signer.verifyLaunch({ url: text }, { nowMs: now + 60000, maxAgeMs: 86400000 });
    assert.equal(launch.ok, true, JSON.stringify(launch));
    assert.equal(launch.token, token);
    assert.equal(launch.sharer_id, 1234567);
  };

  await t.test('images from another origin with CORS are drawn, nothing is tainted', async () => {
    const info = await page.evaluate((o) => posterDemo(o), {
      token,
      data: { avatar_url: `${servers.images}/cors/avatar.png`, product_image_url: `${servers.images}/cors/product.png` },
    });
    assert.deepEqual(info.degraded, []);
    const { px, qr } = await readBack(info);
    assert.equal(qr.data, info.share_url);
    checkLink(qr.data);
    // Default template: avatar 40,40 88x88; product 40,160 670x670 (cover crop keeps both halves).
    assert.ok(near(px.at(84, 84), COLORS.avatar), `avatar ${px.at(84, 84)}`);
    assert.ok(near(px.at(375, 260), COLORS.productTop), `product top ${px.at(375, 260)}`);
    assert.ok(near(px.at(375, 760), COLORS.productBottom), `product bottom ${px.at(375, 760)}`);
    // The result is an <img> (long-press to save), not only a canvas.
    const tag = await page.evaluate(() => {
      const img = document.querySelector('#poster img');
      return { tag: img.tagName, src: img.src.slice(0, 22) };
    });
    assert.deepEqual(tag, { tag: 'IMG', src: 'data:image/png;base64,' });
    await page.screenshot({ path: path.join(SHOTS, 'poster.png'), fullPage: true });
  });

  await t.test('a 404 avatar and a product image without CORS degrade the poster, never blank it', async () => {
    const info = await page.evaluate((o) => posterDemo(o), {
      token,
      imageTimeoutMs: 1500,
      data: { avatar_url: `${servers.images}/missing.png`, product_image_url: `${servers.images}/nocors/product.png` },
    });
    assert.deepEqual([...info.degraded].sort(), ['avatar', 'product_image']);
    const { px, qr } = await readBack(info);
    assert.equal(qr.data, info.share_url);
    checkLink(qr.data);
    assert.ok(near(px.at(375, 500), [0xee, 0xee, 0xee], 2), `placeholder ${px.at(375, 500)}`);
    // Not blank: the title's and the price's ink is there.
    let ink = 0;
    for (let y = 860; y < 1060; y += 2) for (let x = 40; x < 460; x += 2) if (px.at(x, y)[0] < 128) ink++;
    assert.ok(ink > 200, `only ${ink} dark pixels where the title and price should be`);
    await page.screenshot({ path: path.join(SHOTS, 'poster-degraded.png'), fullPage: true });
  });

  await t.test('the background slot: a slow image times out instead of hanging the poster', async () => {
    const info = await page.evaluate((o) => posterDemo(o), {
      token,
      imageTimeoutMs: 800,
      template: {
        width: 600, height: 600, background_color: '#fafafa',
        boxes: { background: { x: 0, y: 0, w: 600, h: 600 }, qr: { x: 175, y: 175, w: 250 } },
      },
      data: { background_image_url: `${servers.images}/slow/bg.png` },
    });
    assert.deepEqual(info.degraded, ['background']);
    const { qr } = await readBack(info);
    assert.equal(qr.data, info.share_url);
  });

  assert.deepEqual(pageErrors, []);
});
