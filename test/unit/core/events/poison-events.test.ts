import { canonicalJson } from '../../../../src/core/canonical-json';
import {
  executionConsoleUrl,
  InvalidPipelineEventError,
  parsePipelineEvent,
  safeParsePipelineEvent,
  synthesizeEventId,
} from '../../../../src/core/events';
import { type ExecutionState, executionToAlertMessage, mergeEvent } from '../../../../src/core/executions';
import { buildAlertMessage, isWebUrl, webUrl } from '../../../../src/core/messages';
import { eventWithDetail, fixtureCopy } from './event-builders';

/** Regressions of the issue "Nothing lost, nothing twice, nothing forged", item 4: poison events. */

const ACTION_FAILED = 'codepipeline/action-failed-codedeploy-2023rev.json';
const CODESTAR_STAGE_FAILED = 'codepipeline/stage-failed-build-captured.json';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function issuesOf(input: unknown): { path: string; message: string }[] {
  const result = safeParsePipelineEvent(input);
  if (result.success) throw new Error('expected the event to be refused');
  return [...result.error.issues];
}

describe('names and ids AWS never emits are refused at parse', () => {
  it.each([
    ['pipeline', 'my\ud800Pipeline'],
    ['pipeline', 'a b'],
    ['pipeline', 'x'.repeat(101)],
    ['stage', '\udc00Build'],
    ['stage', 'Build/Test'],
    ['action', 'Deploy\u0000'],
  ])('detail.%s %j', (field, value) => {
    const issues = issuesOf(eventWithDetail(ACTION_FAILED, { [field]: value }));
    expect(issues).toEqual([
      expect.objectContaining({
        path: `detail.${field}`,
        message: expect.stringMatching(/^expected a CodePipeline name \(1 to 100 of A-Z a-z 0-9 \. @ - _\), got "/),
      }),
    ]);
  });

  it.each(['e-1', '\ud800', '12345678-1234-5678-abcd-12345678abc', '../x'])('detail.execution-id %j', (value) => {
    expect(() => parsePipelineEvent(eventWithDetail(ACTION_FAILED, { 'execution-id': value }))).toThrow(
      /detail\.execution-id: expected an execution id \(a UUID/,
    );
  });

  it('keeps the names CodePipeline allows', () => {
    const event = parsePipelineEvent(
      eventWithDetail(ACTION_FAILED, {
        pipeline: 'A.b-c_d@e',
        stage: 'x'.repeat(100),
        action: '0',
        'execution-id': 'ABCDEF01-2345-6789-ABCD-EF0123456789',
      }),
    );
    expect(event).toMatchObject({ pipeline: 'A.b-c_d@e', action: '0' });
  });

  it('an empty name is still "expected a non-empty string", said once', () => {
    expect(issuesOf(eventWithDetail(ACTION_FAILED, { pipeline: '' }))).toEqual([
      { path: 'detail.pipeline', message: 'expected a non-empty string, got ""' },
    ]);
  });
});

describe('deep nesting', () => {
  /** The 7 KB CodeStar-shaped event of the issue: 3,000 nested arrays in an attribute. */
  function deepCodeStarEvent(depth: number): Record<string, unknown> {
    const event = fixtureCopy(CODESTAR_STAGE_FAILED);
    let deep: unknown = [];
    for (let i = 0; i < depth; i++) deep = [deep];
    event.additionalAttributes = { ...(event.additionalAttributes as object), sourceActions: deep };
    return event;
  }

  it('refuses an event nested deeper than 64 levels, naming where', () => {
    const text = JSON.stringify(deepCodeStarEvent(3_000));
    expect(text.length).toBeLessThan(8_000);
    const act = () => parsePipelineEvent(text);
    expect(act).toThrow(InvalidPipelineEventError);
    expect(act).toThrow(/additionalAttributes\.sourceActions\[0\](\[0\])+: nested deeper than 64 levels/);
  });

  it('takes an event nested up to 64 levels', () => {
    expect(safeParsePipelineEvent(deepCodeStarEvent(60)).success).toBe(true);
  });

  it('canonical JSON and the synthesized id never overflow the stack, whatever the depth', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 20_000; i++) deep = i % 2 === 0 ? [deep] : { k: deep };
    expect(canonicalJson(deep)).toMatch(/^\{"k":\[\{"k":\[/);
    expect(synthesizeEventId({ detail: deep })).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-/);
  });

  it('canonical JSON is unchanged: keys sorted, cycles and odd values as before', () => {
    const cyclic: Record<string, unknown> = { b: [1, undefined, Number.NaN, 10n], a: { z: null, y: () => 1 } };
    cyclic.self = cyclic;
    expect(canonicalJson(cyclic)).toBe('{"a":{"z":null},"b":[1,null,null,"10"],"self":"[Circular]"}');
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('a\ud800')).toBe('"a\\ud800"');
  });
});

describe('rendering never throws for any stored state', () => {
  function storedState(changes: Partial<ExecutionState>): ExecutionState {
    const state = mergeEvent(undefined, parsePipelineEvent(fixtureCopy(ACTION_FAILED)));
    return { ...state, ...changes };
  }

  it('the console link of a lone surrogate (URIError before)', () => {
    const url = executionConsoleUrl({ region: 'us-west-2', pipeline: 'my\ud800Pipeline', executionId: '\udc00' });
    expect(url).toBe(
      'https://us-west-2.console.aws.amazon.com/codesuite/codepipeline/pipelines/my%EF%BF%BDPipeline/executions/%EF%BF%BD/timeline?region=us-west-2',
    );
  });

  it('the console link is already normalised, whatever the region says', () => {
    const url = executionConsoleUrl({ region: "us-west-2'", pipeline: 'p', executionId: 'e' });
    expect(webUrl(url)).toBe(url);
    expect(url.endsWith('?region=us-west-2%27')).toBe(true);
  });

  it('an execution message of a stored state with lone surrogates, title well-formed', () => {
    const message = executionToAlertMessage(storedState({ pipeline: 'my\ud800Pipeline', executionId: '\udc00e' }));
    expect(message.title).toBe('my\ufffdPipeline · execution \ufffde');
    expect(message.links[0]?.url).toContain('/pipelines/my%EF%BF%BDPipeline/');
  });

  it('a stored state of another layout drops the broken parts, keeps title and link', () => {
    const broken = storedState({ stages: null, actions: 7 } as unknown as Partial<ExecutionState>);
    const message = executionToAlertMessage(broken);
    expect(message.title).toBe('myPipeline · execution 12345678');
    expect(message.links.map((link) => link.kind)).toEqual(['console']);
    expect(message.status).toMatchObject({ known: false });
  });
});

describe('headers and links', () => {
  it('an unknown state with a lone surrogate reaches the title and status well-formed', () => {
    const message = buildAlertMessage(parsePipelineEvent(eventWithDetail(ACTION_FAILED, { state: 'PAUSED\ud800' })));
    expect(LONE_SURROGATE.test(message.title)).toBe(false);
    expect(LONE_SURROGATE.test(message.status.label)).toBe(false);
    expect(message.status.label).toContain('PAUSED\ufffd');
  });

  it.each([
    ['https:/host/x', 'https://host/x'],
    ['HTTPS://EXAMPLE.com/a/../b', 'https://example.com/b'],
    ['https://example.com/\udc00', 'https://example.com/%EF%BF%BD'],
  ])('an external link %j is normalised to %j', (raw, normalised) => {
    const event = fixtureCopy(ACTION_FAILED);
    (event.detail['execution-result'] as Record<string, unknown>)['external-execution-url'] = raw;
    const parsed = parsePipelineEvent(event);
    expect(buildAlertMessage(parsed).links.find((link) => link.kind === 'external')?.url).toBe(normalised);
  });

  it.each(['javascript:alert(1)', 'file:///etc/passwd', 'http://[::1', 'mailto:a@b.c', '//example.com'])(
    '%j is no link',
    (raw) => {
      expect(isWebUrl(raw)).toBe(false);
      expect(webUrl(raw)).toBeUndefined();
    },
  );
});
