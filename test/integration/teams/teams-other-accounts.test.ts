import { GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import {
  LOCAL_MEMBER_ACCOUNT as MEMBER,
  LOCAL_MEMBER_ROLE_NAME as ROLE,
  LOCAL_MEMBER_REGION as WEST,
} from '../../../src/local/dev-server/local-accounts';
import { installationActivity } from '../../../src/local/teams/signed-activity';
import type { TeamsMessage } from '../../../src/local/teams/types';
import { BOB, CAROL, executeActions, startTeamsStack, type TeamsStack } from './teams-harness';

/*
 * Teams with `pipewatch local`'s accounts: a member account's pipeline (forwarded from its default
 * bus to the pipewatch bus, whose policy names it) alerts a Teams channel subscribed with
 * `--account --region`; notify reads the execution in the member account through its member role
 * (the local STS), and Retry on the card retries it there, through the real Teams function with a
 * signed activity; this account's namesake myPipeline is never touched.
 */

let stack: TeamsStack;
beforeEach(async () => {
  stack = await startTeamsStack({ accounts: true });
});
afterEach(() => stack.stop());

function cardText(message: TeamsMessage | undefined): string {
  return JSON.stringify(message?.activity ?? {});
}

async function press(message: TeamsMessage, verb: string, user = BOB) {
  const response = await stack.send(stack.click(message, verb, user));
  expect(response.statusCode).toBe(200);
  return JSON.parse(String(response.body)) as { value: string };
}

/** The member's myPipeline, started with Build failing once, run until the failure shows. */
async function memberBuildFails(): Promise<string> {
  const member = stack.local.aws.place(MEMBER, WEST).codePipeline;
  member.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once', summary: 'Tests failed' });
  const { pipelineExecutionId } = (await member.handle('StartPipelineExecution', { name: 'myPipeline' })) as {
    pipelineExecutionId: string;
  };
  await stack.runFor(70_000);
  return pipelineExecutionId;
}

async function buildRuns(): Promise<number> {
  const member = stack.local.aws.place(MEMBER, WEST).codePipeline;
  const { actionExecutionDetails } = (await member.handle('ListActionExecutions', {
    pipelineName: 'myPipeline',
  })) as { actionExecutionDetails: { stageName: string }[] };
  return actionExecutionDetails.filter((detail) => detail.stageName === 'Build').length;
}

test('a member account’s failure: one card read there (its stages, its build’s triage), Retry acts there, the namesake here is untouched', async () => {
  expect((await stack.send(installationActivity(stack.parties(), 'add'))).statusCode).toBe(200);
  const command = stack.typed(BOB, `subscribe myPipeline FAILED --account ${MEMBER} --region ${WEST}`);
  expect((await stack.send(command)).statusCode).toBe(200);

  const executionId = await memberBuildFails();
  const cards = stack.cards();
  expect(cards).toHaveLength(1);
  const card = cards[0] as TeamsMessage;
  const text = cardText(card);
  expect(text).toContain(executionId);
  expect(text).toContain(`${MEMBER} · ${WEST}`);
  // The member's myPipeline (Source, Build, Deploy), from GetPipeline there: not this account's
  // namesake (Source, Build, Approval, Prod).
  expect(text).toContain('Source ✓ · Build ✗ · Deploy –');
  expect(text).not.toContain('Approval');
  // The failure's triage reads the member's build (CodeBuild and Logs with the role's credentials).
  const triage = stack.repliesTo(card).map(cardText).join('\n');
  expect(triage).toContain('"title":"Failed phase"');
  expect(triage).toContain(`https://${WEST}.console.aws.amazon.com/`);
  expect(stack.local.aws.sts.issued().map((session) => session.arn)).toContain(
    `arn:aws:sts::${MEMBER}:assumed-role/${ROLE}/pipewatch-notify`,
  );

  // Carol may not retry (the same policy as for this account's pipelines); Bob may: in the member account.
  const runs = await buildRuns();
  expect((await press(card, 'pipewatch.retry.failed', CAROL)).value).toMatch(/not allowed to retry/);
  expect(await buildRuns()).toBe(runs);
  expect((await press(card, 'pipewatch.retry.failed')).value).toMatch(/Retrying/);
  expect(await buildRuns()).toBe(runs + 1);
  expect(stack.local.aws.sts.issued().map((session) => session.arn)).toContain(
    `arn:aws:sts::${MEMBER}:assumed-role/${ROLE}/pipewatch-teams`,
  );
  // This account's myPipeline never ran.
  const home = await stack.local.codePipeline.send(new GetPipelineStateCommand({ name: 'myPipeline' }));
  expect(home.stageStates?.some((stage) => stage.latestExecution !== undefined)).toBe(false);

  await stack.runFor(40_000);
  const after = stack.cards();
  expect(after).toHaveLength(1);
  expect(cardText(after[0])).toContain('Build by Bob in Teams');
  expect(executeActions(after[0]).map((action) => action.verb)).not.toContain('pipewatch.retry.failed');
  expect(stack.notifyErrors).toEqual([]);
});

test('subscribe --account --region checks the names in that account and region, through the member role', async () => {
  expect((await stack.send(installationActivity(stack.parties(), 'add'))).statusCode).toBe(200);
  const answerTo = async (text: string) => {
    const command = stack.typed(BOB, text);
    expect((await stack.send(command)).statusCode).toBe(200);
    return stack.connector.tenant
      .threadReplies(stack.parties().conversationId, String(command.id))
      .map((reply) => String(reply.activity.text))
      .join('\n');
  };
  // payments-api is the member's alone: this account has no pipeline of that name.
  expect(await answerTo(`subscribe paymnts-api --account ${MEMBER} --region ${WEST}`)).toContain(
    `There is no pipeline \`paymnts-api\` in account ${MEMBER} (${WEST}): did you mean \`payments-api\`?`,
  );
  const subscribed = await answerTo(`subscribe payments-api FAILED --account ${MEMBER} --region ${WEST}`);
  expect(subscribed).toMatch(/Subscribed this channel/);
  expect(subscribed).not.toContain('were not checked');
  // The member's myPipeline has no stage Prod (this account's namesake has).
  expect(await answerTo(`subscribe myPipeline --stage Prod --account ${MEMBER} --region ${WEST}`)).toContain(
    'Pipeline `myPipeline` has no stage `Prod`',
  );
  // Two regions: nothing to check them against; taken as written, and said so.
  expect(await answerTo(`subscribe payments-api --account ${MEMBER} --region ${WEST},eu-west-1`)).toContain(
    'The names were not checked',
  );
  expect((await stack.rules()).length).toBe(2);
});
