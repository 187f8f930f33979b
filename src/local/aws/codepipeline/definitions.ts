// (local AWS) pipeline definitions (the small file format or CreatePipeline's shape) --> checked, normalised PipelineDefinitions
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ActionDefinition, ExecutionMode, PipelineType, StageDefinition } from './model';

/**
 * Pipeline definitions: the two shapes the simulator reads, both validated with zod and
 * normalised to one `PipelineDefinition`.
 *
 * 1. The small definitions format (`loadDefinitions(path)` / `definePipelines(defs)`), for
 *    local runs and tests. Everything but names, categories and providers has a default:
 *
 * ```json
 * {
 *   "pipelines": [
 *     {
 *       "name": "myPipeline",
 *       "executionMode": "SUPERSEDED",
 *       "stages": [
 *         { "name": "Source", "actions": [{ "name": "Source", "category": "Source", "provider": "CodeCommit", "runOrder": 1, "durationSeconds": 5 }] },
 *         { "name": "Build", "actions": [{ "name": "Build", "category": "Build", "provider": "CodeBuild", "durationSeconds": 60 }] },
 *         { "name": "Approval", "actions": [{ "name": "Approval", "category": "Approval", "provider": "Manual" }] },
 *         { "name": "Prod", "actions": [{ "name": "Deploy", "category": "Deploy", "provider": "CodeDeploy", "configuration": { "ApplicationName": "app" } }] }
 *       ]
 *     }
 *   ]
 * }
 * ```
 *
 *    Action fields: `name`, `category` (Source | Build | Test | Deploy | Approval | Invoke | Compute),
 *    `provider` (defaults by category: CodeCommit, CodeBuild, CodeBuild, CodeDeploy, Manual, Lambda),
 *    `owner` ("AWS"), `version` ("1"), `runOrder` (1; equal runOrders run in parallel),
 *    `durationSeconds` (defaults by category), `region` (the simulator's), `configuration`,
 *    `inputArtifacts` / `outputArtifacts` (artifact names; by default a Source action outputs
 *    "SourceArtifact", a Build action "BuildArtifact", and Build/Test/Deploy actions read the
 *    artifact produced last before them).
 *
 * 2. The AWS shape of CreatePipeline / GetPipeline (`pipeline.stages[].actions[].actionTypeId
 *    {category, owner, provider, version}`, `runOrder`, `region`, `inputArtifacts: [{name}]`, ...).
 *    A definitions file may use it too, action by action; `durationSeconds` is accepted there as a
 *    simulator extension and is never returned by GetPipeline.
 */
export interface PipelineDefinition {
  name: string;
  roleArn: string;
  artifactStore: { type: string; location: string };
  executionMode: ExecutionMode;
  pipelineType: PipelineType;
  stages: StageDefinition[];
}

export const NAME_PATTERN = /^[A-Za-z0-9.@\-_]+$/;
const name = z.string().min(1).max(100).regex(NAME_PATTERN);
const stringMap = z.record(z.string(), z.string());

const CATEGORIES = ['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval', 'Compute'] as const;
const DEFAULT_PROVIDER: Record<(typeof CATEGORIES)[number], string> = {
  Source: 'CodeCommit',
  Build: 'CodeBuild',
  Test: 'CodeBuild',
  Deploy: 'CodeDeploy',
  Approval: 'Manual',
  Invoke: 'Lambda',
  Compute: 'Commands',
};

const durationSeconds = z
  .number()
  .nonnegative()
  .max(30 * 24 * 3600);

/** An action of the small format. */
const simpleActionSchema = z.strictObject({
  name,
  category: z.enum(CATEGORIES),
  provider: z.string().min(1).max(35).optional(),
  owner: z.enum(['AWS', 'ThirdParty', 'Custom']).optional(),
  version: z.string().min(1).max(9).optional(),
  runOrder: z.number().int().min(1).max(999).optional(),
  durationSeconds: durationSeconds.optional(),
  region: z.string().min(4).max(30).optional(),
  configuration: stringMap.optional(),
  inputArtifacts: z.array(name).optional(),
  outputArtifacts: z.array(name).optional(),
  namespace: z.string().min(1).max(100).optional(),
});

/** ActionDeclaration of the CodePipeline API (unknown members ignored, as the service ignores them). */
export const awsActionSchema = z.object({
  name,
  actionTypeId: z.object({
    category: z.enum(CATEGORIES),
    owner: z.enum(['AWS', 'ThirdParty', 'Custom']),
    provider: z.string().min(1).max(35),
    version: z.string().min(1).max(9),
  }),
  runOrder: z.number().int().min(1).max(999).optional(),
  configuration: stringMap.optional(),
  outputArtifacts: z.array(z.object({ name })).optional(),
  inputArtifacts: z.array(z.object({ name })).optional(),
  roleArn: z.string().max(1024).optional(),
  region: z.string().min(4).max(30).optional(),
  namespace: z.string().min(1).max(100).optional(),
  durationSeconds: durationSeconds.optional(),
});

const stageSchema = z.object({
  name,
  actions: z.array(z.union([awsActionSchema, simpleActionSchema])),
});

/** PipelineDeclaration of the CodePipeline API (CreatePipeline's `pipeline`). */
export const awsPipelineSchema = z.object({
  name,
  roleArn: z.string().min(1).max(1024),
  artifactStore: z.object({ type: z.literal('S3'), location: z.string().min(3).max(63) }).optional(),
  stages: z.array(z.object({ name, actions: z.array(awsActionSchema) })),
  version: z.number().int().min(1).optional(),
  executionMode: z.enum(['QUEUED', 'SUPERSEDED', 'PARALLEL']).optional(),
  pipelineType: z.enum(['V1', 'V2']).optional(),
});

const filePipelineSchema = z.object({
  name,
  roleArn: z.string().min(1).max(1024).optional(),
  artifactStore: z.object({ type: z.literal('S3'), location: z.string().min(3).max(63) }).optional(),
  executionMode: z.enum(['QUEUED', 'SUPERSEDED', 'PARALLEL']).optional(),
  pipelineType: z.enum(['V1', 'V2']).optional(),
  stages: z.array(stageSchema),
});

/** The definitions file: `{ "pipelines": [...] }`; an entry may also be GetPipeline's `{ "pipeline": {...} }`. */
export const definitionsFileSchema = z.object({
  pipelines: z.array(z.union([filePipelineSchema, z.object({ pipeline: filePipelineSchema })])),
});

export type DefinitionsFile = z.input<typeof definitionsFileSchema>;
type FilePipeline = z.output<typeof filePipelineSchema>;
type AnyAction = z.output<typeof simpleActionSchema> | z.output<typeof awsActionSchema>;

export interface DefinitionContext {
  region: string;
  accountId: string;
}

/** Parses a definitions document (already JSON-decoded); throws an Error naming each bad path. */
export function parseDefinitions(input: unknown, context: DefinitionContext): PipelineDefinition[] {
  const parsed = definitionsFileSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error(`Invalid pipeline definitions: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data.pipelines.map((entry) => {
    const pipeline = 'pipeline' in entry ? entry.pipeline : entry;
    const definition = normalizePipeline(pipeline, context);
    const problem = structureProblem(definition);
    if (problem !== undefined) throw new Error(`Invalid pipeline definition '${definition.name}': ${problem}`);
    return definition;
  });
}

/** Reads and parses a definitions file (see the format above). */
export function readDefinitionsFile(file: string, context: DefinitionContext): PipelineDefinition[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read pipeline definitions from ${file}: ${(error as Error).message}`);
  }
  return parseDefinitions(json, context);
}

export function normalizePipeline(
  pipeline: FilePipeline | z.output<typeof awsPipelineSchema>,
  context: DefinitionContext,
): PipelineDefinition {
  let lastArtifact: string | undefined;
  const stages = pipeline.stages.map((stage) => ({
    name: stage.name,
    actions: stage.actions.map((action): ActionDefinition => {
      const normalized = normalizeAction(action, context, lastArtifact);
      const produced = normalized.outputArtifacts.at(-1);
      if (produced !== undefined) lastArtifact = produced.name;
      return normalized;
    }),
  }));
  return {
    name: pipeline.name,
    roleArn: pipeline.roleArn ?? `arn:aws:iam::${context.accountId}:role/service-role/AWSCodePipelineServiceRole-local`,
    artifactStore: pipeline.artifactStore ?? {
      type: 'S3',
      location: `codepipeline-${context.region}-${context.accountId}`,
    },
    executionMode: pipeline.executionMode ?? 'SUPERSEDED',
    pipelineType: pipeline.pipelineType ?? 'V2',
    stages,
  };
}

function normalizeAction(action: AnyAction, context: DefinitionContext, lastArtifact?: string): ActionDefinition {
  const common = {
    name: action.name,
    runOrder: action.runOrder ?? 1,
    region: action.region ?? context.region,
    configuration: action.configuration ?? {},
    ...(action.namespace === undefined ? {} : { namespace: action.namespace }),
    ...(action.durationSeconds === undefined ? {} : { durationSeconds: action.durationSeconds }),
  };
  if ('actionTypeId' in action) {
    return {
      ...common,
      actionTypeId: { ...action.actionTypeId },
      inputArtifacts: (action.inputArtifacts ?? []).map((a) => ({ name: a.name })),
      outputArtifacts: (action.outputArtifacts ?? []).map((a) => ({ name: a.name })),
      ...(action.roleArn === undefined ? {} : { roleArn: action.roleArn }),
    };
  }
  const category = action.category;
  const defaultInputs =
    ['Build', 'Test', 'Deploy'].includes(category) && lastArtifact !== undefined ? [lastArtifact] : [];
  const defaultOutputs = category === 'Source' ? ['SourceArtifact'] : category === 'Build' ? ['BuildArtifact'] : [];
  return {
    ...common,
    actionTypeId: {
      category,
      owner: action.owner ?? 'AWS',
      provider: action.provider ?? DEFAULT_PROVIDER[category],
      version: action.version ?? '1',
    },
    inputArtifacts: (action.inputArtifacts ?? defaultInputs).map((n) => ({ name: n })),
    outputArtifacts: (action.outputArtifacts ?? defaultOutputs).map((n) => ({ name: n })),
  };
}

/**
 * The structural rules CodePipeline enforces on a declaration (InvalidStructureException):
 * at least two stages, unique names, source actions exactly in the first stage.
 */
export function structureProblem(definition: PipelineDefinition): string | undefined {
  const { stages } = definition;
  if (stages.length < 2) return 'Pipeline has fewer than 2 stages; a pipeline must contain at least two stages';
  const stageNames = new Set<string>();
  for (const [index, stage] of stages.entries()) {
    if (stageNames.has(stage.name)) return `Stage name '${stage.name}' is not unique`;
    stageNames.add(stage.name);
    if (stage.actions.length === 0) return `Stage '${stage.name}' must contain at least one action`;
    const actionNames = new Set<string>();
    for (const action of stage.actions) {
      if (actionNames.has(action.name)) return `Action name '${action.name}' is not unique in stage '${stage.name}'`;
      actionNames.add(action.name);
      const isSource = action.actionTypeId.category === 'Source';
      if (index === 0 && !isSource)
        return `Stage '${stage.name}' is the first stage and may contain only source actions`;
      if (index > 0 && isSource) return `Source action '${action.name}' must be in the first stage`;
    }
  }
  return undefined;
}
