#!/usr/bin/env node
// npm run teams:package -- --app-id <guid> [--out FILE]
//
// The Teams app package to upload ("Upload a custom app"): teams/manifest.json with the bot's
// Microsoft Entra app id as the app `id` and the bot's `botId`, and the two icons, in one zip
// (default build/teams-app.zip). The app id comes from --app-id or PIPEWATCH_TEAMS_APP_ID; anything
// but a GUID is refused. The zip is written here (node:zlib's deflate and crc32): no dependency,
// and the same input gives the same bytes (entries dated 1980-01-01, as zip's epoch).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const teamsDir = path.join(root, 'teams');
const PLACEHOLDER_ID = '00000000-0000-0000-0000-000000000000';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The icons' file names in the manifest and their required size (Teams: color 192×192, outline 32×32). */
const ICON_SIZES = { color: 192, outline: 32 };

const USAGE = `Usage: npm run teams:package -- --app-id <guid> [--out FILE]

Writes the Teams app package (manifest.json, color.png, outline.png) to FILE (default
build/teams-app.zip), with <guid> (the bot's Microsoft Entra application (client) id, or
PIPEWATCH_TEAMS_APP_ID) as the manifest's id and botId.`;

class UsageError extends Error {}

function parseArguments(argv, env) {
  const options = { appId: env.PIPEWATCH_TEAMS_APP_ID, out: path.join(root, 'build/teams-app.zip') };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--help' || argument === '-h') return { help: true };
    const [name, inline] = argument.startsWith('--') && argument.includes('=') ? argument.split(/=(.*)/s) : [argument];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${name} needs a value`);
      return next;
    };
    if (name === '--app-id') options.appId = value();
    // Relative to where the command was typed (npm run starts scripts in the package's folder).
    else if (name === '--out') options.out = path.resolve(env.INIT_CWD ?? process.cwd(), value());
    else throw new UsageError(`unknown argument ${JSON.stringify(argument)}`);
  }
  if (options.appId === undefined || options.appId === '') {
    throw new UsageError('no app id: pass --app-id <guid> or set PIPEWATCH_TEAMS_APP_ID');
  }
  if (!GUID.test(options.appId)) {
    throw new UsageError(
      `the app id must be a GUID (the bot's Microsoft Entra application (client) id), not ${JSON.stringify(options.appId)}`,
    );
  }
  if (options.appId === PLACEHOLDER_ID) throw new UsageError(`${PLACEHOLDER_ID} is the manifest's placeholder`);
  return options;
}

/** Width and height from a PNG's IHDR chunk, or an error naming the file. */
function pngSize(file, bytes) {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error(`${file} is not a PNG`);
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The manifest with the app id as `id` and every bot's `botId`. */
function manifestFor(appId) {
  const manifest = JSON.parse(readFileSync(path.join(teamsDir, 'manifest.json'), 'utf8'));
  manifest.id = appId;
  for (const bot of manifest.bots ?? []) bot.botId = appId;
  return manifest;
}

/** A zip of `entries` ({ name, data }), each deflated (or stored, when deflate would not make it smaller). */
function zip(entries) {
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  const DOS_TIME = 0;
  const UTF8_NAMES = 0x0800;
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const fileName = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    const method = deflated.length < data.length ? 8 : 0; // deflate, or stored
    const compressed = method === 8 ? deflated : data;
    const needed = method === 8 ? 20 : 10; // version needed: 2.0 for deflate, 1.0 for stored
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(needed, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28); // no extra field
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    central.writeUInt16LE(needed, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    // extra length, comment length, disk number, internal and external attributes: 0
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, compressed);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function main() {
  let options;
  try {
    options = parseArguments(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`teams:package: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const manifest = manifestFor(options.appId);
  const entries = [{ name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') }];
  for (const [kind, size] of Object.entries(ICON_SIZES)) {
    const name = manifest.icons?.[kind];
    if (typeof name !== 'string') throw new Error(`teams/manifest.json names no ${kind} icon`);
    const data = readFileSync(path.join(teamsDir, name));
    const { width, height } = pngSize(`teams/${name}`, data);
    if (width !== size || height !== size) {
      throw new Error(`teams/${name} is ${width}×${height}; Teams wants the ${kind} icon ${size}×${size}`);
    }
    entries.push({ name, data });
  }
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, zip(entries));
  const shown = path.relative(process.cwd(), options.out);
  process.stdout.write(
    `${shown.startsWith('..') || path.isAbsolute(shown) ? options.out : shown}: ${entries.map((entry) => entry.name).join(', ')} (app id ${options.appId})\n`,
  );
  return 0;
}

process.exitCode = main();
