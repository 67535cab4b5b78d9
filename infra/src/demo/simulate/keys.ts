import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A courier or locker the simulation made, under the id it got and the key it was given. */
export interface Actor {
  id: string;
  key: string;
}

export interface DemoKeys {
  platform?: string;
  /** Site id → a site key made for the simulation (the seeder's keys are not kept). */
  sites: Record<string, string>;
  /** By slot: courier 1, 2, …; their keys come only with their creation, so they are kept. */
  couriers: Record<string, Actor>;
  lockers: Record<string, Actor>;
}

/**
 * The keys of a demo run, kept in `.local/demo-keys.json` (mode 0600, gitignored) so a re-run
 * uses the same couriers, lockers and keys instead of making new ones each time. A key found
 * stale (a fresh database) is replaced. Without a file the keys live only as long as the run.
 */
export class KeyBook {
  private constructor(
    readonly keys: DemoKeys,
    private readonly file: string | undefined,
  ) {}

  static async open(file: string | undefined): Promise<KeyBook> {
    const empty: DemoKeys = { sites: {}, couriers: {}, lockers: {} };
    if (!file) return new KeyBook(empty, undefined);
    const text = await readFile(file, 'utf8').catch(() => '');
    let stored: Partial<DemoKeys> = {};
    try {
      stored = text ? (JSON.parse(text) as Partial<DemoKeys>) : {};
    } catch {
      // A damaged file only costs new keys.
    }
    return new KeyBook({ ...empty, ...stored }, file);
  }

  async save(): Promise<void> {
    if (!this.file) return;
    await mkdir(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(this.keys, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
