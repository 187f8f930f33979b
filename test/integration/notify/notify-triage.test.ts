import { GetPipelineExecutionCommand, ListActionExecutionsCommand } from '@aws-sdk/client-codepipeline';
import type { SlackMessage } from '../../../src/local/slack';
import {
  CHANNEL,
  messagesAbout,
  type NotifyStack,
  runFor,
  startNotifyStack,
  subscribe,
  textOf,
} from './notify-harness';

/** Enough for myPipeline to fail at Build (Source 5 s, Build 60 s), and for web-service to run through (about 225 s). */
const TO_BUILD_MS = 120_000;
const WHOLE_RUN_MS = 300_000;

/** A failing test run whose output would mention, ping and format if it were not escaped. */
const HOSTILE_OUTPUT = [
  ...Array.from({ length: 10 }, (_, i) => `PASS test/suite-${i}.test.ts`),
  'FAIL test/notify.test.ts',
  '  ● notify › pings <!channel> and <@U0123ABCD> with *bold* and <https://evil.example|click here>',
  '    ```js',
  '    expect(sent).toBe(`x`) // ~strike~ _it_ & more',
  'Tests:       1 failed, 119 passed, 120 total',
];

let stack: NotifyStack;
beforeEach(async () => {
  stack = await startNotifyStack();
});
afterEach(() => stack.stop());

async function commitOf(pipeline: string, executionId: string): Promise<string> {
  const { pipelineExecution } = await stack.local.codePipeline.send(
    new GetPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: executionId }),
  );
  const id = pipelineExecution?.artifactRevisions?.[0]?.revisionId;
  if (id === undefined) throw new Error(`no artifact revision on ${executionId}`);
  return id;
}

function onlyReply(executionId: string): SlackMessage {
  const messages = messagesAbout(stack, CHANNEL, executionId);
  expect(messages).toHaveLength(1);
  const replies = stack.slack.workspace.threadReplies(CHANNEL, messages[0]?.ts ?? '');
  expect(replies).toHaveLength(1);
  return replies[0] as SlackMessage;
}

/** The mrkdwn texts of a message's section blocks. */
function sectionTexts(message: SlackMessage): string[] {
  return (message.blocks ?? []).flatMap((block) => {
    const text = (block as { type?: string; text?: { text?: string } }).text?.text;
    return block.type === 'section' && text !== undefined ? [text] : [];
  });
}

describe('triage in the failure thread (local AWS with CodeBuild and CloudWatch Logs, local Slack)', () => {
  test('a failing Build: the commit, the failed phase, the last 20 log lines escaped, a link to the full log', async () => {
    await subscribe(stack, 'pw-test-triage', CHANNEL);
    stack.local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', log: HOSTILE_OUTPUT });
    const executionId = stack.local.aws.codePipeline.pushCommit('myPipeline', {
      message: 'Fix rounding at checkout\n\nThe discount was applied twice.',
      author: 'Mary Major',
    });
    await runFor(stack, TO_BUILD_MS);
    const commit = await commitOf('myPipeline', executionId);
    const reply = onlyReply(executionId);
    const texts = sectionTexts(reply);

    const commitLine = texts.find((text) => text.includes('*Commit*')) ?? '';
    expect(commitLine).toContain(
      `<https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/my-repo/commit/${commit}?region=us-east-1|${commit.slice(0, 7)}>`,
    );
    expect(commitLine).toContain('Fix rounding at checkout by Mary Major');
    expect(commitLine).not.toContain('applied twice');
    expect(commitLine).toContain(
      '*Failed phase* BUILD: COMMAND_EXECUTION_ERROR: Error while executing command: npm test. Reason: exit status 1',
    );
    const [, stream] = /^my-build:(.+)$/.exec((await buildIdOf(executionId)) ?? '') ?? [];
    expect(commitLine).toContain(
      `<https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEvent:group=/aws/codebuild/my-build;stream=${stream}|Full log>`,
    );

    const code = texts.find((text) => text.startsWith('```')) ?? '';
    const logLines = code
      .replace(/^```\n/, '')
      .replace(/\n```$/, '')
      .split('\n');
    expect(logLines).toHaveLength(20);
    expect(logLines.at(-1)).toMatch(/Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED$/);
    expect(logLines).toContain('Tests:       1 failed, 119 passed, 120 total');
    // Escaped: no mention, no ping, no link; the code block is not closed early by the log's fence.
    expect(code).toContain(
      'pings &lt;!channel&gt; and &lt;@U0123ABCD&gt; with *bold* and &lt;https://evil.example|click here&gt;',
    );
    expect(code).toContain('`\u200b`\u200b`js');
    expect(code.match(/```/g)).toHaveLength(2);
    expect(code).toContain('~strike~ _it_ &amp; more');
    expect(textOf(reply)).not.toContain('<!channel>');
    expect(textOf(reply)).not.toContain('<@U0123ABCD>');
    // The first message has no changes to show: this is the pipeline's first run.
    expect(textOf(reply)).not.toContain('Changes since the last success');
    expect(stack.log.entries.filter((entry) => entry.message.includes('triage'))).toEqual([]);
  });

  test('a failure after a success shows the changes since the last success, with the GitHub compare link', async () => {
    await subscribe(stack, 'pw-test-web', CHANNEL, {
      source: ['aws.codepipeline'],
      detail: { pipeline: ['web-service'] },
    });
    const good = stack.local.aws.codePipeline.pushCommit('web-service', { message: 'Cache the catalogue' });
    await runFor(stack, WHOLE_RUN_MS);
    const status = await stack.local.codePipeline.send(
      new GetPipelineExecutionCommand({ pipelineName: 'web-service', pipelineExecutionId: good }),
    );
    expect(status.pipelineExecution?.status).toBe('Succeeded');

    stack.local.aws.codePipeline.injectFailure('web-service', 'Test', 'UnitTests', { mode: 'once' });
    const bad = stack.local.aws.codePipeline.pushCommit('web-service', {
      message: 'Refactor the pricing rules',
      author: 'John Doe',
    });
    await runFor(stack, TO_BUILD_MS);
    const [from, to] = [await commitOf('web-service', good), await commitOf('web-service', bad)];
    expect(from).not.toBe(to);
    const texts = sectionTexts(onlyReply(bad)).join('\n');
    expect(texts).toContain(
      `*Commit* <https://github.com/example/web-service/commit/${to}|${to.slice(0, 7)}> Refactor the pricing rules by John Doe`,
    );
    expect(texts).toContain(
      `*Changes since the last success* <https://github.com/example/web-service/compare/${from}...${to}|${from.slice(0, 7)}…${to.slice(0, 7)}> (execution ${good.slice(0, 8)})`,
    );
    expect(texts).toContain('*Failed phase* BUILD');
    // The default failing test run, at the end of the UnitTests build's log.
    expect(texts).toContain('Expected: 90');
  });
});

/** The failed Build action's build id, as ListActionExecutions reports it. */
async function buildIdOf(executionId: string): Promise<string | undefined> {
  const { actionExecutionDetails } = await stack.local.codePipeline.send(
    new ListActionExecutionsCommand({ pipelineName: 'myPipeline', filter: { pipelineExecutionId: executionId } }),
  );
  return actionExecutionDetails?.find((detail) => detail.actionName === 'Build')?.output?.executionResult
    ?.externalExecutionId;
}
