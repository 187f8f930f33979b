import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileEventPattern, validateEventPattern } from '../../../../src/core/patterns';

const FIXTURES = path.resolve(__dirname, '../../../fixtures');

function readFixture(folder: string, file: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, folder, file), 'utf8'));
}

const eventFiles = readdirSync(path.join(FIXTURES, 'codepipeline')).filter((file) => file.endsWith('.json'));

/**
 * Which CodePipeline fixtures each seed pattern (the AWS guide's examples)
 * delivers. The `*-captured` events are in the CodeStar Notifications envelope,
 * which says `detailType`, so EventBridge patterns never match them.
 */
const EXPECTED: Record<string, readonly string[]> = {
  'all-events-for-specific-pipelines.json': [
    'action-abandoned-codedeploy-2023rev.json',
    'action-failed-codedeploy-2023rev.json',
    'action-succeeded-codecommit-source-2023rev.json',
    'pipeline-failed-2023rev.json',
    'pipeline-started-2023rev.json',
    'pipeline-stopping-2023rev.json',
  ],
  'failed-approval-actions.json': [],
  'failed-deploy-and-build-actions.json': ['action-failed-codedeploy-2023rev.json'],
  'pipeline-failed-myPipeline-put-rule.json': ['pipeline-failed-2023rev.json'],
};

describe('seed patterns against CodePipeline fixtures', () => {
  test.each(Object.entries(EXPECTED))('%s', (patternFile, expected) => {
    // Prepare: the file's text, exactly as it would be given to PutRule
    const text = readFileSync(path.join(FIXTURES, 'seed-patterns', patternFile), 'utf8');
    // Act
    const compiled = compileEventPattern(text);
    const matched = eventFiles.filter((file) => compiled.matches(readFixture('codepipeline', file)));
    // Assess
    expect(validateEventPattern(text)).toEqual(JSON.parse(text));
    expect(matched.sort()).toEqual([...expected].sort());
  });

  test('a captured CodeStar event matches once its detailType is spelled detail-type', () => {
    const captured = readFixture('codepipeline', 'action-failed-codebuild-captured.json') as Record<string, unknown>;
    const { detailType, ...rest } = captured;
    const asEventBridge = { ...rest, 'detail-type': detailType };
    const compiled = compileEventPattern(
      readFileSync(path.join(FIXTURES, 'seed-patterns', 'failed-deploy-and-build-actions.json'), 'utf8'),
    );

    expect(compiled.matches(captured)).toBe(false);
    expect(compiled.matches(asEventBridge)).toBe(true);
  });
});
