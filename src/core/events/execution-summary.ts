// (core) external-execution-summary: free text, or a source connection's JSON --> raw text plus commit message
/**
 * `external-execution-summary` is free text ("Build terminated with state:
 * FAILED") for most providers, but CodeStar source connections put a
 * JSON-encoded object in it: `{"ProviderType":"GitHub","CommitMessage":"..."}`.
 * Both are kept: `raw` verbatim, and the decoded fields when it is JSON.
 */
export interface ExecutionSummary {
  /** The summary exactly as received. */
  readonly raw: string;
  /** What a person should read: the commit message for JSON summaries, else the raw text. */
  readonly text: string;
  /** The decoded object when the summary is a JSON object, otherwise undefined. */
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly providerType?: string;
  readonly commitMessage?: string;
}

export function parseExecutionSummary(raw: string): ExecutionSummary {
  const fields = decodeJsonObject(raw);
  if (fields === undefined) return { raw, text: raw };
  const providerType = stringField(fields, 'ProviderType');
  const commitMessage = stringField(fields, 'CommitMessage');
  return { raw, text: commitMessage ?? raw, fields, providerType, commitMessage };
}

function decodeJsonObject(text: string): Record<string, unknown> | undefined {
  // Cheap guard: free text almost never starts with "{", and JSON.parse on every summary would be wasteful.
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringField(fields: Record<string, unknown>, key: string): string | undefined {
  const value = Object.hasOwn(fields, key) ? fields[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}
