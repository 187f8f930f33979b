// serverless.yml's notify concurrency: how many invocations each notify function (Slack's `notify`,
// Teams' `notifyTeams`) reserves of the account's Lambda concurrency.
//   --param notifyConcurrency=100   each of the two functions reserves 100 (and is capped at 100)
// Absent or empty: none reserved; both share the account's unreserved pool (1,000 by default).
// Why reserve: a Slack delivery waits in the workspace's line (10 posts/s) holding its invocation; with
// a reservation each, a burst of Slack deliveries cannot take the invocations Teams' cards need.
// Lambda refuses a reservation that would leave the account fewer than 100 unreserved.
// A malformed value stops `serverless package` and `serverless deploy` with a message saying so;
// test/integration/deploy/serverless-package.test.ts checks the reservation and the refusal.
'use strict';

const { refusal } = require('./pipelines-param.cjs');

const HOW =
  'Give how many invocations each notify function reserves: --param notifyConcurrency=100 ' +
  '(a whole number from 1 to 10000), or leave it out to reserve none. See the README, Deploy.';

/** `--param notifyConcurrency` parsed: a whole number as a string (the template's condition compares strings), or '' when not given. */
function parseNotifyConcurrency(value) {
  if (value === '' || value === undefined || value === null) return '';
  const text = String(value).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 10000) {
    throw refusal(`--param notifyConcurrency=${JSON.stringify(value)} is not a number of invocations. ${HOW}`);
  }
  return String(n);
}

module.exports = async ({ resolveVariable }) => {
  let value;
  try {
    value = await resolveVariable('param:notifyConcurrency');
  } catch (error) {
    if (error && error.code === 'MISSING_VARIABLE_DEPENDENCY') throw error;
    if (error && error.code === 'MISSING_VARIABLE_RESULT') return '';
    throw error;
  }
  return parseNotifyConcurrency(value);
};

module.exports.parseNotifyConcurrency = parseNotifyConcurrency;
