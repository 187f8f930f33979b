// esbuild plugins for the Lambda bundles (serverless.yml: custom.esbuild.plugins). They only replace
// code that the deployed functions provably never run; a replaced entry point THROWS when it is
// called, naming what was left out, so a future use fails loudly instead of behaving differently.
// test/unit/build/lambda-bundle.test.ts builds both handlers with these plugins and checks the
// bundles' inputs, and loads and invokes the bundled Slack handler.
'use strict';

const path = require('node:path');

const STUB_NAMESPACE = 'pipewatch-lambda-stub';
const CREDENTIALS_NAMESPACE = 'pipewatch-lambda-credentials';
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
function throwingModule(what, names, { defaultExport, callable } = {}) {
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

/** The stub modules both plugins resolve to. */
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
        return { errors: [{ text: `no stub for ${args.path}` }] };
      });
    },
  };
}

module.exports = [boltLambdaReceiverOnly(), lambdaEnvironmentCredentials(), stubs()];
module.exports.CREDENTIALS_NAMESPACE = CREDENTIALS_NAMESPACE;
/** Marks the stubbed modules in a metafile's inputs (`<namespace>:<path>`). */
module.exports.STUB_NAMESPACE = STUB_NAMESPACE;
module.exports.STUB_NOTE = STUB_NOTE;
