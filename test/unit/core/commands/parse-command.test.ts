import fc from 'fast-check';
import { helpText, InvalidCommandError, parseCommand, tokenize } from '../../../../src/core/commands';
import { unescapeSlack } from '../../../../src/slack/command-text';

describe('tokenize', () => {
  test('splits on white space, honours quotes and Slack escapes', () => {
    expect(tokenize(unescapeSlack('  subscribe   "my pipe" x&amp;y &lt;a&gt; '))).toEqual([
      'subscribe',
      'my pipe',
      'x&y',
      '<a>',
    ]);
  });

  test('typographic quotes count as quotes', () => {
    expect(tokenize('status \u201cmyPipeline\u201d')).toEqual(['status', 'myPipeline']);
  });

  test('--pattern takes the rest of the text', () => {
    expect(tokenize('subscribe --pattern {"source": ["aws.codepipeline"]}')).toEqual([
      'subscribe',
      '--pattern',
      '{"source": ["aws.codepipeline"]}',
    ]);
    expect(tokenize('subscribe --pattern={"a": 1}')).toEqual(['subscribe', '--pattern', '{"a": 1}']);
  });
});

describe('parseCommand', () => {
  test('subscribe', () => {
    expect(parseCommand('subscribe myPipeline FAILED')).toMatchObject({
      kind: 'subscribe',
      subscription: { kind: 'filter', pipelines: [{ kind: 'name', name: 'myPipeline' }], states: ['FAILED'] },
    });
  });

  test('subscribe with a pattern typed with smart quotes and Slack escapes', () => {
    const command = parseCommand(
      unescapeSlack(
        'subscribe --pattern {\u201csource\u201d:[\u201caws.codepipeline\u201d],\u201cdetail\u201d:{\u201cpipeline\u201d:[\u201ca&amp;b\u201d]}}',
      ),
    );
    expect(command).toEqual({
      kind: 'subscribe',
      subscription: { kind: 'pattern', pattern: { source: ['aws.codepipeline'], detail: { pipeline: ['a&b'] } } },
      allowMissing: false,
    });
  });

  test('unsubscribe forms', () => {
    expect(parseCommand('unsubscribe all')).toEqual({ kind: 'unsubscribe', target: { kind: 'all' } });
    expect(parseCommand('unsubscribe 0k3x9q2m7a')).toMatchObject({
      kind: 'unsubscribe',
      target: { kind: 'id', id: '0k3x9q2m7a', orSubscription: { kind: 'filter' } },
    });
    expect(parseCommand('unsubscribe myPipeline FAILED --level pipeline')).toMatchObject({
      kind: 'unsubscribe',
      target: { kind: 'subscription', subscription: { levels: ['pipeline'] } },
    });
  });

  test('list, status, help, aliases and case', () => {
    expect(parseCommand('LIST')).toEqual({ kind: 'list' });
    expect(parseCommand('ls')).toEqual({ kind: 'list' });
    expect(parseCommand('status myPipeline')).toEqual({ kind: 'status', pipeline: 'myPipeline' });
    // Alone: the pipewatch bus's rules against its quota.
    expect(parseCommand('status')).toEqual({ kind: 'status' });
    expect(parseCommand('run myPipeline')).toEqual({ kind: 'run', pipeline: 'myPipeline' });
    expect(parseCommand('RUN api-service')).toEqual({ kind: 'run', pipeline: 'api-service' });
    expect(parseCommand('help run')).toEqual({ kind: 'help', topic: 'run' });
    expect(parseCommand('')).toEqual({ kind: 'help' });
    expect(parseCommand('help sub')).toEqual({ kind: 'help', topic: 'subscribe' });
  });

  test.each([
    ['frobnicate', /Unknown command `frobnicate`/, /Usage: subscribe \| unsubscribe/],
    ['subscribe', /needs a pipeline/, /Usage: subscribe <pipeline>/],
    ['subscribe p NOPE', /`NOPE` is not a state/, /Usage: subscribe/],
    ['unsubscribe', /needs a subscription id/, /Usage: unsubscribe/],
    ['list everything', /takes no arguments/, /Usage: list/],
    ['status a b', /takes one pipeline name/, /Usage: status/],
    ['status no/slashes', /not a valid pipeline name/, /Usage: status/],
    ['run', /`run` needs a pipeline name/, /Usage: run <pipeline>/],
    ['run a b', /`run` takes one pipeline name/, /Usage: run <pipeline>/],
    ['run no/slashes', /not a valid pipeline name/, /Usage: run/],
    ['run *', /not a valid pipeline name/, /Usage: run/],
    ['help me', /There is no command `me`/, /Usage: help/],
  ])('`%s` is refused with the reason and the usage', (text, reason, usage) => {
    let error: unknown;
    try {
      parseCommand(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidCommandError);
    expect((error as InvalidCommandError).message).toMatch(reason);
    expect((error as InvalidCommandError).message).toMatch(usage);
  });

  test('any text gives a command or an InvalidCommandError, nothing else', () => {
    const words = fc.constantFrom(
      'subscribe',
      'unsubscribe',
      'list',
      'status',
      'run',
      'help',
      'all',
      '*',
      'api-*',
      'FAILED',
      'abandoned',
      '--level',
      'pipeline',
      'stage',
      'action',
      '--stage',
      '--action',
      '--category',
      'Deploy,Build',
      '--pattern',
      '{',
      '}',
      '"',
      '“',
      '&amp;',
      '__proto__',
      'constructor',
      'toString',
      '--level=',
      ',',
      'myPipeline',
      '0k3x9q2m7a',
      '{"source":["aws.codepipeline"]}',
      '--allow-missing',
      '--allow-missing=1',
      'subscrib',
      'FAILD',
      'nosuchid',
    );
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.array(fc.oneof(words, fc.string()), { maxLength: 8 }).map((w) => w.join(' ')),
    );
    fc.assert(
      fc.property(text, (input) => {
        try {
          const command = parseCommand(input);
          expect(typeof command.kind).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidCommandError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('suggestions for a typo', () => {
  function refusal(text: string): string {
    try {
      parseCommand(text);
    } catch (error) {
      if (error instanceof InvalidCommandError) return error.reason;
      throw error;
    }
    throw new Error(`\`${text}\` was not refused`);
  }

  test.each([
    ['subscrib myPipeline', 'Unknown command `subscrib`: did you mean `subscribe`?'],
    ['unsubscirbe all', 'Unknown command `unsubscirbe`: did you mean `unsubscribe`?'],
    ['lst', 'Unknown command `lst`: did you mean `list`?'],
    ['STAUTS myPipeline', 'Unknown command `STAUTS`: did you mean `status`?'],
    ['rnu myPipeline', 'Unknown command `rnu`: did you mean `run`?'],
    ['frobnicate', 'Unknown command `frobnicate`.'],
    ['help subscibe', 'There is no command `subscibe`: did you mean `subscribe`?'],
    ['help me', 'There is no command `me`.'],
    ['help subscribe list', '`help` takes one command.'],
  ])('a command: `%s`', (text, reason) => {
    expect(refusal(text)).toBe(reason);
  });

  test.each([
    ['subscribe myPipeline FAILD', 'Unknown state `FAILD`: did you mean FAILED?'],
    ['subscribe myPipeline suceeded', 'Unknown state `SUCEEDED`: did you mean SUCCEEDED?'],
    ['subscribe myPipeline ABANDONNED --level action', 'Unknown state `ABANDONNED`: did you mean ABANDONED?'],
    ['subscribe myPipeline --stgae Build', 'Unknown option `--stgae`: did you mean `--stage`?'],
    ['subscribe myPipeline --allow-mising', 'Unknown option `--allow-mising`: did you mean `--allow-missing`?'],
    ['subscribe myPipeline --colour red', 'Unknown option `--colour`.'],
    ['subscribe myPipeline --level stgae', 'Unknown level `stgae`: did you mean stage?'],
    ['subscribe myPipeline --level everything', 'Unknown level `everything`: use pipeline, stage or action.'],
    ['subscribe myPipeline --category Deplyo', '`Deplyo` is not an action category: did you mean Deploy?'],
  ])('a subscription: `%s`', (text, reason) => {
    expect(refusal(text)).toBe(reason);
  });

  test('a state of another level is not a typo: the valid states are listed instead', () => {
    expect(refusal('subscribe myPipeline SUPERSEDED --stage Build')).toBe(
      '`SUPERSEDED` is not a state of stage events. Valid states: STARTED, SUCCEEDED, RESUMED, FAILED, CANCELED, STOPPING, STOPPED.',
    );
    expect(refusal('subscribe myPipeline EXPLODED')).toMatch(/^`EXPLODED` is not a state of .* Valid states: /);
  });
});

describe('--allow-missing', () => {
  test('subscribe reads it, in any position and case; without it, names must exist', () => {
    expect(parseCommand('subscribe new-service FAILED --allow-missing')).toMatchObject({
      kind: 'subscribe',
      allowMissing: true,
      subscription: { pipelines: [{ kind: 'name', name: 'new-service' }], states: ['FAILED'] },
    });
    expect(parseCommand('subscribe --Allow-Missing new-service --stage Build')).toMatchObject({
      allowMissing: true,
      subscription: { stage: 'Build' },
    });
    expect(parseCommand('subscribe new-service FAILED')).toMatchObject({ allowMissing: false });
  });

  test('it does not change the subscription, so unsubscribe with the same arguments finds it', () => {
    const withIt = parseCommand('subscribe new-service FAILED --allow-missing');
    const without = parseCommand('subscribe new-service FAILED');
    expect(withIt.kind === 'subscribe' && withIt.subscription).toEqual(
      without.kind === 'subscribe' && without.subscription,
    );
    expect(parseCommand('unsubscribe new-service FAILED --allow-missing')).toEqual({
      kind: 'unsubscribe',
      target: { kind: 'subscription', subscription: without.kind === 'subscribe' && without.subscription },
    });
  });

  test('it takes no value, and is in the usage and the help', () => {
    expect(() => parseCommand('subscribe p --allow-missing=yes')).toThrow('`--allow-missing` takes no value.');
    expect(helpText('/pipewatch')).toContain('[--allow-missing]');
    expect(helpText('/pipewatch', 'subscribe')).toContain('`/pipewatch subscribe new-service FAILED --allow-missing`');
  });
});

describe('unsubscribe <one word>', () => {
  test('a word of letters and digits is an id first (a mistyped one too), then a pipeline name', () => {
    expect(parseCommand('unsubscribe nosuchid')).toEqual({
      kind: 'unsubscribe',
      target: {
        kind: 'id',
        id: 'nosuchid',
        orSubscription: {
          kind: 'filter',
          pipelines: [{ kind: 'name', name: 'nosuchid' }],
          levels: expect.any(Array),
          states: [],
          categories: [],
        },
      },
    });
    expect(parseCommand('unsubscribe myPipeline')).toMatchObject({ target: { kind: 'id', id: 'myPipeline' } });
  });

  test('a name with other characters, a prefix or a list is a subscription', () => {
    expect(parseCommand('unsubscribe web-service')).toMatchObject({ target: { kind: 'subscription' } });
    expect(parseCommand('unsubscribe api-*')).toMatchObject({ target: { kind: 'subscription' } });
    expect(parseCommand('unsubscribe *')).toMatchObject({ target: { kind: 'subscription' } });
    expect(parseCommand('unsubscribe a,b')).toMatchObject({ target: { kind: 'subscription' } });
  });
});

describe('help', () => {
  test('lists every command with its usage', () => {
    const text = helpText('/pipewatch');
    for (const word of ['subscribe', 'unsubscribe', 'list', 'status', 'help'])
      expect(text).toContain(`/pipewatch ${word}`);
  });

  test('help for one command has examples that parse', () => {
    const text = helpText('/pipewatch', 'subscribe');
    const examples = [...text.matchAll(/• `\/pipewatch (.+)`/g)].map((m) => m[1] as string);
    expect(examples.length).toBeGreaterThan(2);
    for (const example of examples) expect(parseCommand(example).kind).toBe('subscribe');
  });
});
