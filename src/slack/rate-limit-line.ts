// (adapter detail) a Web API method's calls (chat.postMessage: per channel, and per workspace above) after a 429: in line, one at a time, in arrival order --> no herd of retries Slack refuses again
/**
 * The calls of one Web API method (chat.postMessage: to one channel) that Slack refused (429), and
 * those that came while such calls wait: each has its turn after the one before it settles, so that after a 429 one request at a time
 * probes the limit instead of every waiting call retrying at the same Retry-After and nearly all of
 * them being refused again (the herd that made 1,000 posts at once answer ~14,000 429s and left half
 * of them waiting past their budget, in no particular order). Calls go straight to Slack again
 * once nobody waits.
 */
export class RateLimitLine {
  private waiting = 0;
  private tail: Promise<unknown> = Promise.resolve();
  /** Calls of the line Slack took (straight or in line): a refused call that sees one since its 429 tries again at once. */
  admitted = 0;
  /** When Slack last took one (ms since the epoch). */
  lastAdmittedAt = Number.NEGATIVE_INFINITY;

  /** Slack took a call of the line at `at`. */
  note(at: number): void {
    this.admitted++;
    this.lastAdmittedAt = at;
  }

  /** Whether calls wait in line: a new call joins it rather than jump it. */
  get busy(): boolean {
    return this.waiting > 0;
  }

  /** Runs `run` once every call that joined the line before it has settled. */
  turn<T>(run: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(run);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this.waiting--;
    });
  }
}
