// esbuild plugins for the Lambda bundles (serverless.yml: custom.esbuild.plugins). They only replace
// code that the deployed functions provably never run; a replaced entry point THROWS when it is
// called, naming what was left out, so a future use fails loudly instead of behaving differently.
// test/unit/build/lambda-bundle.test.ts builds the handlers with these plugins and checks the
// bundles' inputs, and loads and invokes the bundled Slack handler and the Teams SDK's App.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const STUB_NAMESPACE = 'pipewatch-lambda-stub';
const CREDENTIALS_NAMESPACE = 'pipewatch-lambda-credentials';
const JOSE_NAMESPACE = 'pipewatch-jose-node-crypto';
const STUB_NOTE = 'is not bundled for Lambda (pipewatch build/esbuild-plugins.cjs)';

/** `node_modules/<name>/` in a path, whichever the separator. */
function inPackage(file, name) {
  return file.split(path.sep).join('/').includes(`/node_modules/${name}/`);
}

/**
 * CommonJS source of a module whose named exports are functions that throw when called (or
 * constructed): `what` names the module in the error. `defaultExport` adds `exports.default`,
 * for an ES-module-shaped CommonJS file (`__esModule`); `callable` makes module.exports itself one.
 */
function throwingModule(what, names, { defaultExport, callable, values } = {}) {
  const lines = [
    "'use strict';",
    `function notBundled(name) { const f = function () { throw new Error(${JSON.stringify(`${what} `)} + name + ${JSON.stringify(` ${STUB_NOTE}`)}); }; Object.defineProperty(f, 'name', { value: name }); return f; }`,
  ];
  if (callable) lines.push(`module.exports = notBundled(${JSON.stringify(callable)});`);
  if (defaultExport) {
    lines.push("Object.defineProperty(exports, '__esModule', { value: true });");
    lines.push(`exports.default = notBundled(${JSON.stringify(defaultExport)});`);
  }
  for (const name of names)
    lines.push(`module.exports[${JSON.stringify(name)}] = notBundled(${JSON.stringify(name)});`);
  // Plain data the importer reads at load (an enum), frozen: reading it is all a caller may do.
  for (const [name, value] of Object.entries(values ?? {}))
    lines.push(`module.exports[${JSON.stringify(name)}] = Object.freeze(${JSON.stringify(value)});`);
  return lines.join('\n');
}

/**
 * @slack/bolt on Lambda: pipewatch gives App an AwsLambdaReceiver, so App never constructs its
 * default receivers (App.initReceiver returns a supplied receiver; socketMode is never set). Bolt's
 * index and App still `require` the other receivers at load, and they drag in Socket Mode (undici,
 * ws), Express (body-parser, qs, mime-db), raw-body (iconv-lite) and @slack/oauth (jsonwebtoken).
 * Those receivers become modules that load fine and throw when constructed; @slack/oauth, which
 * only Bolt's index re-exports (FileInstallationStore, MemoryInstallationStore getters), likewise;
 * raw-body, which only the HTTP receivers' body reader calls, throws when called.
 */
const BOLT_RECEIVERS = {
  HTTPReceiver: [],
  SocketModeReceiver: [],
  ExpressReceiver: [
    'respondToSslCheck',
    'respondToUrlVerification',
    'verifySignatureAndParseRawBody',
    'verifySignatureAndParseBody',
    'buildBodyParserMiddleware',
  ],
};

/** @slack/oauth 4's exports (what Bolt's index could hand out). */
const SLACK_OAUTH_EXPORTS = [
  'InstallProvider',
  'defaultCallbackFailure',
  'defaultCallbackSuccess',
  'defaultRenderHtmlForInstallPath',
  'FileInstallationStore',
  'MemoryInstallationStore',
  'ClearStateStore',
  'FileStateStore',
];

function boltLambdaReceiverOnly() {
  return {
    name: 'pipewatch-bolt-lambda-receiver-only',
    setup(build) {
      build.onResolve({ filter: /^\.\/receivers\/(HTTPReceiver|SocketModeReceiver|ExpressReceiver)$/ }, (args) => {
        if (!inPackage(args.importer, '@slack/bolt')) return undefined;
        return { path: `@slack/bolt/${args.path.slice(2)}`, namespace: STUB_NAMESPACE };
      });
      build.onResolve({ filter: /^@slack\/oauth$/ }, (args) => {
        if (!inPackage(args.importer, '@slack/bolt')) return undefined;
        return { path: '@slack/oauth', namespace: STUB_NAMESPACE };
      });
      build.onResolve({ filter: /^raw-body$/ }, (args) => {
        if (!inPackage(args.importer, '@slack/bolt')) return undefined;
        return { path: 'raw-body', namespace: STUB_NAMESPACE };
      });
    },
  };
}

/**
 * The Teams SDK (@microsoft/teams.apps) on Lambda: pipewatch gives App an `httpServerAdapter` and
 * calls `app.initialize()`, never `app.start()`, and gets its bot token from the SDK's `token`
 * option (its own client-credentials call), never from a client secret handed to the SDK.
 * - express and cors: only App's default ExpressAdapter (made when no httpServerAdapter is given)
 *   and the deprecated HttpPlugin call them, i.e. `app.start()`'s web server. They drag in
 *   body-parser, iconv-lite, send, mime-db, qs's express side, router. Both become functions that
 *   throw when called (express's `json` and `static` likewise).
 * - @azure/msal-node: only TokenManager uses it, to get tokens from a client secret, a managed
 *   identity or federated credentials; with the `token` option it is never constructed. TokenManager
 *   reads `LogLevel` at load (a level map), so the stub keeps msal's LogLevel enum as plain data and
 *   its classes throw when constructed. Give App `clientSecret` and it would reach them: it must not.
 * - form-data (imported by axios, the SDK's HTTP client): axios constructs it only to send a plain
 *   object as multipart/form-data; pipewatch's Bot Framework calls send JSON. It carries its own
 *   copy of mime-db (137 KB). It becomes a constructor that throws.
 * Each is replaced only where the Teams SDK (or axios, for form-data) imports it.
 *
 * Not a stub: one copy of @microsoft/teams.common and of axios. @microsoft/teams.apps is CommonJS
 * only and `require`s them; @microsoft/teams.api's ES module build (mainFields: module) `import`s
 * @microsoft/teams.common, whose `exports` map then gives its ES build, which imports axios's ES
 * build: two of each (axios twice is ~90 KB minified), with two sets of axios defaults. The Teams
 * packages' imports of these two (and pipewatch's of @microsoft/teams.common) are resolved as
 * `require` would resolve them: the CommonJS builds.
 */
const MSAL_NODE_CLASSES = [
  'ConfidentialClientApplication',
  'ManagedIdentityApplication',
  'PublicClientApplication',
  'ClientAssertion',
  'CryptoProvider',
  'DistributedCachePlugin',
  'Logger',
  'TokenCache',
];
/** msal-node 5's `LogLevel` enum as TypeScript compiles it (both directions). */
const MSAL_LOG_LEVEL = {
  Error: 0,
  Warning: 1,
  Info: 2,
  Verbose: 3,
  Trace: 4,
  0: 'Error',
  1: 'Warning',
  2: 'Info',
  3: 'Verbose',
  4: 'Trace',
};

const TEAMS_PACKAGES = [
  '@microsoft/teams.apps',
  '@microsoft/teams.api',
  '@microsoft/teams.common',
  '@microsoft/teams.cards',
  '@microsoft/teams.graph',
];

function teamsSdkLambdaOnly() {
  return {
    name: 'pipewatch-teams-sdk-lambda-only',
    setup(build) {
      build.onResolve({ filter: /^(express|cors|@azure\/msal-node)$/ }, (args) => {
        if (!inPackage(args.importer, '@microsoft/teams.apps')) return undefined;
        return { path: args.path, namespace: STUB_NAMESPACE };
      });
      build.onResolve({ filter: /^form-data$/ }, (args) => {
        if (!inPackage(args.importer, 'axios')) return undefined;
        return { path: 'form-data', namespace: STUB_NAMESPACE };
      });
      // side-channel (qs's, for the Teams SDK's query strings) formats a missing key in an error
      // message with object-inspect (18 KB minified); String() says the same for a message.
      build.onResolve({ filter: /^object-inspect$/ }, (args) => {
        if (!/node_modules[\\/]side-channel/.test(args.importer)) return undefined;
        return { path: 'object-inspect', namespace: JOSE_NAMESPACE };
      });
      // jwks-rsa turns a published JWK into a public key with jose (94 KB minified); node:crypto
      // imports JWKs itself. Only the two functions jwks-rsa's key retrieval calls are provided.
      build.onResolve({ filter: /^jose$/ }, (args) => {
        if (!inPackage(args.importer, 'jwks-rsa')) return undefined;
        return { path: 'jose', namespace: JOSE_NAMESPACE };
      });
      // debug (axios's proxy agents, follow-redirects, jwks-rsa): their diagnostics, printed only when
      // DEBUG names them; on Lambda they never are, so each logger is a function that does nothing.
      build.onResolve({ filter: /^debug$/ }, (args) => {
        if (!/node_modules[\\/](axios|follow-redirects|jwks-rsa)[\\/]/.test(args.importer)) return undefined;
        return { path: 'debug', namespace: JOSE_NAMESPACE };
      });
      build.onLoad({ filter: /^debug$/, namespace: JOSE_NAMESPACE }, () => ({
        contents:
          "'use strict';\nfunction silent() {}\nsilent.enabled = false;\nsilent.extend = () => silent;\nmodule.exports = function debug() { return silent; };\nmodule.exports.enabled = () => false;",
        loader: 'js',
      }));
      build.onLoad({ filter: /^object-inspect$/, namespace: JOSE_NAMESPACE }, () => ({
        contents:
          "'use strict';\nmodule.exports = function inspect(value) { return typeof value === 'string' ? JSON.stringify(value) : String(value); };",
        loader: 'js',
      }));
      build.onLoad({ filter: /^jose$/, namespace: JOSE_NAMESPACE }, () => ({
        contents: [
          "'use strict';",
          "const { createPublicKey } = require('node:crypto');",
          '// A KeyObject (not a CryptoKey): jwks-rsa then exports it as an SPKI PEM itself.',
          "exports.importJWK = async (jwk) => createPublicKey({ key: jwk, format: 'jwk' });",
          "exports.exportSPKI = async (key) => key.export({ format: 'pem', type: 'spki' });",
          `for (const name of ['decodeJwt', 'decodeProtectedHeader']) exports[name] = () => { throw new Error('jose.' + name + ' ${STUB_NOTE}'); };`,
        ].join('\n'),
        loader: 'js',
      }));
      // axios tunnels HTTPS through a proxy with https-proxy-agent (and agent-base), only when a
      // proxy is configured or HTTPS_PROXY/https_proxy is set; neither pipewatch's Teams client nor
      // the Lambda environment (serverless.yml sets no such variable) configures one. It becomes a
      // constructor that throws (axios's `instanceof` checks against it stay false).
      build.onResolve({ filter: /^https-proxy-agent$/ }, (args) => {
        if (!inPackage(args.importer, 'axios')) return undefined;
        return { path: 'https-proxy-agent', namespace: STUB_NAMESPACE };
      });
      build.onResolve({ filter: /^(@microsoft\/teams\.common(\/.*)?|axios)$/ }, async (args) => {
        if (args.kind === 'require-call') return undefined;
        // pipewatch's own imports of @microsoft/teams.common too; axios only where the SDK imports it.
        if (args.path === 'axios' && !TEAMS_PACKAGES.some((name) => inPackage(args.importer, name))) return undefined;
        const required = await build.resolve(args.path, {
          kind: 'require-call',
          importer: args.importer,
          resolveDir: args.resolveDir,
        });
        if (required.errors.length > 0) return { errors: required.errors };
        return { path: required.path, namespace: required.namespace, sideEffects: required.sideEffects };
      });
    },
  };
}

/**
 * semver as jsonwebtoken asks it (its lib/asymmetricKeyDetailsSupported, psSupported and
 * rsaPssKeyDetailsSupported: `satisfies(process.version, '>=15.7.0' | '^6.12.0 || >=8.0.0' |
 * '>=16.9.0')`, once at load): `>=X.Y.Z` and `^X.Y.Z` (X > 0) joined by `||`, compared as semver
 * compares them (build metadata ignored), a prerelease or malformed version satisfying none. Any other range throws, naming
 * it, rather than being answered differently from semver. Instead of semver 7's 29 KB (minified).
 */
const SEMVER_SATISFIES_SOURCE = [
  "'use strict';",
  'function parse(version) {',
  '  const match = /^\\s*v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:\\+[0-9A-Za-z.-]+)?\\s*$/.exec(String(version));',
  '  return match === null ? null : [Number(match[1]), Number(match[2]), Number(match[3])];',
  '}',
  'function compare(a, b) {',
  '  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];',
  '  return 0;',
  '}',
  'exports.satisfies = function satisfies(version, range) {',
  "  const comparators = String(range).split('||').map((part) => {",
  '    const match = /^\\s*(>=|\\^)\\s*(\\d+\\.\\d+\\.\\d+)\\s*$/.exec(part);',
  '    const floor = match === null ? null : parse(match[2]);',
  "    if (floor === null || (match[1] === '^' && floor[0] === 0))",
  `      throw new Error('semver.satisfies with the range ' + JSON.stringify(range) + ${JSON.stringify(` ${STUB_NOTE}`)});`,
  "    return { caret: match[1] === '^', floor };",
  '  });',
  '  const parsed = parse(version);',
  '  if (parsed === null) return false;',
  '  return comparators.some(({ caret, floor }) => compare(parsed, floor) >= 0 && (!caret || parsed[0] === floor[0]));',
  '};',
].join('\n');

/** jwks-rsa's framework integrations (its index re-exports them; the Teams SDK calls none). */
const JWKS_RSA_INTEGRATIONS = {
  hapi: ['hapiJwt2Key', 'hapiJwt2KeyAsync'],
  express: ['expressJwtSecret'],
  koa: ['koaJwtSecret'],
  passport: ['passportJwtSecret'],
};

/**
 * The Teams SDK checks a Bot Framework token (middleware/auth/jwt-validator.js) with
 * jsonwebtoken's `verify` and a `jwks-rsa` client given only `jwksUri`. What that never reaches:
 * - jsonwebtoken's `sign` (and the lodash.* helpers only it requires): pipewatch signs no JWT
 *   (its bot token comes from a client-credentials call with a secret). A function that throws.
 * - semver, which jsonwebtoken asks three fixed questions about process.version: SEMVER_SATISFIES_SOURCE.
 * - limiter, for jwks-rsa's `rateLimit: true`, which the SDK does not set: RateLimiter throws when
 *   constructed, i.e. when a client is made with `rateLimit: true`.
 * - jwks-rsa's express/hapi/koa/passport integrations: functions that throw.
 */
function jwtVerificationOnly() {
  return {
    name: 'pipewatch-jwt-verification-only',
    setup(build) {
      build.onResolve({ filter: /^\.\/sign$/ }, (args) => {
        if (!/node_modules[\\/]jsonwebtoken[\\/]index\.js$/.test(args.importer)) return undefined;
        return { path: 'jsonwebtoken/sign', namespace: STUB_NAMESPACE };
      });
      build.onResolve({ filter: /^semver$/ }, (args) => {
        if (!inPackage(args.importer, 'jsonwebtoken')) return undefined;
        return { path: 'semver', namespace: JOSE_NAMESPACE };
      });
      build.onLoad({ filter: /^semver$/, namespace: JOSE_NAMESPACE }, () => ({
        contents: SEMVER_SATISFIES_SOURCE,
        loader: 'js',
      }));
      build.onResolve({ filter: /^limiter$/ }, (args) => {
        if (!inPackage(args.importer, 'jwks-rsa')) return undefined;
        return { path: 'limiter', namespace: STUB_NAMESPACE };
      });
      build.onResolve({ filter: /^\.\/integrations\/(hapi|express|koa|passport)$/ }, (args) => {
        if (!inPackage(args.importer, 'jwks-rsa')) return undefined;
        return { path: `jwks-rsa/${args.path.slice(2)}`, namespace: STUB_NAMESPACE };
      });
    },
  };
}

/**
 * AWS SDK event streams: the protocols load @smithy/core/event-streams (`import()`, which esbuild
 * bundles) only to send or read an operation's event stream (HttpProtocol.loadEventStreamCapability).
 * pipewatch calls no such operation (CloudWatch Logs' StartLiveTail, Lambda's
 * InvokeWithResponseStream…). That import becomes a module whose EventStreamSerde throws when
 * constructed. Clients whose configuration imports the module itself (CloudWatch Logs, Lambda)
 * still bundle it for that configuration; their event-stream operations would throw all the same.
 */
function awsSdkNoEventStreams() {
  return {
    name: 'pipewatch-aws-sdk-no-event-streams',
    setup(build) {
      build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) => {
        if (args.kind !== 'dynamic-import' || !inPackage(args.importer, '@smithy/core')) return undefined;
        return { path: '@smithy/core/event-streams', namespace: STUB_NAMESPACE };
      });
    },
  };
}

/**
 * AWS SDK credentials on Lambda: the runtime always puts the function role's credentials in the
 * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), which is the first
 * link of the SDK's default chain (@aws-sdk/credential-provider-node). The rest of the chain (SSO,
 * ini files, process, web identity, ECS/IMDS; with @aws-sdk/nested-clients, ~80 KB minified) is
 * never reached there, yet every client loads it. The chain becomes `fromEnv` alone; without those
 * variables it fails naming what was left out instead of trying the other sources.
 */
function lambdaEnvironmentCredentials() {
  return {
    name: 'pipewatch-lambda-environment-credentials',
    setup(build) {
      build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, (args) => {
        if (!inPackage(args.importer, '@aws-sdk')) return undefined;
        return { path: '@aws-sdk/credential-provider-node', namespace: CREDENTIALS_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: CREDENTIALS_NAMESPACE }, () => ({
        contents: [
          "import { fromEnv } from '@aws-sdk/credential-provider-env';",
          'export const defaultProvider = (init = {}) => {',
          '  const environment = fromEnv(init);',
          '  return async (options) => {',
          '    try {',
          '      return await environment(options);',
          '    } catch (error) {',
          `      throw new Error(${JSON.stringify(`AWS credentials: no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (as Lambda sets them); the SDK's other credential sources ${STUB_NOTE}`)}, { cause: error });`,
          '    }',
          '  };',
          '};',
        ].join('\n'),
        resolveDir: __dirname,
        loader: 'js',
      }));
    },
  };
}

/**
 * An AWS SDK client's package.json, as its runtimeConfig imports it (`import packageInfo from
 * "../package.json"`), is bundled whole (~2 KB minified per client: scripts, dependencies,
 * typesVersions…) although the client reads one field, `packageInfo.version`, for its User-Agent
 * (every @aws-sdk/client-* reads only that). Each becomes `{"name","version"}` of the same file: the
 * User-Agent is unchanged, and the bytes pay for the Service Quotas client in the teams bundle.
 */
function awsSdkClientPackageVersionOnly() {
  return {
    name: 'pipewatch-aws-sdk-client-package-version',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/ }, (args) => {
        const { name, version } = JSON.parse(fs.readFileSync(args.path, 'utf8'));
        return { contents: JSON.stringify({ name, version }), loader: 'json' };
      });
    },
  };
}

/** The stub modules the plugins above resolve to. */
function stubs() {
  return {
    name: 'pipewatch-lambda-stubs',
    setup(build) {
      build.onLoad({ filter: /.*/, namespace: STUB_NAMESPACE }, (args) => {
        const receiver = /^@slack\/bolt\/receivers\/(\w+)$/.exec(args.path);
        if (receiver !== null) {
          const name = receiver[1];
          return {
            contents: throwingModule('@slack/bolt', BOLT_RECEIVERS[name], { defaultExport: name }),
            loader: 'js',
          };
        }
        if (args.path === '@slack/oauth') {
          return { contents: throwingModule('@slack/oauth', SLACK_OAUTH_EXPORTS), loader: 'js' };
        }
        if (args.path === 'raw-body') {
          return { contents: throwingModule('raw-body', [], { callable: 'getRawBody' }), loader: 'js' };
        }
        if (args.path === 'express') {
          return {
            contents: throwingModule('express', ['json', 'static', 'Router'], { callable: 'express' }),
            loader: 'js',
          };
        }
        if (args.path === 'cors') {
          return { contents: throwingModule('cors', [], { callable: 'cors' }), loader: 'js' };
        }
        if (args.path === '@azure/msal-node') {
          return {
            contents: throwingModule('@azure/msal-node', MSAL_NODE_CLASSES, { values: { LogLevel: MSAL_LOG_LEVEL } }),
            loader: 'js',
          };
        }
        if (args.path === 'form-data') {
          return { contents: throwingModule('form-data', [], { callable: 'FormData' }), loader: 'js' };
        }
        if (args.path === 'https-proxy-agent') {
          return {
            contents: throwingModule('https-proxy-agent', ['HttpsProxyAgent'], { callable: 'createHttpsProxyAgent' }),
            loader: 'js',
          };
        }
        if (args.path === 'jsonwebtoken/sign') {
          return { contents: throwingModule('jsonwebtoken', [], { callable: 'sign' }), loader: 'js' };
        }
        if (args.path === 'limiter') {
          return { contents: throwingModule('limiter', ['RateLimiter', 'TokenBucket']), loader: 'js' };
        }
        const integration = /^jwks-rsa\/integrations\/(\w+)$/.exec(args.path);
        if (integration !== null) {
          return { contents: throwingModule('jwks-rsa', JWKS_RSA_INTEGRATIONS[integration[1]]), loader: 'js' };
        }
        if (args.path === '@smithy/core/event-streams') {
          return {
            contents: throwingModule('@smithy/core/event-streams', ['EventStreamSerde', 'eventStreamSerdeProvider']),
            loader: 'js',
          };
        }
        return { errors: [{ text: `no stub for ${args.path}` }] };
      });
    },
  };
}

module.exports = [
  boltLambdaReceiverOnly(),
  teamsSdkLambdaOnly(),
  jwtVerificationOnly(),
  lambdaEnvironmentCredentials(),
  awsSdkNoEventStreams(),
  awsSdkClientPackageVersionOnly(),
  stubs(),
];
module.exports.CREDENTIALS_NAMESPACE = CREDENTIALS_NAMESPACE;
/** Marks the stubbed modules in a metafile's inputs (`<namespace>:<path>`). */
module.exports.STUB_NAMESPACE = STUB_NAMESPACE;
module.exports.STUB_NOTE = STUB_NOTE;
module.exports.JOSE_NAMESPACE = JOSE_NAMESPACE;
/** The semver replacement jsonwebtoken gets, for a test to compare with semver. */
module.exports.SEMVER_SATISFIES_SOURCE = SEMVER_SATISFIES_SOURCE;
