/** The recent-files list (File → Open Recent), kept as JSON in the user-data folder. Node only. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const MAX_RECENT_FILES = 10;

export class RecentFiles {
  private paths: string[];

  constructor(private readonly storePath: string) {
    this.paths = RecentFiles.load(storePath);
  }

  private static load(storePath: string): string[] {
    try {
      const value: unknown = JSON.parse(readFileSync(storePath, 'utf8'));
      return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT_FILES) : [];
    } catch {
      return [];
    }
  }

  /** Most recent first, only files that still exist. */
  list(): string[] {
    return this.paths.filter((p) => existsSync(p));
  }

  add(path: string): void {
    this.paths = [path, ...this.paths.filter((p) => p !== path)].slice(0, MAX_RECENT_FILES);
    this.save();
  }

  clear(): void {
    this.paths = [];
    this.save();
  }

  private save(): void {
    try {
      mkdirSync(dirname(this.storePath), { recursive: true });
      writeFileSync(this.storePath, JSON.stringify(this.paths, null, 2));
    } catch {
      // A read-only profile only costs the recent list.
    }
  }
}
