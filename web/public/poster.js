// Poster renderer: draws the engine's poster layout (layoutPoster) on a canvas, in the page, with
// no server round-trip, and hands back an <img> a WeChat user can long-press to save (Android
// WebViews do not offer "save" on a canvas).
//
// Why it is built this way (SPEC 7 and the poster complaints it lists):
// - Every image loads with crossOrigin = 'anonymous'. A server that sends CORS headers gives a
//   clean image; one that does not makes the load fail instead of tainting the canvas, so
//   toDataURL() keeps working. If a canvas is tainted anyway, the poster is redrawn without images.
// - A failed or slow image (timeout) draws a placeholder in its box: the poster is degraded, never
//   blank, and the QR code and the texts are always there.
// - Texts come wrapped and cut by the core's width model; fillText's maxWidth squeezes a line
//   whose real glyphs are wider than the model guessed, so nothing spills out of its box.
// - The QR code comes from qrcode-generator (a global `qrcode`, served from node_modules), with
//   whole-pixel modules and a quiet zone, so scanners (and WeChat's long-press) read it reliably.
(function (root) {
  'use strict';

  const FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", ' +
    '"WenQuanYi Micro Hei", sans-serif';

  function loadImage(url, timeoutMs) {
    return new Promise((resolve) => {
      if (!url) return resolve(null);
      const img = new Image();
      let done = false;
      const finish = (value) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        img.onload = img.onerror = null;
        resolve(value);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      img.crossOrigin = 'anonymous'; // before src, or the request goes out without CORS
      img.onload = () => finish(img.naturalWidth > 0 ? img : null);
      img.onerror = () => finish(null);
      img.src = url;
    });
  }

  function roundRectPath(ctx, x, y, w, h, r) {
    r = Math.max(0, Math.min(r, w / 2, h / 2));
    ctx.beginPath();
    ctx.moveTo(x + r, y);
    ctx.arcTo(x + w, y, x + w, y + h, r);
    ctx.arcTo(x + w, y + h, x, y + h, r);
    ctx.arcTo(x, y + h, x, y, r);
    ctx.arcTo(x, y, x + w, y, r);
    ctx.closePath();
  }

  function shapePath(ctx, item) {
    if (item.shape === 'circle') {
      ctx.beginPath();
      ctx.ellipse(item.x + item.w / 2, item.y + item.h / 2, item.w / 2, item.h / 2, 0, 0, 2 * Math.PI);
      ctx.closePath();
    } else {
      roundRectPath(ctx, item.x, item.y, item.w, item.h, item.radius || 0);
    }
  }

  function font(item, px) {
    return `${item.bold ? 'bold ' : ''}${px || item.font_px}px ${FONT}`;
  }

  // Scales the image to cover its box and crops the overflow, keeping the aspect ratio.
  function drawImageCover(ctx, img, item) {
    const scale = Math.max(item.w / img.naturalWidth, item.h / img.naturalHeight);
    const sw = item.w / scale;
    const sh = item.h / scale;
    const sx = (img.naturalWidth - sw) / 2;
    const sy = (img.naturalHeight - sh) / 2;
    ctx.save();
    shapePath(ctx, item);
    ctx.clip();
    ctx.drawImage(img, sx, sy, sw, sh, item.x, item.y, item.w, item.h);
    ctx.restore();
  }

  function drawPlaceholder(ctx, item) {
    ctx.save();
    shapePath(ctx, item);
    ctx.fillStyle = item.placeholder_color || '#eeeeee';
    ctx.fill();
    if (item.fallback_text) {
      ctx.fillStyle = '#999999';
      ctx.font = font({ bold: true }, Math.round(item.h * 0.45));
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(item.fallback_text, item.x + item.w / 2, item.y + item.h / 2, item.w);
    }
    ctx.restore();
  }

  function drawText(ctx, item) {
    ctx.save();
    ctx.font = font(item);
    ctx.fillStyle = item.color;
    ctx.textBaseline = 'middle';
    ctx.textAlign = item.align || 'left';
    const x = item.align === 'center' ? item.x + item.w / 2 : item.align === 'right' ? item.x + item.w : item.x;
    item.lines.forEach((line, i) => {
      ctx.fillText(line, x, item.y + i * item.line_height + item.line_height / 2, item.w);
    });
    ctx.restore();
  }

  function drawQr(ctx, item, qrcode) {
    const qr = qrcode(0, item.ecc || 'M');
    qr.addData(item.text, 'Byte');
    qr.make();
    const count = qr.getModuleCount();
    // Whole-pixel modules; a 4-module quiet zone when it fits, never less than 2.
    let quiet = 4;
    let cell = Math.floor(item.w / (count + 2 * quiet));
    if (cell < 3) {
      quiet = 2;
      cell = Math.floor(item.w / (count + 2 * quiet));
    }
    if (cell < 1) throw new Error('the QR box is too small for this link');
    ctx.fillStyle = item.bg_color || '#ffffff';
    ctx.fillRect(item.x, item.y, item.w, item.h);
    const ox = item.x + Math.floor((item.w - cell * count) / 2);
    const oy = item.y + Math.floor((item.h - cell * count) / 2);
    ctx.fillStyle = item.color || '#000000';
    for (let r = 0; r < count; r++) {
      for (let c = 0; c < count; c++) {
        if (qr.isDark(r, c)) ctx.fillRect(ox + c * cell, oy + r * cell, cell, cell);
      }
    }
  }

  function draw(canvas, layout, images, qrcode) {
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    for (const item of layout.items) {
      if (item.kind === 'rect') {
        ctx.fillStyle = item.color;
        roundRectPath(ctx, item.x, item.y, item.w, item.h, item.radius || 0);
        ctx.fill();
      } else if (item.kind === 'image') {
        const img = images.get(item);
        if (img) drawImageCover(ctx, img, item);
        else if (item.role !== 'background') drawPlaceholder(ctx, item);
      } else if (item.kind === 'text') {
        drawText(ctx, item);
      } else if (item.kind === 'qr') {
        drawQr(ctx, item, qrcode);
      }
    }
  }

  // layout: the result of engine.layoutPoster(). Resolves to {canvas, dataUrl, degraded, ms}:
  // `degraded` names the image roles that were drawn as placeholders.
  async function renderPoster(layout, options = {}) {
    const started = (root.performance || Date).now();
    const qrcode = options.qrcode || root.qrcode;
    if (typeof qrcode !== 'function') throw new Error('load qrcode-generator before poster.js');
    if (qrcode.stringToBytesFuncs && qrcode.stringToBytesFuncs['UTF-8']) {
      qrcode.stringToBytes = qrcode.stringToBytesFuncs['UTF-8'];
    }
    const timeoutMs = options.imageTimeoutMs ?? 8000;
    const canvas = options.canvas || root.document.createElement('canvas');
    canvas.width = layout.width;
    canvas.height = layout.height;

    const images = new Map();
    const degraded = [];
    const wanted = layout.items.filter((it) => it.kind === 'image');
    await Promise.all(wanted.map(async (item) => {
      const img = await loadImage(item.url, timeoutMs);
      if (img) images.set(item, img);
      else if (item.url) degraded.push(item.role);
    }));

    draw(canvas, layout, images, qrcode);
    let dataUrl;
    try {
      dataUrl = canvas.toDataURL('image/png');
    } catch (e) {
      // A tainted canvas (an image that slipped past CORS): redraw without any image.
      for (const item of wanted) if (images.has(item) && !degraded.includes(item.role)) degraded.push(item.role);
      draw(canvas, layout, new Map(), qrcode);
      dataUrl = canvas.toDataURL('image/png');
    }
    return { canvas, dataUrl, degraded, ms: (root.performance || Date).now() - started };
  }

  // Puts the poster into `container` as an <img> (what WeChat lets a user long-press and save).
  function showPoster(result, container, alt = '分享海报') {
    const img = root.document.createElement('img');
    img.src = result.dataUrl;
    img.alt = alt;
    img.className = 'share-poster';
    img.width = result.canvas.width;
    img.height = result.canvas.height;
    container.replaceChildren(img);
    return new Promise((resolve) => {
      if (img.complete) resolve(img);
      else img.onload = img.onerror = () => resolve(img);
    });
  }

  root.SharePoster = { renderPoster, showPoster };
})(typeof globalThis !== 'undefined' ? globalThis : this);
