import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CliIo } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/main';

const fixtures = path.join(__dirname, '../../fixtures');
const failedDeploy = `file://${path.join(fixtures, 'codepipeline/action-failed-codedeploy-2023rev.json')}`;
const failedActions = `file://${path.join(fixtures, 'seed-patterns/failed-deploy-and-build-actions.json')}`;

/** Runs the CLI in-process with captured output; the file system is the real one. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (text) => {
      out += `${text}\n`;
    },
    err: (text) => {
      err += `${text}\n`;
    },
    readFile: (file) => readFile(file, 'utf8'),
    readStdin: async () => '',
  };
  const code = await runCli(argv, io);
  return { code, out, err };
}

describe('pipewatch test-pattern', () => {
  test('a matching event prints {"Result": true}', async () => {
    const result = await cli('test-pattern', '--event-pattern', failedActions, '--event', failedDeploy);
    expect(result).toEqual({ code: 0, out: '{"Result":true}\n', err: '' });
  });

  test('a non-matching event prints {"Result": false}', async () => {
    const pattern = '{"source":["aws.codepipeline"],"detail":{"state":["SUCCEEDED"]}}';
    const result = await cli('test-pattern', '--event-pattern', pattern, '--event', failedDeploy);
    expect(result).toEqual({ code: 0, out: '{"Result":false}\n', err: '' });
  });

  test('an invalid pattern prints InvalidEventPatternException and exits 2', async () => {
    const result = await cli('test-pattern', '--event-pattern', '{"detail":{"state":[{"prefix":1}]}}', '--event', '{}');
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/^InvalidEventPatternException: Event pattern is not valid\. Reason: /);
  });

  test('a pattern that is not JSON is an invalid pattern, as EventBridge says', async () => {
    const result = await cli('test-pattern', '--event-pattern', '{oops', '--event', '{}');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^InvalidEventPatternException: /);
  });

  test('an event that is not JSON exits 2 with a clear message', async () => {
    const result = await cli('test-pattern', '--event-pattern', '{"source":["x"]}', '--event', '{oops');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--event is not valid JSON/);
  });

  test('a missing file and a missing option exit 2', async () => {
    expect((await cli('test-pattern', '--event-pattern', 'file:///no/such/file', '--event', '{}')).err).toMatch(
      /cannot read \/no\/such\/file: ENOENT/,
    );
    expect((await cli('test-pattern', '--event', '{}')).err).toMatch(/--event-pattern is required/);
    expect((await cli('test-pattern', '--bogus')).code).toBe(2);
  });
});

describe('pipewatch render', () => {
  test('text shows the alert', async () => {
    const result = await cli('render', '--event', failedDeploy);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^\[error\] /);
    expect(result.out).toContain('myPipeline');
    expect(result.out).toContain('Deployment <ID> failed');
  });

  test('json is the AlertMessage notify posts: the message of the execution holding that one event', async () => {
    const result = await cli('render', '--event', failedDeploy, '--format', 'json');
    const message = JSON.parse(result.out);
    // Per execution (level pipeline), not the per-event alert (level action) it printed before issue 10.
    expect(message).toMatchObject({ pipeline: 'myPipeline', level: 'pipeline', status: { severity: 'error' } });
    expect(message.actions.map((a: { kind: string }) => a.kind)).toContain('retry');
  });

  test('a malformed event names the path and exits 2', async () => {
    const result = await cli('render', '--event', '{"detail-type":"CodePipeline Stage Execution State Change"}');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /^InvalidPipelineEvent: Invalid CodePipeline event: id: is missing \(expected a string\)/,
    );
  });

  test('an unknown format exits 2', async () => {
    expect((await cli('render', '--event', failedDeploy, '--format', 'xml')).err).toMatch(/--format must be one of/);
  });
});

describe('pipewatch help', () => {
  test('--help lists the commands; each command has its own --help', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.out).toContain('test-pattern');
    expect(top.out).toContain('render');
    const sub = await cli('render', '--help');
    expect(sub.out).toMatch(/^Usage: pipewatch render/);
  });

  test('an unknown command exits 2', async () => {
    const result = await cli('frobnicate');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/unknown command 'frobnicate'/);
  });

  test('the installed bin runs', async () => {
    const bin = path.join(__dirname, '../../../bin/pipewatch.cjs');
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin,
      'test-pattern',
      '--event-pattern',
      failedActions,
      '--event',
      failedDeploy,
    ]);
    expect(stdout).toBe('{"Result":true}\n');
  });
});

describe('pipewatch render --platform', () => {
  test('slack prints the Block Kit message as {text, blocks} JSON', async () => {
    const result = await cli('render', '--event', failedDeploy, '--platform', 'slack');
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    const payload = JSON.parse(result.out);
    expect(Object.keys(payload).sort()).toEqual(['blocks', 'text']);
    expect(payload.text).toContain('myPipeline');
    expect(payload.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(JSON.stringify(payload.blocks)).toContain('"action_id":"pipewatch.retry.failed"');
  });

  test('slack with --format json is the same; with --format text it exits 2', async () => {
    const json = await cli('render', '--event', failedDeploy, '--platform', 'slack', '--format', 'json');
    expect(json.out).toBe((await cli('render', '--event', failedDeploy, '--platform', 'slack')).out);
    const text = await cli('render', '--event', failedDeploy, '--platform', 'slack', '--format', 'text');
    expect(text.code).toBe(2);
    expect(text.err).toMatch(/--platform slack prints JSON/);
  });

  test('neutral is the default: the same text and JSON as without the option', async () => {
    expect((await cli('render', '--event', failedDeploy, '--platform', 'neutral')).out).toBe(
      (await cli('render', '--event', failedDeploy)).out,
    );
    expect((await cli('render', '--event', failedDeploy, '--platform', 'neutral', '--format', 'json')).out).toBe(
      (await cli('render', '--event', failedDeploy, '--format', 'json')).out,
    );
  });

  test('an unknown platform exits 2', async () => {
    const result = await cli('render', '--event', failedDeploy, '--platform', 'teams');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--platform must be one of neutral, slack, not 'teams'/);
  });
});
