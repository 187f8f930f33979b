// (local AWS) a local service's state <--> one JSON file under --data DIR, written atomically; in memory without a directory
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Keeps a service's state as one JSON file under `--data DIR`, written atomically (temp file +
 * rename) after each change, so a crash never leaves a half-written file. Without a directory
 * everything stays in memory.
 */
export class JsonSnapshot<T> {
  private readonly file: string | undefined;

  constructor(dataDir: string | undefined, name: string) {
    if (dataDir !== undefined) {
      mkdirSync(dataDir, { recursive: true });
      this.file = path.join(dataDir, `${name}.json`);
    }
  }

  load(): T | undefined {
    if (this.file === undefined) return undefined;
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`Cannot read local AWS state from ${this.file}: ${(error as Error).message}`);
    }
  }

  save(state: T): void {
    if (this.file === undefined) return;
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(state));
    renameSync(temp, this.file);
  }
}
