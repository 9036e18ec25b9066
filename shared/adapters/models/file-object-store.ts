import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectStore } from './object-model-store.ts';

/**
 * Objects as files under a directory (locally `<dataDir>/models/`): a key is a relative
 * path. Writes go to a temporary file renamed into place, so a reader never sees half a model.
 */
export class FileObjectStore implements ObjectStore {
  constructor(readonly dir: string) {}

  async get(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.pathOf(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async put(key: string, body: string): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, body);
    await rename(temporary, file);
  }

  async list(prefix: string): Promise<string[]> {
    const slash = prefix.lastIndexOf('/');
    const folder = slash < 0 ? '' : prefix.slice(0, slash + 1);
    let names: string[];
    try {
      names = await readdir(this.pathOf(folder || '.'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .filter((n) => !n.endsWith('.tmp'))
      .map((n) => `${folder}${n}`)
      .filter((k) => k.startsWith(prefix))
      .sort();
  }

  /** @throws Error for a key that would leave the directory */
  private pathOf(key: string): string {
    const resolved = path.resolve(this.dir, key);
    if (resolved !== path.resolve(this.dir) && !resolved.startsWith(`${path.resolve(this.dir)}${path.sep}`))
      throw new Error(`model store key ${key} leaves ${this.dir}`);
    return resolved;
  }
}
