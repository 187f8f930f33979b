import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { parse as parseYaml } from 'yaml';
import { type LocalSlack, slashCommandBody, startLocalSlack } from '../../../src/local/slack';

/**
 * The Lambda bundles as serverless-esbuild builds them: serverless.yml's custom.esbuild options and
 * build/esbuild-plugins.cjs. Checks what is in them (no Bolt in notify; none of the receivers'
 * dependencies in slack; zod/mini with its English locale only), their compressed size against the issue's
 * budgets, and that the replaced modules still load, are never reached on the Lambda path, and
 * throw if called. The bundles run in a child process: plain node, no jest module registry.
 */

const root = path.join(__dirname, '../../..');
const plugins = require(path.join(root, 'build/esbuild-plugins.cjs'));

/** serverless.yml's custom.esbuild, minus serverless-esbuild's own keys. */
function esbuildOptionsOfServerlessYml(): BuildOptions {
  // CloudFormation tags (!Ref, !GetAtt, !Sub) elsewhere in the file only matter to the framework.
  const yml = parseYaml(readFileSync(path.join(root, 'serverless.yml'), 'utf8'), { logLevel: 'error' });
  const { exclude: _exclude, plugins: pluginFile, metafile: _metafile, ...options } = yml.custom.esbuild;
  expect(pluginFile).toBe('./build/esbuild-plugins.cjs');
  return options as BuildOptions;
}

async function bundle(
  entry: { file: string } | { contents: string },
): Promise<{ code: string; inputs: string[]; bundled: string[]; metafile: Metafile }> {
  const result = await build({
    ...esbuildOptionsOfServerlessYml(),
    ...('file' in entry
      ? { entryPoints: [path.join(root, entry.file)] }
      : { stdin: { contents: entry.contents, resolveDir: root, sourcefile: 'probe.ts', loader: 'ts' } }),
    plugins,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles?.[0]?.text ?? '';
  // `inputs`: every file esbuild read; `bundled`: those that left code in the output (tree shaking
  // reads zod/mini's locales index, hence every locale, and keeps none but English).
  const output = Object.values(result.metafile.outputs)[0];
  const bundled = Object.entries(output?.inputs ?? {}).flatMap(([input, { bytesInOutput }]) =>
    bytesInOutput > 0 ? [input] : [],
  );
  return { code, inputs: Object.keys(result.metafile.inputs), bundled, metafile: result.metafile };
}

const from = (inputs: string[], fragment: string) => inputs.filter((input) => input.includes(fragment));
const STUB = `${plugins.STUB_NAMESPACE}:`;
/** Decimal, as the issue writes its budgets. */
const KB = 1000;

describe('the notify bundle', () => {
  let built: Awaited<ReturnType<typeof bundle>>;
  beforeAll(async () => {
    built = await bundle({ file: 'handlers/notify.ts' });
  });

  test('does not contain Bolt, the Slack app, or any replaced module', () => {
    expect(from(built.inputs, 'node_modules/@slack/bolt/')).toEqual([]);
    expect(from(built.inputs, 'src/slack/app/')).toEqual([]);
    expect(from(built.inputs, 'node_modules/@slack/web-api/').length).toBeGreaterThan(0);
  });

  test("has zod/mini with zod's English locale only, not classic zod", () => {
    expect(built.bundled.filter((input) => input.startsWith('node_modules/zod/v4/locales/'))).toEqual([
      'node_modules/zod/v4/locales/en.js',
    ]);
    expect(from(built.bundled, 'node_modules/zod/v4/mini/').length).toBeGreaterThan(0);
    expect(from(built.inputs, 'node_modules/zod/v4/classic/')).toEqual([]);
  });

  test('calls DynamoDB, CodePipeline and SSM through the SDK v3 clients; credentials from the environment only', () => {
    for (const client of ['client-dynamodb/', 'client-codepipeline/', 'client-ssm/', 'util-dynamodb/']) {
      expect([client, from(built.bundled, `node_modules/@aws-sdk/${client}`).length > 0]).toEqual([client, true]);
    }
    for (const gone of [
      'node_modules/@aws-sdk/client-eventbridge/',
      'node_modules/@aws-sdk/lib-dynamodb/',
      'node_modules/@aws-sdk/credential-provider-node/',
      'node_modules/@aws-sdk/nested-clients/',
    ]) {
      expect([gone, from(built.bundled, gone)]).toEqual([gone, []]);
    }
    expect(built.inputs).toContain(`${plugins.CREDENTIALS_NAMESPACE}:@aws-sdk/credential-provider-node`);
  });

  test('fits the budget: at most 400 KB compressed', () => {
    expect(deflateRawSync(built.code).length).toBeLessThanOrEqual(400 * KB);
  });
});

describe('the slack bundle', () => {
  let built: Awaited<ReturnType<typeof bundle>>;
  beforeAll(async () => {
    built = await bundle({ file: 'handlers/slack.ts' });
  });

  test('keeps Bolt with AwsLambdaReceiver and replaces the other receivers and what only they use', () => {
    expect(from(built.inputs, 'node_modules/@slack/bolt/dist/receivers/AwsLambdaReceiver.js')).toHaveLength(1);
    expect(from(built.inputs, 'node_modules/@slack/bolt/dist/App.js')).toHaveLength(1);
    for (const gone of [
      'node_modules/undici/',
      'node_modules/iconv-lite/',
      'node_modules/raw-body/',
      'node_modules/express/',
      'node_modules/body-parser/',
      'node_modules/mime-db/',
      'node_modules/jsonwebtoken/',
      'node_modules/@slack/oauth/',
      'node_modules/@slack/socket-mode/',
      'receivers/HTTPReceiver.js',
      'receivers/SocketModeReceiver.js',
      'receivers/ExpressReceiver.js',
    ]) {
      expect([gone, from(built.inputs, gone)]).toEqual([gone, []]);
    }
    expect(built.inputs.filter((input) => input.startsWith(STUB)).sort()).toEqual([
      `${STUB}@slack/bolt/receivers/ExpressReceiver`,
      `${STUB}@slack/bolt/receivers/HTTPReceiver`,
      `${STUB}@slack/bolt/receivers/SocketModeReceiver`,
      `${STUB}@slack/oauth`,
      `${STUB}raw-body`,
    ]);
    expect(from(built.inputs, 'node_modules/zod/v4/classic/')).toEqual([]);
  });

  test('takes AWS credentials from the environment only: no default chain, no nested clients; the four SDK clients it uses', () => {
    expect(from(built.inputs, 'node_modules/@aws-sdk/nested-clients/')).toEqual([]);
    expect(from(built.inputs, 'node_modules/@aws-sdk/credential-provider-node/')).toEqual([]);
    expect(built.inputs).toContain(`${plugins.CREDENTIALS_NAMESPACE}:@aws-sdk/credential-provider-node`);
    expect(from(built.inputs, 'node_modules/@aws-sdk/credential-provider-env/').length).toBeGreaterThan(0);
    for (const client of ['client-eventbridge/', 'client-dynamodb/', 'client-codepipeline/', 'client-ssm/']) {
      expect([client, from(built.bundled, `node_modules/@aws-sdk/${client}`).length > 0]).toEqual([client, true]);
    }
    expect(from(built.bundled, 'node_modules/@aws-sdk/lib-dynamodb/')).toEqual([]);
  });

  test('fits the budget: at most 800 KB compressed', () => {
    expect(deflateRawSync(built.code).length).toBeLessThanOrEqual(800 * KB);
  });
});

describe('bundled, the replaced modules', () => {
  let dir: string;
  let slack: LocalSlack;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pipewatch-lambda-bundle-'));
    slack = await startLocalSlack({ port: 0 });
    // The Slack handler (as handlers/slack.ts builds it, minus SSM), Bolt's other exports, the
    // product's zod (zod/mini with the English locale).
    const probe = await bundle({
      contents: [
        "export { createSlackLambdaHandler } from './src/slack/app/lambda-handler';",
        "export { ExpressReceiver, HTTPModuleFunctions, HTTPReceiver, MemoryInstallationStore, SocketModeReceiver } from '@slack/bolt';",
        "export * as z from './src/core/zod';",
      ].join('\n'),
    });
    writeFileSync(path.join(dir, 'probe.js'), probe.code);
    writeFileSync(path.join(dir, 'run.cjs'), PROBE_RUNNER);
  });
  afterAll(async () => {
    await slack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('load, stay unreached on the Lambda path, throw when called; zod messages as classic zod words them', async () => {
    const [channel] = slack.workspace.channels();
    const user = slack.workspace.users()[0];
    if (channel === undefined || user === undefined) throw new Error('the local Slack has no channel or user');
    const body = slashCommandBody({
      text: 'help',
      teamId: slack.teamId,
      channelId: channel.id,
      userId: user.id,
      responseUrl: slack.workspace.createResponseUrl(channel.id, user.id),
      triggerId: slack.workspace.createTriggerId(user.id),
    });
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(dir, 'run.cjs')], {
      env: {
        PATH: process.env.PATH,
        PROBE_BUNDLE: path.join(dir, 'probe.js'),
        PROBE_BODY: body,
        PROBE_SECRET: slack.signingSecret,
        PROBE_TOKEN: slack.botToken,
        PROBE_BOT_ID: slack.workspace.botId,
        PROBE_BOT_USER_ID: slack.workspace.botUserId,
        PROBE_API_URL: slack.apiUrl,
      },
    });
    const report = JSON.parse(stdout);
    expect(report.help).toEqual({ statusCode: 200, errors: [] });
    expect(slack.workspace.ephemerals(channel.id, user.id).map((e) => e.text)).toEqual([
      expect.stringContaining('/pipewatch subscribe'),
    ]);
    const notBundled = /is not bundled for Lambda \(pipewatch build\/esbuild-plugins\.cjs\)/;
    expect(Object.keys(report.thrown).sort()).toEqual([
      'ExpressReceiver',
      'HTTPModuleFunctions.bufferIncomingMessage',
      'HTTPReceiver',
      'MemoryInstallationStore',
      'SocketModeReceiver',
    ]);
    for (const message of Object.values(report.thrown)) expect(message).toMatch(notBundled);
    // The same messages as classic zod unbundled (English, registered by default).
    const { z } = await import('zod');
    expect(report.zod).toEqual({
      tooSmall: z.string().min(3).safeParse('a').error?.issues[0]?.message,
      invalidType: z.object({ a: z.number() }).safeParse({ a: 'x' }).error?.issues[0]?.message,
      invalidUrl: z.url().safeParse('nope').error?.issues[0]?.message,
    });
  });
});

/** Runs in a plain node process: requires the probe bundle, answers `/pipewatch help`, calls each replaced module. */
const PROBE_RUNNER = `'use strict';
const { createHmac } = require('node:crypto');
const probe = require(process.env.PROBE_BUNDLE);
const unused = (what) => new Proxy({}, { get: (_, name) => () => { throw new Error(what + '.' + String(name) + ' used by help'); } });
(async () => {
  const errors = [];
  const log = { info() {}, warn: (m, f) => errors.push(m), error: (m, f) => errors.push(m + ' ' + JSON.stringify(f)) };
  const handler = probe.createSlackLambdaHandler({
    signingSecret: process.env.PROBE_SECRET,
    bot: { botToken: process.env.PROBE_TOKEN, botId: process.env.PROBE_BOT_ID, botUserId: process.env.PROBE_BOT_USER_ID },
    slackApiUrl: process.env.PROBE_API_URL,
    deps: { rules: unused('rules'), pipelines: unused('pipelines'), clicks: unused('clicks'), policy: { rules: [] }, log },
  });
  const body = process.env.PROBE_BODY;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = 'v0=' + createHmac('sha256', process.env.PROBE_SECRET).update('v0:' + timestamp + ':' + body).digest('hex');
  const result = await handler({
    version: '2.0', routeKey: 'POST /slack/events', rawPath: '/slack/events', rawQueryString: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature },
    requestContext: { http: { method: 'POST', path: '/slack/events' } }, body, isBase64Encoded: false,
  });
  const thrown = {};
  const attempt = (name, call) => { try { call(); thrown[name] = 'did not throw'; } catch (error) { thrown[name] = error.message; } };
  for (const name of ['HTTPReceiver', 'SocketModeReceiver', 'ExpressReceiver', 'MemoryInstallationStore']) attempt(name, () => new probe[name]({}));
  // raw-body, reached through the HTTP receivers' body reader.
  try { await probe.HTTPModuleFunctions.bufferIncomingMessage({ headers: {} }); thrown['HTTPModuleFunctions.bufferIncomingMessage'] = 'did not throw'; }
  catch (error) { thrown['HTTPModuleFunctions.bufferIncomingMessage'] = error.message; }
  const { z } = probe;
  const zod = {
    tooSmall: z.string().check(z.minLength(3)).safeParse('a').error.issues[0].message,
    invalidType: z.object({ a: z.number() }).safeParse({ a: 'x' }).error.issues[0].message,
    invalidUrl: z.url().safeParse('nope').error.issues[0].message,
  };
  process.stdout.write(JSON.stringify({ help: { statusCode: result.statusCode, errors }, thrown, zod }));
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
`;
