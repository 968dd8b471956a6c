// The contract's purity is a compile error: its own project (main/contract/tsconfig.json) has no
// Node and no DOM types. A probe file, served from memory into the contract folder, uses each
// thing the contract may not; the real folder must compile clean and reach no Node or DOM types.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CONTRACT_PROJECT = join(ROOT, 'main/contract/tsconfig.json');
const ROOT_PROJECT = join(ROOT, 'tsconfig.json');
/** Never written to disk: the compiler host below serves it. */
const PROBE = join(ROOT, 'main/contract/purityProbe.ts');

/** One line each: what a Node or browser habit would bring into the contract. */
const FORBIDDEN = {
  nodeImport: "import { readFileSync } from 'node:fs';",
  process: 'export const home = process.env.HOME;',
  buffer: "export const bytes = Buffer.from('x');",
  document: 'export const title = document.title;',
  window: 'export const width = window.innerWidth;',
  nodeUse: "export const text = readFileSync('x', 'utf8');",
} as const;
const PROBE_TEXT = Object.values(FORBIDDEN).join('\n') + '\n';

function parseProject(project: string): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    project,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${project}`);
  return parsed;
}

/**
 * Compiles under a project's options its files and the probe (its text from memory), or the probe
 * alone: the root project's hundreds of files would only slow the check on the probe.
 */
function compile(project: string, probe?: string, probeAlone = false): ts.Program {
  const parsed = parseProject(project);
  const options = { ...parsed.options, noEmit: true };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (probe !== undefined && f === PROBE ? probe : readFile(f));
  host.fileExists = (f) => (probe !== undefined && f === PROBE) || ts.sys.fileExists(f);
  host.getSourceFile = (f, lang, ...rest) =>
    probe !== undefined && f === PROBE
      ? ts.createSourceFile(f, probe, lang)
      : getSourceFile(f, lang, ...rest);
  const files = probeAlone ? [] : parsed.fileNames;
  const rootNames = probe === undefined ? files : [...files, PROBE];
  return ts.createProgram({ rootNames, options, host });
}

/** The probe's errors by the line they are on (0-based, the order of FORBIDDEN). */
function probeErrorLines(program: ts.Program): Map<number, string[]> {
  const probe = program.getSourceFile(PROBE);
  if (!probe) throw new Error('the probe was not compiled');
  const lines = new Map<number, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program, probe)) {
    if (d.category !== ts.DiagnosticCategory.Error || d.start === undefined) continue;
    const { line } = probe.getLineAndCharacterOfPosition(d.start);
    lines.set(line, [...(lines.get(line) ?? []), ts.flattenDiagnosticMessageText(d.messageText, ' ')]);
  }
  return lines;
}

const lineOf = (key: keyof typeof FORBIDDEN) => Object.keys(FORBIDDEN).indexOf(key);

describe('the contract project', () => {
  it('refuses Node and the DOM: a node: import, process, Buffer, document and window do not compile', () => {
    const errors = probeErrorLines(compile(CONTRACT_PROJECT, PROBE_TEXT));
    for (const key of ['nodeImport', 'process', 'buffer', 'document', 'window'] as const) {
      expect(errors.get(lineOf(key)), `${key}: ${FORBIDDEN[key]}`).toBeDefined();
    }
    expect(errors.get(lineOf('nodeImport'))?.join()).toMatch(/node:fs/);
    expect(errors.get(lineOf('process'))?.join()).toMatch(/'process'/);
    expect(errors.get(lineOf('buffer'))?.join()).toMatch(/'Buffer'/);
    expect(errors.get(lineOf('document'))?.join()).toMatch(/'document'/);
    expect(errors.get(lineOf('window'))?.join()).toMatch(/'window'/);
  });

  it('is what refuses them: the same probe under the root project (Node types) compiles process and Buffer', () => {
    const errors = probeErrorLines(compile(ROOT_PROJECT, PROBE_TEXT, true));
    expect(errors.get(lineOf('nodeImport'))).toBeUndefined();
    expect(errors.get(lineOf('process'))).toBeUndefined();
    expect(errors.get(lineOf('buffer'))).toBeUndefined();
    expect(errors.get(lineOf('nodeUse'))).toBeUndefined();
  });

  it('compiles the real contract clean, reaching no Node or DOM types through any import', () => {
    const program = compile(CONTRACT_PROJECT);
    const errors = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
    expect(errors).toEqual([]);
    const files = program.getSourceFiles().map((f) => f.fileName);
    expect(files.some((f) => f.startsWith(join(ROOT, 'main/contract/')))).toBe(true);
    expect(files.filter((f) => f.includes('/@types/node/'))).toEqual([]);
    expect(files.filter((f) => /\/lib\.(dom|webworker)[.\w]*\.d\.ts$/.test(f))).toEqual([]);
    // Every contract file is in the project: none is left to the root project alone.
    const contractFiles = ts.sys
      .readDirectory(join(ROOT, 'main/contract'), ['.ts'], ['**/*.d.ts'])
      .map((f) => f.replaceAll('\\', '/'));
    expect(contractFiles.length).toBeGreaterThan(5);
    for (const f of contractFiles) expect(files, f).toContain(f);
  });
});
