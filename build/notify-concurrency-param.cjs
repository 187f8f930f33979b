// serverless.yml's notify concurrency: how many invocations each notify function reserves of the
// account's Lambda concurrency (and is capped at).
//   --param notifyConcurrency=20        Slack's `notify` (Slack's subscriptions and the follow rule)
//   --param notifyTeamsConcurrency=50   Teams' `notifyTeams`
// Absent or empty: none reserved; the function shares the account's unreserved pool (1,000 by default).
// Why: a workspace takes about 10 posts a second, so Slack deliveries beyond that wait in the poster's
// line, each holding its invocation (and its 20 s budget). Reserved apart, a burst of them cannot take
// the invocations Teams' cards need (Teams takes 50 a second per app); and a small reservation for
// Slack leaves a burst in Lambda's own queue (six hours) rather than in the line. README, Deploy.
// Lambda refuses reservations that would leave the account fewer than 100 unreserved.
// A malformed value stops `serverless package` and `serverless deploy` with a message saying so;
// test/integration/deploy/serverless-package.test.ts checks the reservations and the refusal.
'use strict';

const { refusal, param } = require('./pipelines-param.cjs');

const how = (name) =>
  `Give how many invocations the function reserves: --param ${name}=20 ` +
  '(a whole number from 1 to 10000), or leave it out to reserve none. See the README, Deploy.';

/**
 * A concurrency param parsed: a whole number as a string (the template's condition compares
 * strings), or '' when not given. Throws a refusal naming the value.
 */
function parseConcurrency(name, value) {
  if (value === '' || value === undefined || value === null) return '';
  const text = String(value).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 10000) {
    throw refusal(`--param ${name}=${JSON.stringify(value)} is not a number of invocations. ${how(name)}`);
  }
  return String(n);
}

async function resolved(resolveVariable, name) {
  return parseConcurrency(name, await param(resolveVariable, name, ''));
}

module.exports = {
  slack: ({ resolveVariable }) => resolved(resolveVariable, 'notifyConcurrency'),
  teams: ({ resolveVariable }) => resolved(resolveVariable, 'notifyTeamsConcurrency'),
  parseConcurrency,
};
