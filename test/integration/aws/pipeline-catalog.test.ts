import { CodePipelinePipelineClient } from '../../../src/aws/codepipeline-client';
import { CachedPipelineCatalog, type PipelineNameSource } from '../../../src/aws/pipeline-catalog';
import { PipelineApiError } from '../../../src/core/ports';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';

/*
 * The pipeline catalog (what subscribe checks names against) through the real CodePipeline
 * adapter and SDK client against the simulator: ListPipelines pages, GetPipeline's stages,
 * and the short per-container cache in front of them.
 */

let local: LocalAwsClients;
let pipelines: CodePipelinePipelineClient;
let calls: string[];
/** The real adapter, with each call noted (to see what the cache saves). */
let source: PipelineNameSource;
let now: number;

beforeEach(async () => {
  local = await startLocalAwsWithClients({ definitionsFile: SAMPLE_PIPELINES_FILE });
  // One pipeline per page, so that listing follows nextToken.
  pipelines = new CodePipelinePipelineClient({ client: local.codePipeline, region: local.aws.region, pageSize: 1 });
  calls = [];
  source = {
    listPipelineNames: () => {
      calls.push('ListPipelines');
      return pipelines.listPipelineNames();
    },
    getPipelineStageNames: (name) => {
      calls.push(`GetPipeline ${name}`);
      return pipelines.getPipelineStageNames(name);
    },
  };
  now = 1_000_000;
});
afterEach(() => local.stop());

function definePipeline(name: string): void {
  local.aws.codePipeline.definePipelines({
    pipelines: [
      {
        name,
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
}

test('listPipelineNames follows every page of ListPipelines', async () => {
  expect(await pipelines.listPipelineNames()).toEqual(['myPipeline', 'nightly-data', 'web-service']);
});

test('pipeline names are read once per TTL; a pipeline created meanwhile appears after it', async () => {
  const catalog = new CachedPipelineCatalog({ source, ttlMs: 60_000, now: () => now });
  const [first, concurrent] = await Promise.all([catalog.pipelineNames(), catalog.pipelineNames()]);
  expect(first).toEqual(['myPipeline', 'nightly-data', 'web-service']);
  expect(concurrent).toBe(first);
  definePipeline('api-orders');
  now += 59_000;
  expect(await catalog.pipelineNames()).not.toContain('api-orders');
  now += 1_000;
  expect(await catalog.pipelineNames()).toContain('api-orders');
  expect(calls).toEqual(['ListPipelines', 'ListPipelines']);
});

test("stage names are GetPipeline's declared stages, cached per pipeline", async () => {
  const catalog = new CachedPipelineCatalog({ source, now: () => now });
  expect(await catalog.stageNames('myPipeline')).toEqual(['Source', 'Build', 'Approval', 'Prod']);
  expect(await catalog.stageNames('myPipeline')).toEqual(['Source', 'Build', 'Approval', 'Prod']);
  expect(await catalog.stageNames('web-service')).toEqual(['Source', 'Test', 'Staging', 'Production']);
  expect(calls).toEqual(['GetPipeline myPipeline', 'GetPipeline web-service']);
  now += 60_000;
  await catalog.stageNames('myPipeline');
  expect(calls).toHaveLength(3);
});

test('a missing pipeline is PipelineNotFoundException, and is not cached', async () => {
  const catalog = new CachedPipelineCatalog({ source, now: () => now });
  const error = await catalog.stageNames('api-orders').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PipelineApiError);
  expect((error as PipelineApiError).code).toBe('PipelineNotFoundException');
  definePipeline('api-orders');
  expect(await catalog.stageNames('api-orders')).toEqual(['Source', 'Approval']);
});

test('a failure to list is not cached: the next call asks again', async () => {
  const catalog = new CachedPipelineCatalog({ source, now: () => now });
  await local.stop();
  await expect(catalog.pipelineNames()).rejects.toThrow();
  local = await startLocalAwsWithClients({ definitionsFile: SAMPLE_PIPELINES_FILE });
  pipelines = new CodePipelinePipelineClient({ client: local.codePipeline, region: local.aws.region });
  expect(await catalog.pipelineNames()).toEqual(['myPipeline', 'nightly-data', 'web-service']);
  expect(calls).toEqual(['ListPipelines', 'ListPipelines']);
});
