// The GitHub workflows cannot run here; what can be checked is that they parse, trigger when the
// issue says, and call scripts and files that exist in this checkout.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  needs?: string[];
  strategy?: { matrix: { os: string[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

function load(name: string): Workflow {
  return yaml.load(readFileSync(join(root, '.github', 'workflows', name), 'utf8')) as Workflow;
}
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');
/** Every `npm run X` a workflow calls must be a script in package.json. */
function npmScripts(text: string): string[] {
  return [...text.matchAll(/npm run (\S+)/g)].map((m) => m[1]!);
}

describe('CI workflow', () => {
  const ci = load('ci.yml');
  it('runs the README test command through .ci/run on every push', () => {
    expect(Object.keys(ci.on)).toContain('push');
    expect(runs(ci.jobs.test!)).toMatch(/bash \.ci\/run/);
    expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
  });
});

describe('release workflow', () => {
  const release = load('release.yml');
  it('starts on a version tag', () => {
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
  });

  it('builds the installers on Linux and macOS runners with npm run dist', () => {
    const job = release.jobs.installers!;
    const os = job.strategy!.matrix.os;
    expect(os.some((o) => o.startsWith('ubuntu'))).toBe(true);
    expect(os.some((o) => o.startsWith('macos'))).toBe(true);
    expect(runs(job)).toMatch(/npm run dist/);
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(String(upload?.with?.path)).toMatch(/\*\.AppImage[\s\S]*\*\.deb[\s\S]*\*\.dmg/);
  });

  it('packs the CLI and attaches everything to the release once both are built', () => {
    expect(runs(release.jobs.cli!)).toMatch(/npm run pack:cli/);
    const publish = release.jobs.publish!;
    expect(publish.needs).toEqual(['installers', 'cli']);
    expect(publish.steps.some((s) => s.uses?.startsWith('softprops/action-gh-release'))).toBe(true);
  });

  it('calls only scripts and files this checkout has', () => {
    for (const file of ['ci.yml', 'release.yml']) {
      const text = readFileSync(join(root, '.github', 'workflows', file), 'utf8');
      for (const name of npmScripts(text)) expect(scripts[name], `${file}: npm run ${name}`).toBeDefined();
    }
    for (const script of [scripts.dist, scripts['pack:cli']]) {
      const file = /node (\S+)/.exec(script ?? '')?.[1];
      expect(file && existsSync(join(root, file)), script).toBe(true);
    }
  });
});
