// Draws the Teams app icons (teams/color.png 192×192, teams/outline.png 32×32) with no dependency:
// shapes as distance functions, 4×4 supersampling, PNG written with node:zlib. Run it after editing
// a shape: `node teams/make-icons.mjs`; the PNGs are committed.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));

/** An RGBA PNG (8 bits per channel, no interlace) of `pixel(x, y)` → [r, g, b, a]. */
function png(width, height, pixel) {
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    rows[row] = 0; // filter: none
    for (let x = 0; x < width; x++) rows.set(pixel(x, y), row + 1 + x * 4);
  }
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, filter 0, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Shapes, as "is (x, y) inside" in the icon's own units. */
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, inner, outer) => (x, y) => circle(cx, cy, outer)(x, y) && !circle(cx, cy, inner)(x, y);
const bar = (x0, x1, cy, half) => (x, y) => x >= x0 && x <= x1 && Math.abs(y - cy) <= half;
const roundedSquare = (size, radius) => (x, y) => {
  const dx = Math.max(radius - x, 0, x - (size - radius));
  const dy = Math.max(radius - y, 0, y - (size - radius));
  return dx * dx + dy * dy <= radius * radius;
};

/**
 * Paints layers (last on top) with `samples`² samples per pixel: each layer is [shape, [r, g, b]].
 * Colour is averaged over the covered samples, alpha is the coverage.
 */
function paint(size, layers, samples = 4) {
  return png(size, size, (px, py) => {
    const sum = [0, 0, 0];
    let covered = 0;
    for (let i = 0; i < samples; i++) {
      for (let j = 0; j < samples; j++) {
        const x = px + (i + 0.5) / samples;
        const y = py + (j + 0.5) / samples;
        let colour;
        for (const [shape, rgb] of layers) if (shape(x, y)) colour = rgb;
        if (colour === undefined) continue;
        covered++;
        for (let c = 0; c < 3; c++) sum[c] += colour[c];
      }
    }
    if (covered === 0) return [0, 0, 0, 0];
    return [...sum.map((v) => Math.round(v / covered)), Math.round((255 * covered) / (samples * samples))];
  });
}

const WHITE = [255, 255, 255];
const BLUE = [11, 92, 173]; // the manifest's accentColor, #0B5CAD
const GREEN = [46, 160, 67];
const AMBER = [242, 169, 0];

// A pipeline: three stages on a line, two done (green), one waiting (amber), on the accent colour.
const color = paint(192, [
  [roundedSquare(192, 36), BLUE],
  [bar(44, 148, 96, 7), WHITE],
  [circle(44, 96, 22), WHITE],
  [circle(96, 96, 22), WHITE],
  [circle(148, 96, 22), WHITE],
  [circle(44, 96, 13), GREEN],
  [circle(96, 96, 13), GREEN],
  [circle(148, 96, 13), AMBER],
]);

// The same in white on transparent, as Teams wants the outline icon: three rings on a line.
const outline = paint(32, [
  [ring(6, 16, 2.25, 4.25), WHITE],
  [ring(16, 16, 2.25, 4.25), WHITE],
  [ring(26, 16, 2.25, 4.25), WHITE],
  [bar(10, 12, 16, 1.1), WHITE],
  [bar(20, 22, 16, 1.1), WHITE],
]);

writeFileSync(path.join(here, 'color.png'), color);
writeFileSync(path.join(here, 'outline.png'), outline);
