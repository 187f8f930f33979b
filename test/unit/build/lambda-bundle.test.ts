import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { parse as parseYaml } from 'yaml';
import { type LocalSlack, slashCommandBody, startLocalSlack } from '../../../src/local/slack';
import { startLocalIdentity } from '../../../src/local/teams/identity';

/**
 * The Lambda bundles as serverless-esbuild builds them: serverless.yml's custom.esbuild options and
 * build/esbuild-plugins.cjs. Checks what is in them (no Bolt and no Teams SDK in notify; none of the
 * receivers' dependencies in slack; none of the Teams SDK's web server or MSAL, nor of what token
 * verification never reaches (jsonwebtoken's sign, semver, limiter, proxy agents), in teams; zod/mini
 * with its English locale only), their compressed size against the issue's budgets, and that the
 * replaced modules still load, are never reached on the Lambda path, and throw if called. The
 * bundles run in a child process: plain node, no jest module registry.
 */

const root = path.join(__dirname, '../../..');
const plugins = require(path.join(root, 'build/esbuild-plugins.cjs'));

/** serverless.yml's custom.esbuild, minus serverless-esbuild's own keys. */
function esbuildOptionsOfServerlessYml(): BuildOptions {
  // CloudFormation tags (!Ref, !GetAtt, !Sub) elsewhere in the file only matter to the framework.
  const yml = parseYaml(readFileSync(path.join(root, 'serverless.yml'), 'utf8'), { logLevel: 'error' });
  const {
    exclude: _exclude,
    plugins: pluginFile,
    metafile: _metafile,
    nativeZip: _nativeZip,
    ...options
  } = yml.custom.esbuild;
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
    bytesInOutput > 0 ? [fromRoot(input)] : [],
  );
  return { code, inputs: Object.keys(result.metafile.inputs).map(fromRoot), bundled, metafile: result.metafile };
}

/**
 * A metafile path as if node_modules were the repository's own: in a git worktree whose
 * node_modules is a link to another checkout's, esbuild names `../main/node_modules/…`.
 */
const fromRoot = (input: string) => input.replace(/^(?:\.\.\/)+[^/]+\/(?=node_modules\/)/, '');
const from = (inputs: string[], fragment: string) => inputs.filter((input) => input.includes(fragment));
/** Of `fragments`, those some input contains, with those inputs: `{}` when none is there. */
const found = (inputs: string[], fragments: string[]) =>
  Object.fromEntries(
    fragments.flatMap((fragment) => (from(inputs, fragment).length > 0 ? [[fragment, from(inputs, fragment)]] : [])),
  );
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

  test('does not contain the Teams SDK: it posts to Teams with a small fetch client', () => {
    expect(found(built.inputs, ['node_modules/@microsoft/teams.apps/', 'node_modules/@microsoft/teams.api/'])).toEqual(
      {},
    );
    // The card builders render the Adaptive Card notify posts (src/teams/render-adaptive-card.ts):
    // a small library of element classes, not the SDK.
    expect(from(built.bundled, 'node_modules/@microsoft/teams.cards/').length).toBeGreaterThan(0);
  });

  test("has zod/mini with zod's English locale only, not classic zod", () => {
    // From the node_modules/ on: a worktree whose node_modules links to another checkout's reads `../main/node_modules/…`.
    const locales = built.bundled.map((input) => input.replace(/^(\.\.\/)+[^/]+\/(?=node_modules\/)/, ''));
    expect(locales.filter((input) => input.startsWith('node_modules/zod/v4/locales/'))).toEqual([
      'node_modules/zod/v4/locales/en.js',
    ]);
    expect(from(built.bundled, 'node_modules/zod/v4/mini/').length).toBeGreaterThan(0);
    expect(from(built.inputs, 'node_modules/zod/v4/classic/')).toEqual([]);
  });

  test('calls DynamoDB, CodePipeline and SSM through the SDK v3 clients; credentials from the environment only', () => {
    for (const client of ['client-dynamodb/', 'client-codepipeline/', 'client-ssm/', 'util-dynamodb/']) {
      expect([client, from(built.bundled, `node_modules/@aws-sdk/${client}`).length > 0]).toEqual([client, true]);
    }
    expect(
      found(built.bundled, [
        'node_modules/@aws-sdk/client-eventbridge/',
        'node_modules/@aws-sdk/lib-dynamodb/',
        'node_modules/@aws-sdk/credential-provider-node/',
        'node_modules/@aws-sdk/nested-clients/',
      ]),
    ).toEqual({});
    expect(built.inputs).toContain(`${plugins.CREDENTIALS_NAMESPACE}:@aws-sdk/credential-provider-node`);
  });

  test('fits the budget: at most 400 KB compressed', () => {
    expect(deflateRawSync(built.code).length).toBeLessThanOrEqual(400 * KB);
  });
});

describe('the redrive bundle', () => {
  let built: Awaited<ReturnType<typeof bundle>>;
  beforeAll(async () => {
    built = await bundle({ file: 'handlers/redrive.ts' });
  });

  test('SQS and Lambda through the SDK v3 clients, nothing of chat, the table or secrets; credentials from the environment only', () => {
    for (const client of ['client-sqs/', 'client-lambda/']) {
      expect([client, from(built.bundled, `node_modules/@aws-sdk/${client}`).length > 0]).toEqual([client, true]);
    }
    // Not even read: no chat code, no notify code.
    expect(
      found(built.inputs, [
        'node_modules/@slack/',
        'node_modules/@microsoft/',
        'node_modules/@aws-sdk/credential-provider-node/',
        'node_modules/@aws-sdk/nested-clients/',
        'node_modules/zod/v4/classic/',
        'src/slack/',
        'src/teams/',
        'src/core/notify/',
      ]),
    ).toEqual({});
    // Read through src/aws/clients.ts, and dropped: nothing of them is in the bundle.
    for (const gone of ['client-dynamodb/', 'client-ssm/', 'client-eventbridge/', 'client-codepipeline/']) {
      expect([gone, from(built.bundled, `node_modules/@aws-sdk/${gone}`)]).toEqual([gone, []]);
    }
    expect(built.inputs).toContain(`${plugins.CREDENTIALS_NAMESPACE}:@aws-sdk/credential-provider-node`);
  });

  test('is small: at most 150 KB compressed', () => {
    expect(deflateRawSync(built.code).length).toBeLessThanOrEqual(150 * KB);
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
    expect(
      found(built.inputs, [
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
      ]),
    ).toEqual({});
    expect(built.inputs.filter((input) => input.startsWith(STUB)).sort()).toEqual([
      `${STUB}@slack/bolt/receivers/ExpressReceiver`,
      `${STUB}@slack/bolt/receivers/HTTPReceiver`,
      `${STUB}@slack/bolt/receivers/SocketModeReceiver`,
      `${STUB}@slack/oauth`,
      `${STUB}@smithy/core/event-streams`,
      `${STUB}raw-body`,
    ]);
    expect(from(built.inputs, 'node_modules/zod/v4/classic/')).toEqual([]);
  });

  test('takes AWS credentials from the environment only: no default chain, no nested clients; the five SDK clients it uses', () => {
    expect(from(built.inputs, 'node_modules/@aws-sdk/nested-clients/')).toEqual([]);
    expect(from(built.inputs, 'node_modules/@aws-sdk/credential-provider-node/')).toEqual([]);
    expect(built.inputs).toContain(`${plugins.CREDENTIALS_NAMESPACE}:@aws-sdk/credential-provider-node`);
    expect(from(built.inputs, 'node_modules/@aws-sdk/credential-provider-env/').length).toBeGreaterThan(0);
    for (const client of [
      'client-eventbridge/',
      'client-dynamodb/',
      'client-codepipeline/',
      'client-ssm/',
      'client-service-quotas/',
    ]) {
      expect([client, from(built.bundled, `node_modules/@aws-sdk/${client}`).length > 0]).toEqual([client, true]);
    }
    expect(from(built.bundled, 'node_modules/@aws-sdk/lib-dynamodb/')).toEqual([]);
  });

  test('fits the budget: at most 800 KB compressed', () => {
    expect(deflateRawSync(built.code).length).toBeLessThanOrEqual(800 * KB);
  });
});

describe('the teams bundle', () => {
  let built: Awaited<ReturnType<typeof bundle>>;
  beforeAll(async () => {
    built = await bundle({ file: 'handlers/teams.ts' });
  });

  test("keeps the Teams SDK's App and replaces its web server (express, cors), MSAL and form-data; no Bolt", () => {
    for (const kept of ['dist/app.js', 'dist/http/http-server.js', 'dist/middleware/auth/jwt-validator.js']) {
      expect([kept, from(built.inputs, `node_modules/@microsoft/teams.apps/${kept}`).length]).toEqual([kept, 1]);
    }
    expect(
      found(built.inputs, [
        'node_modules/@slack/bolt/',
        'src/slack/app/',
        'node_modules/express/',
        'node_modules/cors/',
        'node_modules/@azure/msal-node/',
        'node_modules/@azure/msal-common/',
        'node_modules/body-parser/',
        'node_modules/iconv-lite/',
        'node_modules/form-data/',
        'node_modules/mime-db/',
        // debug's loggers (axios's proxy agents, follow-redirects, jwks-rsa) are silent functions on Lambda.
        'node_modules/debug/',
      ]),
    ).toEqual({});
    expect(built.inputs.filter((input) => input.startsWith(STUB)).sort()).toEqual([
      `${STUB}@azure/msal-node`,
      `${STUB}@smithy/core/event-streams`,
      `${STUB}cors`,
      `${STUB}express`,
      `${STUB}form-data`,
      `${STUB}https-proxy-agent`,
      `${STUB}jsonwebtoken/sign`,
      `${STUB}jwks-rsa/integrations/express`,
      `${STUB}jwks-rsa/integrations/hapi`,
      `${STUB}jwks-rsa/integrations/koa`,
      `${STUB}jwks-rsa/integrations/passport`,
      `${STUB}limiter`,
    ]);
    expect(from(built.inputs, `${plugins.JOSE_NAMESPACE}:semver`)).toHaveLength(1);
    expect(from(built.inputs, 'node_modules/zod/v4/classic/')).toEqual([]);
  });

  test("checks tokens with jsonwebtoken's verify and jwks-rsa alone: no sign, semver, limiter, proxy agent or event streams", () => {
    const kept = ['node_modules/jsonwebtoken/verify.js', 'node_modules/jwks-rsa/src/JwksClient.js'];
    expect(kept.flatMap((file) => from(built.bundled, file))).toEqual(kept);
    expect(
      found(built.inputs, [
        'node_modules/jsonwebtoken/sign.js',
        'node_modules/jsonwebtoken/node_modules/semver/',
        'node_modules/semver/',
        'node_modules/lodash.includes/',
        'node_modules/lodash.isinteger/',
        'node_modules/lodash.isplainobject/',
        'node_modules/lodash.once/',
        'node_modules/limiter/',
        'node_modules/jwks-rsa/src/integrations/',
        'node_modules/https-proxy-agent/',
        'node_modules/agent-base/',
      ]),
    ).toEqual({});
    // The codec a client's configuration imports (CloudWatch Logs') may be there; not the serde the
    // protocols load to send or read an event stream.
    expect(from(built.bundled, '@smithy/core/dist-es/submodules/event-streams/EventStreamSerde.js')).toEqual([]);
  });

  test('has one copy of @microsoft/teams.common and of axios (their CommonJS builds)', () => {
    expect(
      from(built.bundled, 'node_modules/@microsoft/teams.common/').filter((input) => input.endsWith('.mjs')),
    ).toEqual([]);
    expect(from(built.bundled, 'node_modules/axios/dist/node/axios.cjs')).toHaveLength(1);
    expect(from(built.bundled, 'node_modules/axios/lib/')).toEqual([]);
  });

  test('takes AWS credentials from the environment only', () => {
    expect(from(built.inputs, 'node_modules/@aws-sdk/nested-clients/')).toEqual([]);
    expect(from(built.inputs, 'node_modules/@aws-sdk/credential-provider-node/')).toEqual([]);
    expect(built.inputs).toContain(`${plugins.CREDENTIALS_NAMESPACE}:@aws-sdk/credential-provider-node`);
  });

  test("the Service Quotas client with GetServiceQuota alone; each SDK client's package.json as its name and version", () => {
    expect(from(built.bundled, 'node_modules/@aws-sdk/client-service-quotas/dist-es/commands/')).toEqual([
      'node_modules/@aws-sdk/client-service-quotas/dist-es/commands/GetServiceQuotaCommand.js',
    ]);
    const manifests = from(built.bundled, 'package.json').filter((input) => input.includes('/@aws-sdk/client-'));
    expect(manifests.length).toBeGreaterThanOrEqual(6);
    const { version } = require(path.join(root, 'node_modules/@aws-sdk/client-service-quotas/package.json'));
    // What the client's User-Agent reads is there; the rest of the manifest (scripts, typesVersions) is not.
    expect(built.code).toContain(`"@aws-sdk/client-service-quotas",version:"${version}"`);
    expect(built.code).not.toContain('build:cjs');
    expect(built.code).not.toContain('typesVersions');
  });

  test('fits the budget: at most 300 KB compressed', () => {
    expect(deflateRawSync(built.code).length).toBeLessThanOrEqual(300 * KB);
  });
});

describe('bundled, the Teams SDK with its replaced modules', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pipewatch-teams-bundle-'));
    // App as a Lambda handler builds it; what only app.start() (ExpressAdapter) and a client secret
    // (TokenManager's MSAL clients) reach; axios's multipart path (form-data).
    const probe = await bundle({
      contents: [
        "export { App, ExpressAdapter } from '@microsoft/teams.apps';",
        "export { TokenManager } from '@microsoft/teams.apps/dist/token-manager';",
        "export { ConsoleLogger } from '@microsoft/teams.common';",
        "export { PUBLIC, withOverrides } from '@microsoft/teams.api';",
        "export { default as axios } from 'axios';",
        "export { default as jwt } from 'jsonwebtoken';",
        "export { default as jwksRsa } from 'jwks-rsa';",
        "export { default as psSupported } from 'jsonwebtoken/lib/psSupported';",
        "export { default as asymmetricKeyDetailsSupported } from 'jsonwebtoken/lib/asymmetricKeyDetailsSupported';",
        "export { default as rsaPssKeyDetailsSupported } from 'jsonwebtoken/lib/rsaPssKeyDetailsSupported';",
        "export { AwsJson1_1Protocol } from '@aws-sdk/core/protocols';",
      ].join('\n'),
    });
    writeFileSync(path.join(dir, 'probe.js'), probe.code);
    writeFileSync(path.join(dir, 'run.cjs'), TEAMS_PROBE_RUNNER);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("load (MSAL's LogLevel read at import), serve POST /api/messages through an adapter, throw when called", async () => {
    const report = path.join(dir, 'report.json');
    // A local identity with real keys: a signed activity is checked through the bundled jwks-rsa,
    // whose jose is replaced by node:crypto (build/esbuild-plugins.cjs).
    const identity = await startLocalIdentity({ port: 0 });
    const serviceUrl = 'https://smba.trafficmanager.net/teams/';
    try {
      await promisify(execFile)(process.execPath, [path.join(dir, 'run.cjs')], {
        env: {
          PATH: process.env.PATH,
          PROBE_BUNDLE: path.join(dir, 'probe.js'),
          PROBE_REPORT: report,
          PROBE_CLOUD: JSON.stringify(identity.cloud),
          PROBE_APP_ID: identity.clientId,
          PROBE_TENANT_ID: identity.tenantId,
          PROBE_SERVICE_URL: serviceUrl,
          PROBE_TOKEN: identity.signActivityToken({ appId: identity.clientId, serviceUrl }),
          PROBE_FORGED: identity.signActivityToken({ appId: identity.clientId, serviceUrl, foreignKey: true }),
        },
      });
    } finally {
      await identity.stop();
    }
    const { routes, unauthenticated, signed, forged, thrown, versionChecks } = JSON.parse(readFileSync(report, 'utf8'));
    // jsonwebtoken's three questions about this node, answered by the replacement as semver answers them.
    const semver = require(path.join(root, 'node_modules/jsonwebtoken/node_modules/semver'));
    expect(versionChecks).toEqual({
      psSupported: semver.satisfies(process.version, '^6.12.0 || >=8.0.0'),
      asymmetricKeyDetailsSupported: semver.satisfies(process.version, '>=15.7.0'),
      rsaPssKeyDetailsSupported: semver.satisfies(process.version, '>=16.9.0'),
    });
    expect(signed).toEqual({ status: 200 });
    expect(forged.status).toBe(401);
    expect(routes).toEqual(['POST /api/messages']);
    // No Authorization header: refused before any network call (the JWT check needs none to refuse).
    expect(unauthenticated).toEqual({ status: 401, body: { error: 'Missing authorization header' } });
    expect(thrown).toEqual({
      'new ExpressAdapter()': expect.stringMatching(/^express express is not bundled for Lambda/),
      'new App() without an httpServerAdapter': expect.stringMatching(/^express express is not bundled for Lambda/),
      'a bot token from a client secret': expect.stringMatching(
        /^@azure\/msal-node ConfidentialClientApplication is not bundled for Lambda/,
      ),
      'axios.toFormData': expect.stringMatching(/^form-data FormData is not bundled for Lambda/),
      'axios through a proxy': expect.stringMatching(
        /^https-proxy-agent createHttpsProxyAgent is not bundled for Lambda/,
      ),
      'jwt.sign': expect.stringMatching(/^jsonwebtoken sign is not bundled for Lambda/),
      'a JWKS client with rateLimit': expect.stringMatching(/^limiter RateLimiter is not bundled for Lambda/),
      'jwksRsa.expressJwtSecret': expect.stringMatching(/^jwks-rsa expressJwtSecret is not bundled for Lambda/),
      'an event stream': expect.stringMatching(
        /^@smithy\/core\/event-streams eventStreamSerdeProvider is not bundled for Lambda/,
      ),
    });
  });
});

describe("jsonwebtoken's semver (build/esbuild-plugins.cjs SEMVER_SATISFIES_SOURCE)", () => {
  const replacement: { satisfies: (version: string, range: string) => boolean } = (() => {
    const module = { exports: {} };
    new Function('module', 'exports', plugins.SEMVER_SATISFIES_SOURCE)(module, module.exports);
    return module.exports as { satisfies: (version: string, range: string) => boolean };
  })();
  const semver = require(path.join(root, 'node_modules/jsonwebtoken/node_modules/semver'));

  test.each(['>=15.7.0', '^6.12.0 || >=8.0.0', '>=16.9.0'])('answers %s as semver does', (range) => {
    const versions = [
      process.version,
      'v22.11.0',
      'v15.7.0',
      'v15.6.9',
      'v16.9.0',
      'v16.8.99',
      'v6.12.0',
      'v6.11.5',
      'v6.99.0',
      'v7.0.0',
      'v8.0.0',
      'v0.12.0',
      '22.1.0',
      ' v20.1.2 ',
      'v22.0.0+build.1',
      'v22.0.0-nightly20240101',
      'v01.2.3',
      '=20.1.2',
      'garbage',
      '',
    ];
    expect(versions.map((version) => [version, replacement.satisfies(version, range)])).toEqual(
      versions.map((version) => [version, semver.satisfies(version, range)]),
    );
  });

  test.each(['~1.2.3', '^0.1.0', '1.x', '>1.0.0', '>=1.0.0 <2.0.0'])(
    'throws for a range it does not know: %s',
    (range) => {
      expect(() => replacement.satisfies('v22.0.0', range)).toThrow(
        `semver.satisfies with the range ${JSON.stringify(range)} is not bundled for Lambda`,
      );
    },
  );
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

/**
 * Runs in a plain node process: requires the Teams probe bundle, initializes an App on an adapter,
 * posts an unauthenticated activity to its route, reaches each replaced module. Writes its report to
 * PROBE_REPORT (the SDK may log on stdout).
 */
const TEAMS_PROBE_RUNNER = `'use strict';
const { writeFileSync } = require('node:fs');
const probe = require(process.env.PROBE_BUNDLE);
(async () => {
  const logger = new probe.ConsoleLogger('probe', { level: 'error' });
  const routes = [];
  let route;
  const app = new probe.App({
    clientId: '00000000-0000-4000-8000-000000000001',
    tenantId: '00000000-0000-4000-8000-000000000002',
    token: async () => { throw new Error('no token in this probe'); },
    httpServerAdapter: { registerRoute(method, path, handler) { routes.push(method + ' ' + path); route = handler; } },
    logger,
  });
  await app.initialize();
  const response = await route({ body: { type: 'message', id: '1', serviceUrl: 'https://smba.trafficmanager.net/teams/' }, headers: {} });
  const thrown = {};
  const attempt = async (name, call) => { try { await call(); thrown[name] = 'did not throw'; } catch (error) { thrown[name] = error.message; } };
  // A signed installationUpdate against the local identity's JWKS: accepted; signed by another key: refused.
  let signedRoute;
  const signedApp = new probe.App({
    clientId: process.env.PROBE_APP_ID,
    tenantId: process.env.PROBE_TENANT_ID,
    token: async () => 'unused',
    cloud: probe.withOverrides(probe.PUBLIC, JSON.parse(process.env.PROBE_CLOUD)),
    httpServerAdapter: { registerRoute(method, path, handler) { signedRoute = handler; } },
    logger,
  });
  await signedApp.initialize();
  const activity = { type: 'installationUpdate', action: 'add', id: '2', channelId: 'msteams', serviceUrl: process.env.PROBE_SERVICE_URL,
    from: { id: '29:x' }, recipient: { id: '28:' + process.env.PROBE_APP_ID }, conversation: { id: '19:c@thread.tacv2', tenantId: process.env.PROBE_TENANT_ID } };
  const signedResponse = await signedRoute({ body: activity, headers: { authorization: 'Bearer ' + process.env.PROBE_TOKEN } });
  const forgedResponse = await signedRoute({ body: activity, headers: { authorization: 'Bearer ' + process.env.PROBE_FORGED } });
  await attempt('new ExpressAdapter()', () => new probe.ExpressAdapter());
  await attempt('new App() without an httpServerAdapter', () => new probe.App({ logger }));
  await attempt('a bot token from a client secret', () =>
    new probe.TokenManager({ clientId: 'c', clientSecret: 's', tenantId: 't' }, logger).getBotToken());
  await attempt('axios.toFormData', () => probe.axios.toFormData({ a: '1' }));
  await attempt('axios through a proxy', () => probe.axios.get('https://127.0.0.1:9/', { proxy: { protocol: 'http', host: '127.0.0.1', port: 9 } }));
  await attempt('jwt.sign', () => probe.jwt.sign({ sub: 'x' }, 'secret'));
  await attempt('a JWKS client with rateLimit', () => probe.jwksRsa({ jwksUri: 'https://127.0.0.1:9/keys', rateLimit: true }));
  await attempt('jwksRsa.expressJwtSecret', () => probe.jwksRsa.expressJwtSecret({ jwksUri: 'https://127.0.0.1:9/keys' }));
  // What a client's protocol does to send or read an operation's event stream (a client without a
  // marshaller of its own in its configuration).
  await attempt('an event stream', () => {
    const protocol = new probe.AwsJson1_1Protocol({ defaultNamespace: 'probe', serviceTarget: 'Probe', awsQueryCompatible: false });
    protocol.setSerdeContext({});
    return protocol.loadEventStreamCapability();
  });
  const versionChecks = { psSupported: probe.psSupported, asymmetricKeyDetailsSupported: probe.asymmetricKeyDetailsSupported,
    rsaPssKeyDetailsSupported: probe.rsaPssKeyDetailsSupported };
  writeFileSync(process.env.PROBE_REPORT, JSON.stringify({ routes, unauthenticated: { status: response.status, body: response.body },
    signed: { status: signedResponse.status }, forged: { status: forgedResponse.status }, thrown, versionChecks }));
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
`;

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
