// serverless.yml's `custom.pipelines`: which pipelines the buttons may retry and approve, and whose
// executions notify may read. There is no default: the authorization policy that names the pipelines
// lives in SSM and the template cannot read it, so the choice is made at deploy, explicitly:
//   --param pipelines='team-a-*'   a CodePipeline ARN pattern relative to the account and region
//   --param pipelines='*'          every pipeline of the account, said out loud
// Without it, `serverless package` and `serverless deploy` stop here with a message saying so.
// test/integration/deploy/serverless-package.test.ts checks both outcomes.
'use strict';

/** A pipeline name (`[A-Za-z0-9.@\-_]+`) with IAM's wildcards `*` and `?`. */
const PATTERN = /^[A-Za-z0-9.@\-_*?]{1,100}$/;

const HOW =
  "Choose the pipelines pipewatch's buttons may retry and approve (and whose executions notify may read): " +
  "--param pipelines='team-a-*' (a pipeline name pattern; IAM wildcards * and ?), " +
  "or --param pipelines='*' for every pipeline of the account. See the README, Deploy.";

/** An error osls prints as its message alone (it prints a JS resolver's error by its stack). */
function refusal(message) {
  const error = new Error(message);
  error.stack = message;
  return error;
}

/** A param's value, `fallback` when not given (osls: a param is unknown in its first resolution phase). */
async function param(resolveVariable, name, fallback) {
  try {
    const value = await resolveVariable(`param:${name}`);
    return value === null || value === undefined ? fallback : value;
  } catch (error) {
    if (error && error.code === 'MISSING_VARIABLE_DEPENDENCY') throw error;
    if (error && error.code === 'MISSING_VARIABLE_RESULT') return fallback;
    throw error;
  }
}

module.exports = async ({ resolveVariable }) => {
  let value;
  try {
    value = await resolveVariable('param:pipelines');
  } catch (error) {
    // osls resolves in phases: a param is not known yet in the first one; ask again later.
    if (error && error.code === 'MISSING_VARIABLE_DEPENDENCY') throw error;
    if (error && error.code === 'MISSING_VARIABLE_RESULT') throw refusal(`--param pipelines is required. ${HOW}`);
    throw error;
  }
  if (typeof value !== 'string' || !PATTERN.test(value)) {
    throw refusal(`--param pipelines=${JSON.stringify(value)} is not a pipeline name pattern. ${HOW}`);
  }
  return value;
};

// Also the refusal and the param reading of build/source-accounts-param.cjs and notify-concurrency-param.cjs.
module.exports.refusal = refusal;
module.exports.param = param;
