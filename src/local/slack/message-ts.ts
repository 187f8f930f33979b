// (local Slack) message timestamps as Slack makes them ("<seconds>.<6 digits>"), unique and strictly increasing
/**
 * Message timestamps as Slack makes them: `"<seconds>.<6 digits>"`, unique per workspace and strictly
 * increasing even when two messages are posted in the same microsecond (ts is a message's id).
 */
export class MessageTsClock {
  private lastMicros = 0;

  constructor(private readonly now: () => number) {}

  next(): string {
    const micros = Math.max(Math.floor(this.now() * 1000), this.lastMicros + 1);
    this.lastMicros = micros;
    return formatTs(micros);
  }

  /** Never hands out `ts` or anything before it again (messages restored from `--data DIR`). */
  advancePast(ts: string): void {
    this.lastMicros = Math.max(this.lastMicros, parseTs(ts));
  }
}

export function formatTs(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
}

/** The microseconds a ts stands for (`"1712345678.000123"` → 1712345678000123). */
export function parseTs(ts: string): number {
  const [seconds = '0', micros = '0'] = ts.split('.');
  return Number(seconds) * 1_000_000 + Number(micros.padEnd(6, '0').slice(0, 6));
}

/** A ts as Slack expects it; a number that went through a float (`1712345678.1`) does not match. */
export const TS_PATTERN = /^\d{10}\.\d{6}$/;
