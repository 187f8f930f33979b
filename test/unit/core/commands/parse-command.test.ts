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
    expect(parseCommand('')).toEqual({ kind: 'help' });
    expect(parseCommand('help sub')).toEqual({ kind: 'help', topic: 'subscribe' });
  });

  test.each([
    ['frobnicate', /Unknown command `frobnicate`/, /Usage: subscribe \| unsubscribe/],
    ['subscribe', /needs a pipeline/, /Usage: subscribe <pipeline>/],
    ['subscribe p NOPE', /`NOPE` is not a state/, /Usage: subscribe/],
    ['unsubscribe', /needs a subscription id/, /Usage: unsubscribe/],
    ['list everything', /takes no arguments/, /Usage: list/],
    ['status', /needs a pipeline name/, /Usage: status <pipeline>/],
    ['status a b', /takes one pipeline name/, /Usage: status/],
    ['status no/slashes', /not a valid pipeline name/, /Usage: status/],
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
