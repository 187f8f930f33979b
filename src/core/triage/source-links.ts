// (core) a source revision (revisionUrl, CodeStar FullRepositoryId, the trigger's repository) --> its repository --> commit and compare links (GitHub, Bitbucket, GitLab, CodeCommit)
import { consoleHost, isConsoleHost, parseExecutionSummary } from '../events';
import { webUrl } from '../messages';

/** The source hosts whose commit and compare pages have a known address. */
export type SourceHost = 'GitHub' | 'Bitbucket' | 'GitLab' | 'CodeCommit';

/** A repository on a source host: `owner/name` (a GitLab group path may be deeper), or a CodeCommit repository and its region. */
export interface SourceRepository {
  readonly host: SourceHost;
  readonly path: string;
  /** CodeCommit only: where the repository lives. */
  readonly region?: string;
}

/** One source revision as CodePipeline reports it (artifactRevisions, sourceRevisions). */
export interface RevisionLike {
  readonly revisionId: string;
  readonly revisionSummary?: string;
  readonly revisionUrl?: string;
}

/** What the execution's trigger says of the repository (execution-trigger's provider-type, full-repository-name). */
export interface RepositoryHint {
  readonly providerType?: string;
  readonly repository?: string;
}

/** CodeStar connections' provider types with a public host; Enterprise Server and Self Managed have none known. */
const PUBLIC_PROVIDERS: Readonly<Record<string, SourceHost>> = {
  GitHub: 'GitHub',
  Bitbucket: 'Bitbucket',
  GitLab: 'GitLab',
  CodeCommit: 'CodeCommit',
};

const HOSTS: Readonly<Record<string, SourceHost>> = {
  'github.com': 'GitHub',
  'bitbucket.org': 'Bitbucket',
  'gitlab.com': 'GitLab',
};

/** A revision id that may go into a URL path as it is: a git SHA, a tag-like token. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A repository path segment (GitHub, Bitbucket, GitLab, CodeCommit names are within it). */
const SAFE_SEGMENT = /^[A-Za-z0-9._-]{1,100}$/;
/** An AWS region code. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * The repository of a revision: from its revisionUrl (a github.com, bitbucket.org or gitlab.com
 * commit page; CodeStar connections' redirect URL with `FullRepositoryId`, its provider from the
 * summary's `ProviderType`; a CodeCommit console page), else from the trigger's hint. Undefined for
 * hosts without a known address (GitHub Enterprise Server, GitLab self-managed, S3, ECR).
 */
export function sourceRepositoryOf(
  revision: RevisionLike,
  hint: RepositoryHint | undefined,
  region: string,
): SourceRepository | undefined {
  return repositoryOfUrl(revision, hint, region) ?? repositoryOfHint(hint, region);
}

function repositoryOfUrl(
  revision: RevisionLike,
  hint: RepositoryHint | undefined,
  region: string,
): SourceRepository | undefined {
  const href = webUrl(revision.revisionUrl);
  if (href === undefined) return undefined;
  const url = new URL(href);
  const segments = url.pathname
    .split('/')
    .filter((part) => part !== '')
    .map(safeDecode);
  const host = HOSTS[url.hostname.replace(/^www\./, '')];
  if (host !== undefined) {
    // GitLab: the group path runs up to `/-/`; GitHub and Bitbucket: owner/name.
    const end = host === 'GitLab' && segments.includes('-') ? segments.indexOf('-') : 2;
    return repository(host, segments.slice(0, end));
  }
  if (!isConsoleHost(url.hostname)) return undefined;
  const connectionRepository = url.searchParams.get('FullRepositoryId');
  if (connectionRepository !== null) {
    const provider = providerTypeOf(revision.revisionSummary) ?? hint?.providerType;
    const known = provider === undefined ? undefined : PUBLIC_PROVIDERS[provider];
    return known === undefined || known === 'CodeCommit'
      ? undefined
      : repository(known, connectionRepository.split('/'));
  }
  // The CodeCommit console: /codesuite/codecommit/repositories/<name>/… or the older #/repository/<name>/….
  const inPath = segments.indexOf('repositories');
  const fromHash = /^#\/repository\/([^/]+)/.exec(url.hash)?.[1];
  const name = inPath >= 0 && segments.includes('codecommit') ? segments[inPath + 1] : fromHash && safeDecode(fromHash);
  if (name === undefined || (!url.pathname.includes('codecommit') && fromHash === undefined)) return undefined;
  const hostRegion = /^([a-z0-9-]+)\.console\.aws\.amazon\.com$/.exec(url.hostname)?.[1];
  const where = [url.searchParams.get('region'), hostRegion, region].find(
    (candidate): candidate is string => typeof candidate === 'string' && REGION.test(candidate),
  );
  return where === undefined ? undefined : repository('CodeCommit', [name], where);
}

function repositoryOfHint(hint: RepositoryHint | undefined, region: string): SourceRepository | undefined {
  if (hint?.providerType === undefined || hint.repository === undefined) return undefined;
  const host = PUBLIC_PROVIDERS[hint.providerType];
  if (host === undefined) return undefined;
  return host === 'CodeCommit'
    ? repository(host, [hint.repository], REGION.test(region) ? region : undefined)
    : repository(host, hint.repository.split('/'));
}

function repository(host: SourceHost, segments: readonly string[], region?: string): SourceRepository | undefined {
  const minimum = host === 'CodeCommit' ? 1 : 2;
  if (segments.length < minimum || !segments.every((segment) => SAFE_SEGMENT.test(segment))) return undefined;
  if (host === 'CodeCommit') return region === undefined ? undefined : { host, path: segments.join('/'), region };
  return { host, path: (host === 'GitLab' ? segments : segments.slice(0, 2)).join('/') };
}

/** The commit's page on its host; undefined for an id that is not a plain revision token. */
export function commitUrl(repo: SourceRepository, id: string): string | undefined {
  if (!SAFE_ID.test(id)) return undefined;
  switch (repo.host) {
    case 'GitHub':
      return `https://github.com/${repo.path}/commit/${id}`;
    case 'Bitbucket':
      return `https://bitbucket.org/${repo.path}/commits/${id}`;
    case 'GitLab':
      return `https://gitlab.com/${repo.path}/-/commit/${id}`;
    case 'CodeCommit':
      return `${codeCommitBase(repo)}/commit/${id}?region=${repo.region}`;
  }
}

/** The page that shows what changed from `from` to `to`; undefined when either id is not a plain revision token. */
export function compareUrl(repo: SourceRepository, from: string, to: string): string | undefined {
  if (!SAFE_ID.test(from) || !SAFE_ID.test(to)) return undefined;
  switch (repo.host) {
    case 'GitHub':
      return `https://github.com/${repo.path}/compare/${from}...${to}`;
    case 'Bitbucket':
      // Bitbucket Cloud names the newer revision first, separated by an encoded carriage return.
      return `https://bitbucket.org/${repo.path}/branches/compare/${to}%0D${from}`;
    case 'GitLab':
      return `https://gitlab.com/${repo.path}/-/compare/${from}...${to}`;
    case 'CodeCommit':
      return `${codeCommitBase(repo)}/compare/${from}/.../${to}?region=${repo.region}`;
  }
}

function codeCommitBase(repo: SourceRepository): string {
  return `https://${consoleHost(repo.region)}/codesuite/codecommit/repositories/${repo.path}`;
}

/**
 * A revision summary's commit message: CodeStar connections write JSON
 * (`{"ProviderType":"GitHub","CommitMessage":"…"}`), CodeCommit and GitHub (version 1) the message itself.
 */
export function commitMessageOf(summary: string | undefined): string | undefined {
  if (summary === undefined || summary.trim() === '') return undefined;
  const parsed = parseExecutionSummary(summary);
  return parsed.fields === undefined ? summary : parsed.commitMessage;
}

function providerTypeOf(summary: string | undefined): string | undefined {
  return summary === undefined ? undefined : parseExecutionSummary(summary).providerType;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
