import fc from 'fast-check';
import { type PipelineEvent, safeParsePipelineEvent } from '../../src/core/events';
import { fixtureCopy } from '../unit/core/events/event-builders';
import { listFixtures } from './fixtures';

const FIXTURES = [...listFixtures('codepipeline'), ...listFixtures('codepipeline/handmade')];

/**
 * Parsed CodePipeline events whose every name, state, summary, URL and commit is drawn from `text`
 * (a platform's hostile strings): a fixture of each shape with its fields replaced, kept when the
 * production parser accepts it. The renderers' property tests draw from it.
 *
 * The parser refuses names and execution ids CodePipeline never emits (names
 * `[A-Za-z0-9.@\-_]{1,100}`, ids UUIDs), yet a renderer must take any text: a state stored before
 * the parser refused them still renders. So the names are put on the parsed event, not parsed.
 */
export function arbitraryPipelineEvent(text: fc.Arbitrary<string>): fc.Arbitrary<PipelineEvent> {
  return fc
    .record({
      path: fc.constantFrom(...FIXTURES),
      state: fc.oneof(text, fc.constantFrom('FAILED', 'STARTED', 'SUCCEEDED', 'ABANDONED')),
      names: fc.record({ pipeline: text, stage: text, action: text, executionId: text }),
      category: fc.option(fc.oneof(text, fc.constantFrom('Approval', 'Build', 'Source')), { nil: undefined }),
      summary: fc.option(text, { nil: undefined }),
      url: fc.option(fc.oneof(fc.webUrl(), text), { nil: undefined }),
      commit: fc.option(fc.record({ 'commit-id': text, 'commit-message': text, 'branch-name': text }), {
        nil: undefined,
      }),
    })
    .map((draw) => {
      const input = fixtureCopy(draw.path);
      Object.assign(input.detail, {
        state: draw.state,
        'execution-trigger': draw.commit,
        type: { provider: 'P', category: draw.category },
        'execution-result': { 'external-execution-summary': draw.summary, 'external-execution-url': draw.url },
      });
      const result = safeParsePipelineEvent(input);
      // Empty names identify nothing (the parser refuses them, as it always did).
      const named = Object.values(draw.names).every((name) => name !== '');
      return result.success && named ? withNames(result.event, draw.names) : undefined;
    })
    .filter((event): event is PipelineEvent => event !== undefined);
}

function withNames(
  event: PipelineEvent,
  names: { pipeline: string; stage: string; action: string; executionId: string },
): PipelineEvent {
  const ids = { pipeline: names.pipeline, executionId: names.executionId };
  switch (event.level) {
    case 'pipeline':
      return { ...event, ...ids };
    case 'stage':
      return { ...event, ...ids, stage: names.stage };
    case 'action':
      return { ...event, ...ids, stage: names.stage, action: names.action };
  }
}
