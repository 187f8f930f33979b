import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import {
  DescribeRuleCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { channelRulePrefix, subscriptionIdOfRule } from '../../../src/core/subscriptions';
import {
  ALICE,
  BOB,
  BUS,
  command,
  DEPLOYS,
  httpEvent,
  NOTIFY_ARN,
  OTHER,
  type Stack,
  send,
  startStack,
  TEAM,
} from './harness';

/*
 * /pipewatch through the whole handler: signed HTTP API events, Bolt's receiver, the real
 * EventBridge rule store against the local EventBridge, answers via the local Slack's response_url.
 */

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await stack.stop();
  // A listener that failed inside pipewatch logs an error; none of these scenarios should.
  expect(stack.log.lines.filter((line) => line.level === 'error')).toEqual([]);
});

const deploys = { platform: 'slack' as const, workspace: TEAM, channel: DEPLOYS };
const other = { platform: 'slack' as const, workspace: TEAM, channel: OTHER };

async function rulesOnBus(prefix?: string) {
  const listed = await stack.local.eventBridge.send(
    new ListRulesCommand({ EventBusName: BUS, ...(prefix ? { NamePrefix: prefix } : {}) }),
  );
  return listed.Rules ?? [];
}

describe('request verification', () => {
  test('a forged signature is refused with 401 and runs nothing', async () => {
    const body = 'command=%2Fpipewatch&text=list&channel_id=C00000DEPLOY&team_id=T0000LOCAL&user_id=U00000ALICE';
    const response = await send(stack, body, { secret: 'not-the-secret' });
    expect(response.statusCode).toBe(401);
    expect(stack.slack.workspace.callsTo('response_url')).toHaveLength(0);
  });

  test('a signature older (or newer) than five minutes is refused with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = 'command=%2Fpipewatch&text=help';
    expect((await send(stack, body, { timestamp: now - 6 * 60 })).statusCode).toBe(401);
    expect((await send(stack, body, { timestamp: now + 6 * 60 })).statusCode).toBe(401);
  });

  test('a body changed after signing is refused', async () => {
    const event = httpEvent(stack, 'command=%2Fpipewatch&text=help');
    const tampered = { ...event, body: 'command=%2Fpipewatch&text=unsubscribe%20all' };
    expect((await stack.handler(tampered)).statusCode).toBe(401);
  });

  test('ssl_check=1 is acknowledged with 200 and no listener runs', async () => {
    const response = await send(stack, 'ssl_check=1&token=deprecated', { secret: 'unsigned' });
    expect(response).toEqual({ statusCode: 200, body: '' });
    expect(stack.slack.workspace.callsTo('response_url')).toHaveLength(0);
  });
});

describe('/pipewatch commands', () => {
  test('help, an empty command, and help for one command', async () => {
    const empty = await command(stack, '');
    expect(empty.status).toBe(200);
    expect(empty.answer).toContain('pipewatch posts AWS CodePipeline state changes');
    expect(empty.answer).toContain('`/pipewatch subscribe');
    expect((await command(stack, 'help')).answer).toContain('/pipewatch unsubscribe');
    expect((await command(stack, 'help subscribe')).answer).toContain('subscribe myPipeline FAILED --level pipeline');
  });

  test.each([
    ['an unknown command', 'frobnicate', 'Unknown command `frobnicate`', 'Usage: `/pipewatch subscribe | unsubscribe'],
    [
      'subscribe without a pipeline',
      'subscribe',
      '`subscribe` needs a pipeline.',
      'Usage: `/pipewatch subscribe &lt;pipeline&gt;',
    ],
    ['an unknown state', 'subscribe myPipeline EXPLODED', '`EXPLODED` is not a state', 'Usage: `/pipewatch subscribe'],
    ['a bad option', 'subscribe myPipeline --colour red', 'Unknown option `--colour`', 'Usage:'],
    [
      'a pattern outside CodePipeline',
      'subscribe --pattern {"source":["aws.ec2"]}',
      'restricted to CodePipeline events',
      'Usage:',
    ],
    [
      'status with two pipelines',
      'status myPipeline web-service',
      '`status` takes one pipeline name.',
      'Usage: `/pipewatch status [pipeline]`',
    ],
    ['list with arguments', 'list everything', '`list` takes no arguments.', 'Usage: `/pipewatch list`'],
    ['unsubscribe without a target', 'unsubscribe', '`unsubscribe` needs', 'Usage: `/pipewatch unsubscribe'],
  ])('%s answers with the reason and the usage, ephemerally', async (_name, text, reason, usage) => {
    const { status, answer } = await command(stack, text);
    expect(status).toBe(200);
    expect(answer).toContain(reason);
    expect(answer).toContain(usage);
    expect(stack.slack.workspace.messages(DEPLOYS)).toHaveLength(0);
    expect(await rulesOnBus()).toHaveLength(0);
  });

  test('subscribe creates one rule on the pipewatch bus: pattern, description, tags, one notify target', async () => {
    const { answer } = await command(stack, 'subscribe myPipeline FAILED --level pipeline');
    expect(answer).toMatch(/^Subscribed this channel to FAILED pipeline events in myPipeline\. Id `[0-9a-z]{10}`/);

    const [rule, ...more] = await rulesOnBus();
    expect(more).toHaveLength(0);
    expect(rule?.Name?.startsWith(channelRulePrefix(deploys))).toBe(true);
    const id = subscriptionIdOfRule(deploys, rule?.Name ?? '');
    expect(answer).toContain(`\`${id}\``);
    const described = await stack.local.eventBridge.send(
      new DescribeRuleCommand({ Name: rule?.Name, EventBusName: BUS }),
    );
    expect(JSON.parse(described.EventPattern ?? '{}')).toEqual({
      source: ['aws.codepipeline'],
      'detail-type': ['CodePipeline Pipeline Execution State Change'],
      detail: { pipeline: ['myPipeline'], state: ['FAILED'] },
    });
    expect(described.Description).toBe('FAILED pipeline events in myPipeline');
    const tags = await stack.local.eventBridge.send(new ListTagsForResourceCommand({ ResourceARN: described.Arn }));
    expect(Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      'pipewatch:channel': DEPLOYS,
      'pipewatch:platform': 'slack',
      'pipewatch:workspace': TEAM,
      'pipewatch:creator': ALICE,
    });
    const targets = await stack.local.eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: rule?.Name, EventBusName: BUS }),
    );
    expect(targets.Targets).toHaveLength(1);
    const [target] = targets.Targets ?? [];
    expect(target?.Arn).toBe(NOTIFY_ARN);
    expect(target?.InputTransformer?.InputTemplate).toContain('<aws.events.event.json>');
    expect(target?.InputTransformer?.InputTemplate).toContain(
      JSON.stringify({ platform: 'slack', workspace: TEAM, channel: DEPLOYS }),
    );
  });

  test('subscribing twice says "already subscribed" and keeps one rule', async () => {
    await command(stack, 'subscribe myPipeline FAILED --level pipeline');
    const again = await command(stack, 'sub myPipeline failed --level=pipeline');
    expect(again.answer).toMatch(
      /^This channel is already subscribed to FAILED pipeline events in myPipeline \(id `[0-9a-z]{10}`\)\.$/,
    );
    expect(await rulesOnBus()).toHaveLength(1);
  });

  test("list shows this channel's subscriptions with ids and commands, never another channel's", async () => {
    expect((await command(stack, 'list')).answer).toContain('This channel has no subscriptions.');
    await command(stack, 'subscribe myPipeline FAILED --level pipeline');
    await command(stack, 'subscribe api-* SUCCEEDED FAILED');
    await command(stack, 'subscribe web-service FAILED', { channel: OTHER, user: BOB });

    const { answer } = await command(stack, 'list');
    const lines = answer.split('\n');
    expect(lines[0]).toBe('This channel has 2 subscriptions:');
    expect(lines.slice(1)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^• `[0-9a-z]{10}` FAILED pipeline events in myPipeline — `\/pipewatch subscribe myPipeline FAILED --level pipeline`$/,
        ),
        expect.stringMatching(
          /^• `[0-9a-z]{10}` FAILED or SUCCEEDED pipeline, stage and action events in pipelines starting with api- — `\/pipewatch subscribe api-\* FAILED SUCCEEDED`$/,
        ),
      ]),
    );
    expect(answer).not.toContain('web-service');
    expect((await command(stack, 'ls', { channel: OTHER, user: BOB })).answer).toContain('web-service');
  });

  test("unsubscribe by id, by the same arguments, and all: only this channel's rules", async () => {
    await command(stack, 'subscribe myPipeline FAILED --level pipeline');
    await command(stack, 'subscribe web-service FAILED');
    await command(stack, 'subscribe nightly-data SUCCEEDED');
    await command(stack, 'subscribe myPipeline FAILED --level pipeline', { channel: OTHER, user: BOB });
    const otherRules = await rulesOnBus(channelRulePrefix(other));
    expect(otherRules).toHaveLength(1);
    const otherId = subscriptionIdOfRule(other, otherRules[0]?.Name ?? '') ?? '';

    // Another channel's id is not this channel's to remove.
    expect((await command(stack, `unsubscribe ${otherId}`)).answer).toContain(
      `This channel has no subscription \`${otherId}\``,
    );
    expect(await rulesOnBus(channelRulePrefix(other))).toHaveLength(1);

    const mine = await rulesOnBus(channelRulePrefix(deploys));
    const webRule = mine.find((r) => r.Description?.includes('web-service'));
    const webId = subscriptionIdOfRule(deploys, webRule?.Name ?? '');
    const byId = await command(stack, `unsubscribe ${webId}`);
    expect(byId.answer).toContain('Unsubscribed:');
    expect(byId.answer).toContain('web-service');

    const byArgs = await command(stack, 'unsubscribe myPipeline FAILED --level pipeline');
    expect(byArgs.answer).toContain('FAILED pipeline events in myPipeline');
    expect((await command(stack, 'unsubscribe myPipeline FAILED --level pipeline')).answer).toContain(
      'This channel is not subscribed to FAILED pipeline events in myPipeline',
    );

    await command(stack, 'subscribe web-service FAILED');
    const all = await command(stack, 'unsubscribe all');
    expect(all.answer).toContain('Unsubscribed from 2 subscriptions:');
    expect(await rulesOnBus(channelRulePrefix(deploys))).toHaveLength(0);
    expect(await rulesOnBus(channelRulePrefix(other))).toHaveLength(1);
    expect((await command(stack, 'unsubscribe all')).answer).toBe('This channel has no subscriptions.');
  });

  test('status summarises GetPipelineState stage by stage', async () => {
    expect((await command(stack, 'status myPipeline')).answer).toContain('Source: not run yet');
    stack.local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', {
      mode: 'once',
      summary: 'Tests failed: 3 of 120',
    });
    await stack.local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
    stack.clock.advance(70_000);
    const { answer } = await command(stack, 'status myPipeline');
    const lines = answer.split('\n');
    expect(lines[0]).toBe('*myPipeline* (version 1)');
    expect(lines[1]).toMatch(/^:white_check_mark: Source: Succeeded \(execution [0-9a-f]{8}\)$/);
    expect(lines[2]).toMatch(/^:x: Build: Failed \(execution [0-9a-f]{8}\)$/);
    expect(lines[3]).toBe('    ↳ Build failed: Tests failed: 3 of 120');
    expect(lines[4]).toBe(':white_circle: Approval: not run yet');
    expect((await command(stack, 'status noSuchPipeline')).answer).toContain('Pipeline noSuchPipeline was not found');
  });

  test('a base64 body with non-ASCII text is read as UTF-8', async () => {
    const { status, answer } = await command(stack, 'status déploiement-✅', { base64: true });
    expect(status).toBe(200);
    expect(answer).toContain('`déploiement-✅` is not a valid pipeline name.');
  });
});

describe('names checked against the account (ListPipelines, GetPipeline)', () => {
  const NOTHING_SUBSCRIBED = 'Nothing was subscribed. Add `--allow-missing` to subscribe to a name before it exists.';

  test('a mistyped pipeline is refused with the nearest name, and no rule is created', async () => {
    const { answer } = await command(stack, 'subscribe myPipline FAILED');
    expect(answer).toBe(
      `There is no pipeline \`myPipline\` in this account and region: did you mean \`myPipeline\`?\n${NOTHING_SUBSCRIBED}`,
    );
    expect(await rulesOnBus()).toHaveLength(0);
  });

  test('a pipeline like none of them is refused, listing a few existing names', async () => {
    const { answer } = await command(stack, 'subscribe noSuchPipeline FAILED');
    expect(answer.split('\n')).toEqual([
      'There is no pipeline `noSuchPipeline` in this account and region.',
      'Its pipelines include `myPipeline`, `nightly-data` and `web-service`.',
      NOTHING_SUBSCRIBED,
    ]);
    expect(await rulesOnBus()).toHaveLength(0);
  });

  test("a mistyped stage is refused with the nearest of the pipeline's stages (GetPipeline)", async () => {
    const { answer } = await command(stack, 'subscribe myPipeline FAILED --stage Biuld');
    expect(answer).toBe(
      `Pipeline \`myPipeline\` has no stage \`Biuld\`: did you mean \`Build\`?\n${NOTHING_SUBSCRIBED}`,
    );
    const unknown = await command(stack, 'subscribe web-service --stage Integration');
    expect(unknown.answer).toContain(
      'Pipeline `web-service` has no stage `Integration`. Its stages: `Source`, `Test`, `Staging` and `Production`.',
    );
    // Under `*`, the stage is looked for in every pipeline (a few): Test is web-service's.
    expect((await command(stack, 'subscribe * FAILED --stage Tset')).answer).toContain(
      'has a stage `Tset`: did you mean `Test`?',
    );
    expect(await rulesOnBus()).toHaveLength(0);

    expect((await command(stack, 'subscribe * FAILED --stage Test')).answer).toMatch(/^Subscribed this channel/);
    expect(await rulesOnBus()).toHaveLength(1);
  });

  test('a prefix with no pipeline yet is accepted with a note; one that matches, without', async () => {
    const { answer } = await command(stack, 'subscribe api-* FAILED');
    expect(answer.split('\n')).toEqual([
      expect.stringMatching(
        /^Subscribed this channel to FAILED .* in pipelines starting with api-\. Id `[0-9a-z]{10}`/,
      ),
      'Note: No pipeline starts with `api-` yet: this subscription applies as soon as one does.',
    ]);
    expect((await command(stack, 'subscribe web-* FAILED')).answer).not.toContain('Note:');
    expect(await rulesOnBus()).toHaveLength(2);
  });

  test('--allow-missing subscribes to a pipeline or stage that does not exist yet, with a note', async () => {
    const { answer } = await command(stack, 'subscribe new-service FAILED --allow-missing');
    expect(answer.split('\n')).toEqual([
      expect.stringMatching(/^Subscribed this channel to FAILED .* in new-service\. Id `[0-9a-z]{10}`/),
      'Note: Pipeline `new-service` does not exist yet: subscribed anyway (`--allow-missing`).',
    ]);
    const stage = await command(stack, 'subscribe myPipeline FAILED --stage Canary --allow-missing');
    expect(stage.answer).toContain(
      'Note: Pipeline `myPipeline` has no stage `Canary`: subscribed anyway (`--allow-missing`).',
    );
    const [rule] = (await rulesOnBus()).filter((r) => r.Description?.includes('new-service'));
    const described = await stack.local.eventBridge.send(
      new DescribeRuleCommand({ Name: rule?.Name, EventBusName: BUS }),
    );
    expect(JSON.parse(described.EventPattern ?? '{}').detail.pipeline).toEqual(['new-service']);
    // The same arguments (with or without the switch) find it again.
    expect((await command(stack, 'unsubscribe new-service FAILED --allow-missing')).answer).toContain('Unsubscribed:');
  });

  test('a pipeline created a moment ago is not refused, though the cached list lacks it', async () => {
    await command(stack, 'subscribe api-* FAILED'); // lists the pipelines: cached for a minute
    stack.local.aws.codePipeline.definePipelines({
      pipelines: [
        {
          name: 'api-orders',
          stages: [
            {
              name: 'Source',
              actions: [{ name: 'Source', category: 'Source', provider: 'CodeCommit', configuration: {} }],
            },
            { name: 'Approval', actions: [{ name: 'Approval', category: 'Approval', provider: 'Manual' }] },
          ],
        },
      ],
    });
    expect((await command(stack, 'subscribe api-orders FAILED --stage Source')).answer).toMatch(/^Subscribed/);
  });

  test('when CodePipeline cannot be asked, the subscription is made and the answer says the name was not checked', async () => {
    await stack.stop();
    // Nothing listens on port 1: every CodePipeline call fails on the network, as with no route to AWS.
    const unreachable = new CodePipelineClient({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    stack = await startStack(undefined, { codePipeline: () => unreachable });
    try {
      const { answer } = await command(stack, 'subscribe myPipeline FAILED --stage Build');
      expect(answer.split('\n')).toEqual([
        expect.stringMatching(/^Subscribed this channel to FAILED stage events \(stage Build\) in myPipeline\./),
        'Note: Could not check pipeline `myPipeline` and stage `Build` (CodePipeline could not be reached): subscribed as typed.',
      ]);
      expect(await rulesOnBus()).toHaveLength(1);
      expect(stack.log.lines).toContainEqual(
        expect.objectContaining({ level: 'warn', message: 'subscribe: a name could not be checked' }),
      );
    } finally {
      unreachable.destroy();
    }
  });
});

describe('typos in the command itself', () => {
  test('an unknown subcommand suggests the nearest one', async () => {
    const { answer } = await command(stack, 'subscrib myPipeline FAILED');
    expect(answer).toContain('Unknown command `subscrib`: did you mean `subscribe`?');
    expect(answer).toContain(
      'Usage: `/pipewatch subscribe | unsubscribe | list | status | run | snooze | unsnooze | help`',
    );
    expect(await rulesOnBus()).toHaveLength(0);
  });

  test('an unknown state suggests the nearest one', async () => {
    const { answer } = await command(stack, 'subscribe myPipeline FAILD');
    expect(answer).toContain('Unknown state `FAILD`: did you mean FAILED?');
    expect(await rulesOnBus()).toHaveLength(0);
  });

  test("unsubscribe of an unknown id says so and shows the channel's ids; a near one is suggested", async () => {
    expect((await command(stack, 'unsubscribe nosuchid')).answer).toBe(
      'This channel has no subscription `nosuchid`: it has no subscriptions.',
    );
    await command(stack, 'subscribe myPipeline FAILED --level pipeline');
    await command(stack, 'subscribe web-service SUCCEEDED');
    const mine = await rulesOnBus(channelRulePrefix(deploys));
    const ids = mine.map((rule) => subscriptionIdOfRule(deploys, rule.Name ?? '') ?? '').sort();

    const { answer } = await command(stack, 'unsubscribe nosuchid');
    const lines = answer.split('\n');
    expect(lines[0]).toBe('This channel has no subscription `nosuchid`. Its subscriptions:');
    expect(lines.slice(1)).toEqual(ids.map((id) => expect.stringMatching(new RegExp(`^• \`${id}\` `))));

    // One letter off: the id it probably was.
    const [first] = ids as [string];
    const typo = `${first.slice(0, -1)}${first.endsWith('z') ? 'y' : 'z'}`;
    const near = await command(stack, `unsubscribe ${typo}`);
    expect(near.answer.split('\n')[0]).toBe(`This channel has no subscription \`${typo}\`: did you mean \`${first}\`?`);
    expect(await rulesOnBus(channelRulePrefix(deploys))).toHaveLength(2);

    // The id in capitals is the same id.
    expect((await command(stack, `unsubscribe ${first.toUpperCase()}`)).answer).toContain('Unsubscribed:');
  });
});
