import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

/**
 * teams/manifest.json (the Teams app manifest, schema v1.25) and its two icons: the fields Teams
 * requires with their length limits, one bot in the three scopes with pipewatch's five commands in
 * each, and the icons' sizes read from their PNG headers (color 192×192, outline 32×32 white on
 * transparent).
 */

const teams = path.join(__dirname, '../../../teams');
const manifest = JSON.parse(readFileSync(path.join(teams, 'manifest.json'), 'utf8'));
const PLACEHOLDER_ID = '00000000-0000-0000-0000-000000000000';
const COMMANDS = ['subscribe', 'unsubscribe', 'list', 'status', 'help'];
const SCOPES = ['team', 'groupChat', 'personal'];

interface Png {
  width: number;
  height: number;
  colourType: number;
  bitDepth: number;
  /** RGBA pixels, row by row (colour type 6, 8 bits only). */
  rgba?: Buffer;
}

/** Reads a PNG: its IHDR, and for 8-bit RGBA its pixels (IDAT inflated and unfiltered). */
function readPng(file: string): Png {
  const bytes = readFileSync(path.join(teams, file));
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  const png: Png = {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    bitDepth: bytes[24] ?? -1,
    colourType: bytes[25] ?? -1,
  };
  if (png.colourType !== 6 || png.bitDepth !== 8 || bytes[28] !== 0) return png;
  const idat: Buffer[] = [];
  for (let offset = 8; offset < bytes.length; ) {
    const length = bytes.readUInt32BE(offset);
    if (bytes.toString('latin1', offset + 4, offset + 8) === 'IDAT') {
      idat.push(bytes.subarray(offset + 8, offset + 8 + length));
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = png.width * 4;
  const rgba = Buffer.alloc(stride * png.height);
  for (let y = 0; y < png.height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0;
      const left = x >= 4 ? (rgba[y * stride + x - 4] ?? 0) : 0;
      const up = y > 0 ? (rgba[(y - 1) * stride + x] ?? 0) : 0;
      const upLeft = x >= 4 && y > 0 ? (rgba[(y - 1) * stride + x - 4] ?? 0) : 0;
      const paeth = () => {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      };
      const predicted = [0, left, up, (left + up) >> 1, 0][filter ?? 0] ?? 0;
      rgba[y * stride + x] = (value + (filter === 4 ? paeth() : predicted)) & 0xff;
    }
  }
  return { ...png, rgba };
}

test('schema v1.25 with the fields Teams requires, within their limits', () => {
  expect(manifest.$schema).toBe('https://developer.microsoft.com/json-schemas/teams/v1.25/MicrosoftTeams.schema.json');
  expect(manifest.manifestVersion).toBe('1.25');
  expect(manifest.version).toMatch(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/);
  // A placeholder: scripts/teams-package.mjs puts the bot's app id here and in botId.
  expect(manifest.id).toBe(PLACEHOLDER_ID);
  expect(Object.keys(manifest.developer).sort()).toEqual(['name', 'privacyUrl', 'termsOfUseUrl', 'websiteUrl']);
  for (const url of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) {
    expect([url, manifest.developer[url]]).toEqual([url, expect.stringMatching(/^https:\/\//)]);
  }
  expect(manifest.developer.name.length).toBeLessThanOrEqual(32);
  expect(manifest.name.short.length).toBeLessThanOrEqual(30);
  expect(manifest.name.full.length).toBeLessThanOrEqual(100);
  expect(manifest.description.short.length).toBeLessThanOrEqual(80);
  expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
  expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  expect(manifest.accentColor).toMatch(/^#[0-9A-Fa-f]{6}$/);
  expect(Array.isArray(manifest.validDomains)).toBe(true);
});

test('one bot, in teams, group chats and personal chats, not notification-only, no files', () => {
  expect(manifest.bots).toHaveLength(1);
  const [bot] = manifest.bots;
  expect(bot.botId).toBe(manifest.id);
  expect([...bot.scopes].sort()).toEqual([...SCOPES].sort());
  expect(bot.supportsFiles).toBe(false);
  expect(bot.isNotificationOnly).toBe(false);
});

test("the five commands in each scope's command list (at most 10 a scope), titles and descriptions within limits", () => {
  const [bot] = manifest.bots;
  const lists = bot.commandLists as { scopes: string[]; commands: { title: string; description: string }[] }[];
  for (const scope of SCOPES) {
    const commands = lists.filter((list) => list.scopes.includes(scope)).flatMap((list) => list.commands);
    expect([scope, commands.map((command) => command.title)]).toEqual([scope, COMMANDS]);
  }
  for (const list of lists) {
    expect(list.commands.length).toBeLessThanOrEqual(10);
    for (const scope of list.scopes) expect(bot.scopes).toContain(scope);
    for (const { title, description } of list.commands) {
      expect(title.length).toBeLessThanOrEqual(32);
      expect(description.length).toBeGreaterThan(0);
      expect(description.length).toBeLessThanOrEqual(128);
    }
  }
});

test('the color icon: 192×192, in colour', () => {
  const png = readPng(manifest.icons.color);
  expect([png.width, png.height]).toEqual([192, 192]);
  const colours = new Set<number>();
  const { rgba } = png;
  if (rgba === undefined) throw new Error('color.png: expected 8-bit RGBA');
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3] === 255) colours.add(rgba.readUInt32BE(i));
  }
  expect(colours.size).toBeGreaterThan(2);
});

test('the outline icon: 32×32, white on transparent', () => {
  const png = readPng(manifest.icons.outline);
  expect([png.width, png.height]).toEqual([32, 32]);
  const { rgba } = png;
  if (rgba === undefined) throw new Error('outline.png: expected 8-bit RGBA');
  let transparent = 0;
  let white = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3] === 0) transparent++;
    else if (rgba[i] === 255 && rgba[i + 1] === 255 && rgba[i + 2] === 255) white++;
    else throw new Error(`outline.png: pixel ${i / 4} is neither white nor transparent`);
  }
  expect(white).toBeGreaterThan(0);
  expect(transparent).toBeGreaterThan(0);
});
