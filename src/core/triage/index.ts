// (core) public API of the triage pack: reading it for a failure reply, its links and log tail
export { cloudWatchLogUrl, fetchTriage, type TriageDeps, withTriage, withTriggerAuthor } from './fetch-triage';
export { logTail, MAX_LOG_LINE, tailWithin } from './log-tail';
export {
  commitMessageOf,
  commitUrl,
  compareUrl,
  type RepositoryHint,
  type RevisionLike,
  type SourceHost,
  type SourceRepository,
  sourceRepositoryOf,
} from './source-links';
