#!/usr/bin/env node
// Renders build/icon.svg into the icons electron-builder packs: build/icons/<n>x<n>.png for Linux,
// build/icon.png, and build/icon.icns for macOS. A maintainer runs it after editing the SVG and
// commits the output; the installers never depend on a converter being installed. Chromium draws
// the SVG (the same one the browser tests use), so no image library is needed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const buildDir = fileURLToPath(new URL('../build/', import.meta.url));
const svg = readFileSync(buildDir + 'icon.svg', 'utf8');
/** The sizes desktop environments look up in the hicolor theme. */
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
/** ICNS entry types holding PNG data, by edge length (Apple's Icon Composer types). */
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const page = await browser.newPage();
const pngs = new Map();
for (const size of new Set([...LINUX_SIZES, ...ICNS_TYPES.map(([, s]) => s)])) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg style="display:block;width:${size}px;height:${size}px" `)}</body></html>`,
  );
  pngs.set(size, await page.screenshot({ omitBackground: true, type: 'png' }));
}
await browser.close();

mkdirSync(buildDir + 'icons', { recursive: true });
for (const size of LINUX_SIZES) writeFileSync(`${buildDir}icons/${size}x${size}.png`, pngs.get(size));
writeFileSync(buildDir + 'icon.png', pngs.get(1024));

// ICNS: 'icns', total length, then entries of type, entry length (with its 8-byte header), data.
const entries = ICNS_TYPES.map(([type, size]) => {
  const data = pngs.get(size);
  const head = Buffer.alloc(8);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(data.length + 8, 4);
  return Buffer.concat([head, data]);
});
const body = Buffer.concat(entries);
const head = Buffer.alloc(8);
head.write('icns', 0, 'latin1');
head.writeUInt32BE(body.length + 8, 4);
writeFileSync(buildDir + 'icon.icns', Buffer.concat([head, body]));
console.log(`icons written to ${buildDir}`);
