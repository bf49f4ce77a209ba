/** Every folder in the broken-model corpus fails to load with the message its cases.json entry names. */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFolder } from '../../engine/model/loader';
import { ModelLoadError } from '../../engine/model/errors';

const dir = join(__dirname, '../fixtures/broken-models');
const index = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { cases: { case: string; expected: string; file: string }[] };

describe('broken model corpus', () => {
  it('indexes every case folder', () => {
    const folders = readdirSync(dir).filter((f) => statSync(join(dir, f)).isDirectory());
    expect(index.cases.map((c) => c.case).sort()).toEqual(folders.sort());
  });

  for (const c of index.cases) {
    it(`${c.case}: ${c.expected}`, async () => {
      const err = await loadModelFolder(join(dir, c.case)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, 'the folder loaded although it is broken').toBeInstanceOf(ModelLoadError);
      expect((err as ModelLoadError).message).toContain(c.expected);
      expect((err as ModelLoadError).file.endsWith(c.file)).toBe(true);
    });
  }

  it('names a folder that does not exist', async () => {
    await expect(loadModelFolder(join(dir, 'no-such-folder'))).rejects.toThrow(/model folder not found: .*no-such-folder/);
  });
});
