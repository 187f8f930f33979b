import {
  type ActionRecord,
  approvalDeciderKey,
  approvalsWithoutDecider,
  decidedApprovalText,
  EXECUTION_STATE_SCHEMA,
  type ExecutionState,
  mergeExecutionStates,
  readableCaller,
  withApprovalDecider,
} from '../../../../src/core/executions';

const approval = (state: string, summary?: string): ActionRecord =>
  ({
    stage: 'Approval',
    action: 'Approve',
    category: 'Approval',
    actionExecutionId: 'a-1',
    region: 'us-east-1',
    state,
    time: '2026-01-01T00:00:00Z',
    eventId: 'e',
    firstTime: '2026-01-01T00:00:00Z',
    ...(summary === undefined ? {} : { result: { summary } }),
  }) as ActionRecord;

const stateWith = (record: ActionRecord): ExecutionState => ({
  schema: EXECUTION_STATE_SCHEMA,
  pipeline: 'p',
  executionId: 'x',
  region: 'us-east-1',
  account: '1',
  stages: {},
  actions: { 'Approval/Approve': record },
  seenEvents: [],
  version: 1,
});

const JANE = 'arn:aws:iam::123456789012:user/ops/jane';
const ROLE = 'arn:aws:sts::123456789012:assumed-role/pipewatch-prod-slack-role/pipewatch-prod-slack';

test('readableCaller: a user, an assumed role session, root, anything else as is', () => {
  expect(readableCaller(JANE)).toBe('jane');
  expect(readableCaller('arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin/jane@example.com')).toBe(
    'jane@example.com',
  );
  expect(readableCaller('arn:aws:iam::123456789012:root')).toBe("the account's root user");
  expect(readableCaller('not an arn')).toBe('not an arn');
});

test('decidedApprovalText: who decided outside chat, then the summary; a chat decision by the function role as is', () => {
  const record = approval('SUCCEEDED', 'looks good');
  const key = approvalDeciderKey(record);
  expect(decidedApprovalText(stateWith(record), record)).toBe('looks good');
  expect(decidedApprovalText(withApprovalDecider(stateWith(record), key, JANE), record)).toBe(
    `Approved by jane (${JANE}) outside chat: looks good`,
  );
  const chat = approval('SUCCEEDED', 'Approved by alice in Slack: ship it');
  expect(decidedApprovalText(withApprovalDecider(stateWith(chat), key, ROLE), chat)).toBe(
    'Approved by alice in Slack: ship it',
  );
  // pipewatch's wording typed by an IAM user in the console: the user is still shown.
  expect(decidedApprovalText(withApprovalDecider(stateWith(chat), key, JANE), chat)).toBe(
    `Approved by jane (${JANE}) outside chat: Approved by alice in Slack: ship it`,
  );
  const rejected = approval('FAILED');
  expect(decidedApprovalText(withApprovalDecider(stateWith(rejected), key, JANE), rejected)).toBe(
    `Rejected by jane (${JANE}) outside chat`,
  );
  // '' : CodePipeline named nobody.
  expect(decidedApprovalText(withApprovalDecider(stateWith(record), key, ''), record)).toBe('looks good');
});

test('approvalsWithoutDecider: ended, not expired, not asked yet', () => {
  expect(approvalsWithoutDecider(stateWith(approval('STARTED')))).toEqual([]);
  expect(approvalsWithoutDecider(stateWith(approval('FAILED', 'The approval request expired')))).toEqual([]);
  const ended = stateWith(approval('SUCCEEDED'));
  expect(approvalsWithoutDecider(ended)).toHaveLength(1);
  expect(approvalsWithoutDecider(withApprovalDecider(ended, 'Approval/Approve@a-1', ''))).toEqual([]);
});

test('deciders join as a union, a known ARN beating "named nobody", whatever the order', () => {
  const base = stateWith(approval('SUCCEEDED'));
  const a = withApprovalDecider(base, 'Approval/Approve@a-1', '');
  const b = withApprovalDecider(base, 'Approval/Approve@a-1', JANE);
  expect(mergeExecutionStates(a, b).deciders).toEqual({ 'Approval/Approve@a-1': JANE });
  expect(mergeExecutionStates(b, a).deciders).toEqual({ 'Approval/Approve@a-1': JANE });
  expect(mergeExecutionStates(b, b)).toBe(b);
});
