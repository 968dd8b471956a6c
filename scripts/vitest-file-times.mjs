// A vitest reporter for `npm test` (scripts/test.mjs): how long each test file took, loading its
// imports and its beforeAll and afterAll included (the JSON report times its tests only, so an
// install in a beforeAll would not show there). Written as JSON, for the summary's slowest files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Where the times go (from the project's folder); CCSTUDIO_FILE_TIMES names another file. */
export const FILE_TIMES = 'test-results/file-times.json';

export default class FileTimes {
  onInit(vitest) {
    this.out = resolve(vitest.config.root, process.env.CCSTUDIO_FILE_TIMES || FILE_TIMES);
  }

  onFinished(files = []) {
    const times = files.map((f) => ({
      file: f.filepath,
      ms: Math.round((f.collectDuration ?? 0) + (f.result?.duration ?? 0)),
    }));
    mkdirSync(dirname(this.out), { recursive: true });
    writeFileSync(this.out, JSON.stringify(times) + '\n');
  }
}
