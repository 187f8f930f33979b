import { installationActivity } from '../../../src/local/teams/signed-activity';
import { CONSOLE_USER_ARN, decideAsConsoleUser } from '../../helpers/local-aws';
import { ALICE, BOB, executeActions, startTeamsStack, type TeamsStack } from './teams-harness';

/*
 * An approval answered outside chat while its Teams card is up: the simulator records the signed
 * caller (a local IAM user), notify reads ListActionExecutions' updatedBy, and the card and its
 * reply say who decided, with CodePipeline's summary, without buttons.
 */

let stack: TeamsStack;
beforeEach(async () => {
  stack = await startTeamsStack();
  expect((await stack.send(installationActivity(stack.parties(), 'add'))).statusCode).toBe(200);
  expect((await stack.send(stack.typed(BOB, 'subscribe myPipeline'))).statusCode).toBe(200);
});
afterEach(async () => {
  await stack.stop();
  expect(stack.notifyErrors).toEqual([]);
});

const text = (value: unknown) => JSON.stringify(value);

describe('Teams: an approval decided outside chat says who', () => {
  test('rejected in the console: the card and the reply name jane and her ARN, escaped, without approve or reject', async () => {
    const id = stack.local.aws.codePipeline.pushCommit('myPipeline', { message: 'Fix totals', author: 'Mary Major' });
    await stack.runFor(70_000);
    const card = () => stack.cards().find((candidate) => text(candidate.activity).includes(id));
    expect(executeActions(card()).some((action) => action.verb === 'pipewatch.approve')).toBe(true);

    await decideAsConsoleUser(stack.local, 'Rejected', 'Not on a Friday **really**');
    await stack.runFor(5_000);

    const decided = `Rejected by jane (${CONSOLE_USER_ARN}) outside chat: Not on a Friday`;
    expect(text(card()?.activity)).toContain(decided);
    const replies = stack.repliesTo(card());
    expect(replies.some((reply) => text(reply.activity).includes(decided))).toBe(true);
    // CodePipeline's summary is text from outside: its markdown is escaped on the card.
    expect(text(card()?.activity)).not.toContain('**really**');
    // No approve or reject left (a rejected approval's stage may still be retried).
    const deciding = (verb: string) => verb === 'pipewatch.approve' || verb === 'pipewatch.reject';
    for (const shown of [card(), ...replies])
      expect(executeActions(shown).filter((action) => deciding(action.verb))).toEqual([]);
  });

  test('approved with a chat button: the summary names the person; the function role is not shown', async () => {
    const id = stack.local.aws.codePipeline.pushCommit('myPipeline', { message: 'Fix totals', author: 'Mary Major' });
    await stack.runFor(70_000);
    const card = () => stack.cards().find((candidate) => text(candidate.activity).includes(id));
    const reply = stack
      .repliesTo(card())
      .find((candidate) => executeActions(candidate).some((action) => action.verb === 'pipewatch.approve'));
    if (reply === undefined) throw new Error('no approval reply');
    const response = await stack.send(stack.click(reply, 'pipewatch.approve', ALICE, { comment: 'Ship it' }));
    expect(response.statusCode).toBe(200);
    await stack.runFor(100_000);
    expect(text(card()?.activity)).toContain('Approved by Alice in Teams: Ship it');
    expect(text(card()?.activity)).not.toContain('outside chat');
  });
});
