import type { ClickClaims } from '../../src/core/ports';

/**
 * Double-click claims in memory, with the DynamoDB store's contract: the first claim of a key
 * within its TTL wins, later ones lose. `now` is injectable so a test can let a claim expire.
 * Stands in until the DynamoDB click-claims adapter lands.
 */
export class InMemoryClickClaims implements ClickClaims {
  private readonly expiries = new Map<string, number>();
  readonly claims: string[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  async claimClick(key: string, ttlSeconds: number): Promise<boolean> {
    this.claims.push(key);
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > this.now()) return false;
    this.expiries.set(key, this.now() + ttlSeconds * 1000);
    return true;
  }
}
