import path from 'node:path';
import { build } from 'esbuild';

describe('the notify function bundle', () => {
  test('does not load Bolt: only @slack/web-api is reachable from handlers/notify.ts', async () => {
    // What serverless-esbuild deploys: everything reachable, packages included.
    const result = await build({
      entryPoints: [path.join(__dirname, '../../../../handlers/notify.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('node_modules/@slack/web-api/'))).toBe(true);
    expect(inputs.filter((input) => input.includes('node_modules/@slack/bolt/'))).toEqual([]);
    expect(inputs.filter((input) => input.includes('src/slack/app/'))).toEqual([]);
  });
});
