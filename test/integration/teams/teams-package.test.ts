import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32, inflateRawSync } from 'node:zlib';

/**
 * `npm run teams:package` (scripts/teams-package.mjs): the Teams app zip with the manifest (its id
 * and botId the given app id) and the two icons, read back with a small zip reader (central
 * directory, deflate or stored, CRC-32 checked); a non-GUID app id is refused.
 */

const root = path.join(__dirname, '../../..');
const script = path.join(root, 'scripts/teams-package.mjs');
const APP_ID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(file: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The entries of a zip file (no zip64, no encryption), by name, in central directory order. */
function readZip(file: string): Map<string, Buffer> {
  const zip = readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error(`${file}: no end of central directory`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const stored = zip.subarray(start, start + compressedSize);
    if (method !== 0 && method !== 8) throw new Error(`${name}: compression method ${method}`);
    const data = method === 8 ? inflateRawSync(stored) : Buffer.from(stored);
    expect([name, data.length, crc32(data)]).toEqual([name, size, crc]);
    entries.set(name, data);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pipewatch-teams-package-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('writes manifest.json with the app id as id and botId, and the two icons, at the root of the zip', async () => {
  const out = path.join(dir, 'app.zip');
  const result = await run(process.execPath, [script, '--app-id', APP_ID, '--out', out]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toContain(APP_ID);
  const entries = readZip(out);
  expect([...entries.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
  const manifest = JSON.parse(entries.get('manifest.json')?.toString('utf8') ?? '');
  expect(manifest.id).toBe(APP_ID);
  expect(manifest.bots.map((bot: { botId: string }) => bot.botId)).toEqual([APP_ID]);
  // Everything else as in teams/manifest.json.
  const template = JSON.parse(readFileSync(path.join(root, 'teams/manifest.json'), 'utf8'));
  expect({ ...manifest, id: template.id, bots: template.bots }).toEqual(template);
  expect(manifest.bots[0]).toEqual({ ...template.bots[0], botId: APP_ID });
  for (const icon of ['color.png', 'outline.png']) {
    expect([icon, entries.get(icon)?.equals(readFileSync(path.join(root, 'teams', icon)))]).toEqual([icon, true]);
  }
});

test('npm run teams:package takes the app id from PIPEWATCH_TEAMS_APP_ID; the same input gives the same bytes', async () => {
  const out = path.join(dir, 'from-env.zip');
  const result = await run('npm', ['run', '--silent', 'teams:package', '--', '--out', out], {
    PIPEWATCH_TEAMS_APP_ID: APP_ID,
  });
  expect(result).toMatchObject({ code: 0 });
  expect(JSON.parse(readZip(out).get('manifest.json')?.toString('utf8') ?? '').id).toBe(APP_ID);
  const again = path.join(dir, 'again.zip');
  expect(await run(process.execPath, [script, `--app-id=${APP_ID}`, `--out=${again}`])).toMatchObject({ code: 0 });
  expect(readFileSync(again).equals(readFileSync(out))).toBe(true);
});

test.each([
  ['not a GUID', ['--app-id', 'pipewatch'], /must be a GUID/],
  ['a GUID with a stray character', ['--app-id', `${APP_ID}x`], /must be a GUID/],
  ["the manifest's placeholder", ['--app-id', '00000000-0000-0000-0000-000000000000'], /placeholder/],
  ['no app id', [], /no app id/],
  ['an unknown argument', ['--app-id', APP_ID, '--colour', 'red'], /unknown argument/],
])('refuses %s: exit 2, nothing written', async (_case, args, message) => {
  const out = path.join(dir, 'refused.zip');
  const result = await run(process.execPath, [script, ...args, '--out', out]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toContain('Usage: npm run teams:package');
  expect(existsSync(out)).toBe(false);
});
