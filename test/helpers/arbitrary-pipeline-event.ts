import fc from 'fast-check';
import { type PipelineEvent, safeParsePipelineEvent } from '../../src/core/events';
import { fixtureCopy } from '../unit/core/events/event-builders';
import { listFixtures } from './fixtures';

const FIXTURES = [...listFixtures('codepipeline'), ...listFixtures('codepipeline/handmade')];

/**
 * Parsed CodePipeline events whose every name, state, summary, URL and commit is drawn from `text`
 * (a platform's hostile strings): a fixture of each shape with its fields replaced, kept when the
 * production parser accepts it. The renderers' property tests draw from it.
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
        pipeline: draw.names.pipeline,
        'execution-id': draw.names.executionId,
        stage: draw.names.stage,
        action: draw.names.action,
        'execution-trigger': draw.commit,
        type: { provider: 'P', category: draw.category },
        'execution-result': { 'external-execution-summary': draw.summary, 'external-execution-url': draw.url },
      });
      return safeParsePipelineEvent(input);
    })
    .filter((result) => result.success)
    .map((result) => (result.success ? result.event : undefined))
    .filter((event): event is PipelineEvent => event !== undefined);
}
