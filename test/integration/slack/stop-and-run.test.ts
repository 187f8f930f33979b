import {
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { type AuthorizationPolicy, type ButtonValue, encodeButtonValue } from '../../../src/core/actions';
import type { OpenedView, SlackMessage } from '../../../src/local/slack';
import { blockActionsBody, viewSubmissionBody } from '../../../src/local/slack';
import { ACTION_IDS } from '../../../src/slack';
import {
  ALICE,
  APPROVERS,
  BOB,
  CAROL,
  click,
  clickPayload,
  command,
  DEPLOYS,
  ephemeralTexts,
  OTHER,
  postButtons,
  type Stack,
  send,
  startStack,
  viewSubmissionPayload,
} from './harness';

/*
 * Stop from a Slack message through the whole handler: a signed click on Stop, the modal it opens,
 * its signed submission, and the local CodePipeline's execution as GetPipelineExecution reports it.
 */

/** Alice may stop and run myPipeline; Carol may only retry it; Bob may do nothing. */
const POLICY: AuthorizationPolicy = {
  rules: [{ pipelines: ['myPipeline'], retry: [ALICE, CAROL], approve: [APPROVERS], stop: [ALICE], run: [ALICE] }],
};

let stack: Stack;
beforeEach(async () => {
  stack = await startStack(POLICY);
});
afterEach(async () => {
  await stack.stop();
  expect(stack.log.lines.filter((line) => line.level === 'error')).toEqual([]);
});

async function start(): Promise<string> {
  const { pipelineExecutionId } = await stack.local.codePipeline.send(
    new StartPipelineExecutionCommand({ name: 'myPipeline' }),
  );
  if (pipelineExecutionId === undefined) throw new Error('no execution');
  return pipelineExecutionId;
}

async function execution(id: string) {
  const { pipelineExecution } = await stack.local.codePipeline.send(
    new GetPipelineExecutionCommand({ pipelineName: 'myPipeline', pipelineExecutionId: id }),
  );
  return pipelineExecution;
}

/** The reason StopPipelineExecution was given (ListPipelineExecutions' stopTrigger: GetPipelineExecution has none). */
async function stopReason(id: string) {
  const { pipelineExecutionSummaries } = await stack.local.codePipeline.send(
    new ListPipelineExecutionsCommand({ pipelineName: 'myPipeline' }),
  );
  return pipelineExecutionSummaries?.find((summary) => summary.pipelineExecutionId === id)?.stopTrigger?.reason;
}

/** A message with pipewatch's Stop button for the execution, as notify renders it. */
async function stopButton(executionId: string): Promise<SlackMessage> {
  const value: ButtonValue = {
    v: 1,
    kind: 'stop',
    pipeline: 'myPipeline',
    executionId,
    region: stack.local.aws.region,
    account: stack.local.aws.accountId,
  };
  return postButtons(stack, [
    { actionId: ACTION_IDS.stop, value: encodeButtonValue(value), text: 'Stop…' },
    { actionId: ACTION_IDS.openConsole, value: 'link', text: 'Open in console' },
  ]);
}

/** Submits the stop modal as Slack sends it: the radio button chosen, the reason typed. */
async function submitStop(opened: OpenedView, user: string, mode: 'wait' | 'abandon', reason: string | null) {
  const payload = viewSubmissionPayload(stack, opened, user, {
    'pipewatch.stop.mode': {
      mode: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: mode }, value: mode } },
    },
    'pipewatch.stop.reason': { reason: { type: 'plain_text_input', value: reason } },
  });
  const response = await send(stack, viewSubmissionBody(payload));
  return response.statusCode;
}

const lastView = () => stack.slack.workspace.views().at(-1);

describe('Stop', () => {
  test('Alice stops and abandons: the modal, StopPipelineExecution with who and why, the message and thread say so', async () => {
    const id = await start();
    stack.clock.advance(10_000);
    expect((await execution(id))?.status).toBe('InProgress');
    const message = await stopButton(id);

    expect(await click(stack, message, ACTION_IDS.stop, ALICE)).toBe(200);
    const opened = lastView();
    expect(opened?.view.callback_id).toBe('pipewatch.stop.submit');
    expect(JSON.stringify(opened?.view.blocks)).toContain('Stop and abandon');
    if (opened === undefined) throw new Error('no modal');
    expect(await submitStop(opened, ALICE, 'abandon', 'a bad commit')).toBe(200);

    const stopped = await execution(id);
    expect(stopped?.status).toBe('Stopped');
    expect(await stopReason(id)).toBe('Stopped by alice in Slack: a bad commit');
    const updated = stack.slack.workspace.message(DEPLOYS, message.ts);
    expect(JSON.stringify(updated?.blocks)).toContain(`Stopped (abandon) by <@${ALICE}>`);
    expect(JSON.stringify(updated?.blocks)).not.toContain(ACTION_IDS.stop);
    const [reply] = stack.slack.workspace.threadReplies(DEPLOYS, message.ts);
    expect(reply?.text).toContain(`requested by <@${ALICE}>: a bad commit`);
    expect(stack.log.decisions()).toEqual([
      expect.objectContaining({ action: 'stop', stopMode: 'abandon', allowed: true, outcome: 'ok' }),
    ]);
  });

  test('stop and wait: Stopping while the action in progress finishes, then Stopped', async () => {
    const id = await start();
    stack.clock.advance(10_000);
    await click(stack, await stopButton(id), ACTION_IDS.stop, ALICE);
    const opened = lastView();
    if (opened === undefined) throw new Error('no modal');
    await submitStop(opened, ALICE, 'wait', null);

    const stopping = await execution(id);
    expect(stopping?.status).toBe('Stopping');
    expect(await stopReason(id)).toBe('Stopped by alice in Slack');
    stack.clock.advance(600_000);
    expect((await execution(id))?.status).toBe('Stopped');
    const state = await stack.local.codePipeline.send(new GetPipelineStateCommand({ name: 'myPipeline' }));
    const running = state.stageStates?.flatMap((stage) => stage.actionStates ?? []);
    expect(running?.some((action) => action.latestExecution?.status === 'Abandoned')).toBe(false);
  });

  test('Bob and Carol (retry only) are refused privately: no modal, the execution runs on', async () => {
    const id = await start();
    stack.clock.advance(10_000);
    const message = await stopButton(id);
    for (const user of [BOB, CAROL]) {
      await click(stack, message, ACTION_IDS.stop, user);
      expect(ephemeralTexts(stack, user)).toEqual([
        expect.stringContaining('You are not allowed to stop executions in pipeline myPipeline'),
      ]);
    }
    expect(stack.slack.workspace.views()).toHaveLength(0);
    expect((await execution(id))?.status).toBe('InProgress');
    expect(stack.slack.workspace.message(DEPLOYS, message.ts)?.revisions).toHaveLength(1);
    expect(stack.log.decisions()).toEqual([
      expect.objectContaining({ action: 'stop', allowed: false, outcome: 'forbidden' }),
      expect.objectContaining({ action: 'stop', allowed: false, outcome: 'forbidden' }),
    ]);
  });

  test('a double submit stops once; an execution that has ended cannot be stopped: the clicker alone is told', async () => {
    const id = await start();
    stack.clock.advance(10_000);
    const message = await stopButton(id);
    await click(stack, message, ACTION_IDS.stop, ALICE);
    const opened = lastView();
    if (opened === undefined) throw new Error('no modal');
    await submitStop(opened, ALICE, 'abandon', null);
    // The same modal submitted again at once (a double submit): the claim holds, nothing is done twice.
    await submitStop(opened, ALICE, 'abandon', null);
    expect(ephemeralTexts(stack, ALICE)).toEqual([expect.stringContaining('already pressed a moment ago')]);
    // A fresh Stop on the ended execution: CodePipeline refuses, the clicker alone is told.
    const again = await stopButton(id);
    await click(stack, again, ACTION_IDS.stop, ALICE);
    const reopened = lastView();
    if (reopened === undefined) throw new Error('no modal');
    await submitStop(reopened, ALICE, 'wait', null);
    expect(ephemeralTexts(stack, ALICE).at(-1)).toContain('cannot be stopped: it has already ended');
    expect((await execution(id))?.status).toBe('Stopped');
    expect(stack.log.decisions().at(-1)).toMatchObject({ outcome: 'execution-not-stoppable' });
  });

  test('a Stop button on a message that is not pipewatch’s own is refused with nothing visible', async () => {
    const id = await start();
    const message = await stopButton(id);
    const payload = clickPayload(stack, message, ACTION_IDS.stop, ALICE);
    (payload as unknown as { message: Record<string, unknown> }).message.bot_id = 'B0THERBOT';
    expect((await send(stack, blockActionsBody(payload))).statusCode).toBe(200);
    expect(stack.slack.workspace.views()).toHaveLength(0);
    expect(ephemeralTexts(stack, ALICE)).toEqual([]);
    expect(stack.log.lines.some((line) => line.message.includes('not on pipewatch'))).toBe(true);
  });
});

describe('/pipewatch run', () => {
  const executions = async () =>
    (await stack.local.codePipeline.send(new ListPipelineExecutionsCommand({ pipelineName: 'myPipeline' })))
      .pipelineExecutionSummaries ?? [];

  test('Alice starts myPipeline: the execution id, the console link, and that no subscription will post it here', async () => {
    const { status, answer } = await command(stack, 'run myPipeline');
    expect(status).toBe(200);
    const [started] = await executions();
    expect(started?.pipelineExecutionId).toBeDefined();
    const id = started?.pipelineExecutionId ?? '';
    expect(answer).toContain(`Started \`myPipeline\`: execution \`${id.slice(0, 8)}\``);
    expect(answer).toContain(`/codesuite/codepipeline/pipelines/myPipeline/executions/${id}/timeline`);
    expect(answer).toContain('No subscription of this channel covers `myPipeline`');
    expect(answer).toContain('`/pipewatch subscribe myPipeline`');
    expect(stack.log.lines).toContainEqual(
      expect.objectContaining({
        message: 'pipewatch run',
        fields: expect.objectContaining({ user: ALICE, allowed: true, outcome: 'ok', executionId: id }),
      }),
    );
  });

  test('with a subscription: its message follows here as it runs, or once a filtered one matches', async () => {
    await command(stack, 'subscribe myPipeline');
    expect((await command(stack, 'run myPipeline')).answer).toContain('Its message follows here as it runs');
    const quiet = await command(stack, 'subscribe myPipeline FAILED', { channel: OTHER });
    expect(quiet.answer).toContain('Subscribed');
    const { answer } = await command(stack, 'run myPipeline', { channel: OTHER });
    expect(answer).toMatch(/Subscription `\w+` \(.*FAILED.*\) posts its message here once one of its events matches/);
  });

  test('Bob is refused, with where an admin fixes it; nothing starts', async () => {
    const { answer } = await command(stack, 'run myPipeline', { user: BOB });
    expect(answer).toContain('You are not allowed to start executions in pipeline myPipeline');
    expect(answer).toContain('"run"');
    expect(await executions()).toEqual([]);
  });

  test('a pipeline nobody may run says how to allow it', async () => {
    const { answer } = await command(stack, 'run web-service');
    expect(answer).toContain('Nobody may start executions in pipeline web-service');
    expect(answer).toContain('{"pipelines": ["web-service"], "run": ["&lt;user or group id&gt;"]}');
  });

  test('a typo: did you mean, nothing started, even for someone who may not run it', async () => {
    for (const user of [ALICE, BOB]) {
      const { answer } = await command(stack, 'run myPipelin', { user });
      expect(answer).toContain(
        'There is no pipeline `myPipelin` in this account and region: did you mean `myPipeline`?',
      );
    }
    expect(await executions()).toEqual([]);
  });

  test('usage: run needs one pipeline name', async () => {
    expect((await command(stack, 'run')).answer).toContain('`run` needs a pipeline name.');
    expect((await command(stack, 'run a b')).answer).toContain('`run` takes one pipeline name.');
    expect((await command(stack, 'help')).answer).toContain('/pipewatch run &lt;pipeline&gt;');
  });
});

describe('/pipewatch run, with the deployed wiring: a link to the message that follows it', () => {
  beforeEach(async () => {
    await stack.stop();
    stack = await startStack(POLICY, { notify: true });
  });

  // A run's first events reach notify asynchronously, as on AWS: let them finish before the stack
  // (and its DynamoDB) is stopped, or their writes fail in the next test's time.
  afterEach(() => stack.local.aws.eventBridge.settled());

  /** Steps the simulator a second at a time, letting EventBridge deliver to notify. */
  async function runFor(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 1000) {
      stack.clock.advance(1000);
      await stack.local.aws.eventBridge.settled();
    }
  }

  const about = (channel: string, id: string) =>
    stack.slack.workspace.messages(channel).filter((message) => JSON.stringify(message.blocks).includes(id));

  test('the message is posted at once, "Started by" Alice, and the answer links to it; notify updates that one message', async () => {
    await command(stack, 'subscribe myPipeline');
    // Slack's slash command carries the typist's user name: the message says who ran it.
    const { answer } = await command(stack, 'run myPipeline', { userName: 'alice' });
    const id =
      (await stack.local.codePipeline.send(new ListPipelineExecutionsCommand({ pipelineName: 'myPipeline' })))
        .pipelineExecutionSummaries?.[0]?.pipelineExecutionId ?? '';
    expect(id).not.toBe('');
    const [message, ...others] = about(DEPLOYS, id);
    expect(others).toEqual([]);
    if (message === undefined) throw new Error('no message');
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain('Started by');
    expect(shown).toContain('*Started by*\\nalice in Slack');
    // The permalink chat.getPermalink gives for that message, in the answer.
    const { permalink } = await stack.bot.chat.getPermalink({ channel: DEPLOYS, message_ts: message.ts });
    expect(permalink).toBe(`${stack.slack.workspace.baseUrl}/archives/${DEPLOYS}/p${message.ts.replace('.', '')}`);
    expect(answer).toContain(`Its message, updated as it runs: ${permalink} (subscription \``);
    expect(answer).toContain(`Started \`myPipeline\`: execution \`${id.slice(0, 8)}\``);

    // The run's events come through the subscription and the follow rule: the same message, updated.
    await runFor(40_000);
    const after = about(DEPLOYS, id);
    expect(after.map((entry) => entry.ts)).toEqual([message.ts]);
    const updated = JSON.stringify(after[0]?.blocks);
    expect(updated).toContain('Build');
    expect(updated).toContain('Started by');
    expect(stack.slack.workspace.messages(DEPLOYS)).toHaveLength(1);
  });

  test('a filtered subscription (FAILED only) posts nothing now and says when it will; no subscription: nothing posted', async () => {
    await command(stack, 'subscribe myPipeline FAILED');
    const filtered = await command(stack, 'run myPipeline');
    expect(filtered.answer).toMatch(
      /Subscription `\w+` \(.*FAILED.*\) posts its message here once one of its events matches/,
    );
    const alone = await command(stack, 'run myPipeline', { channel: OTHER });
    expect(alone.answer).toContain('No subscription of this channel covers `myPipeline`');
    expect(stack.slack.workspace.messages(DEPLOYS)).toEqual([]);
    expect(stack.slack.workspace.messages(OTHER)).toEqual([]);
  });

  test('pipewatch removed from the channel: the run starts, the answer says its message could not be posted', async () => {
    await command(stack, 'subscribe myPipeline');
    stack.slack.workspace.setChannel(DEPLOYS, { botMember: false });
    const { answer } = await command(stack, 'run myPipeline');
    expect(answer).toContain('Started `myPipeline`');
    expect(answer).toContain('Its message could not be posted here (not_in_channel)');
    expect(stack.slack.workspace.messages(DEPLOYS)).toEqual([]);
    // Logged as notify logs a refusal for good, with the subscription; the one error of this test.
    const errors = stack.log.lines.filter((line) => line.level === 'error');
    expect(errors.map((line) => [line.message, line.fields.code])).toEqual([
      ['the chat platform refused the message; not retrying', 'not_in_channel'],
    ]);
    stack.log.lines.splice(0, stack.log.lines.length, ...stack.log.lines.filter((line) => line.level !== 'error'));
  });

  test('a snoozed pipeline: nothing is posted now, and the answer says until when', async () => {
    await command(stack, 'subscribe myPipeline');
    expect((await command(stack, 'snooze myPipeline 2h')).answer).toContain('nooze');
    const { answer } = await command(stack, 'run myPipeline');
    expect(answer).toMatch(/`myPipeline` is snoozed in this channel until \d{4}-\d\d-\d\d \d\d:\d\d UTC: /);
    expect(stack.slack.workspace.messages(DEPLOYS)).toEqual([]);
  });
});
