// Lists what is too long to hold in one's head: functions (declarations, methods, arrow functions)
// over 120 lines and source files over 600, in the folders given (default: renderer/src).
// Read with TypeScript's own parser, so a component, a hook and a callback count alike.
//   node scripts/size-report.mjs [--function-lines N] [--file-lines N] [--skip TEXT]... FOLDER...
// Exits 1 when something is over, 0 when nothing is; stylesheets and .d.ts files are not source.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** The bounds (issue 24, "Done when"): past these a reader needs a second function or file. */
export const MAX_FUNCTION_LINES = 120;
export const MAX_FILE_LINES = 600;

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|jsx)$/;

/** Every source file under `path` (itself, if it is one), skipping node_modules and dist. */
export function sourceFiles(path) {
  if (!statSync(path).isDirectory()) return SOURCE.test(path) && !path.endsWith('.d.ts') ? [path] : [];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules' && e.name !== 'dist')
    .flatMap((e) => sourceFiles(join(path, e.name)))
    .sort();
}

/** What a function is called where it is defined: its own name, or the variable or key holding it. */
function nameOf(node) {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name)
    return parent.name.getText();
  if (ts.isCallExpression(parent) && ts.isIdentifier(parent.expression))
    return `(passed to ${parent.expression.text})`;
  return '(anonymous)';
}

/** The functions in one file's text longer than `maxLines`, each with its first line and length. */
export function longFunctions(file, text, maxLines = MAX_FUNCTION_LINES) {
  const kind = file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > maxLines) found.push({ name: nameOf(node), line: first + 1, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Lines of text, as an editor numbers them (a final newline opens no line). */
export const lineCount = (text) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** Everything over the bounds in `folders`, as lines to print. */
export function sizeReport(
  folders,
  { functionLines = MAX_FUNCTION_LINES, fileLines = MAX_FILE_LINES, skip = [] } = {},
) {
  const over = [];
  for (const file of folders.flatMap(sourceFiles)) {
    if (skip.some((s) => file.includes(s))) continue;
    const text = readFileSync(file, 'utf8');
    const shown = relative(process.cwd(), file);
    const lines = lineCount(text);
    if (lines > fileLines) over.push(`${shown}: file of ${lines} lines (over ${fileLines})`);
    for (const f of longFunctions(file, text, functionLines))
      over.push(`${shown}:${f.line}: ${f.name} is ${f.lines} lines (over ${functionLines})`);
  }
  return over;
}

function main(args) {
  const folders = [];
  const options = { skip: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--function-lines') options.functionLines = Number(args[++i]);
    else if (a === '--file-lines') options.fileLines = Number(args[++i]);
    else if (a === '--skip') options.skip.push(args[++i]);
    else folders.push(a);
  }
  if ([options.functionLines, options.fileLines].some((n) => n !== undefined && !(n > 0))) {
    process.stderr.write('size-report: --function-lines and --file-lines take a positive number.\n');
    return 2;
  }
  const over = sizeReport(folders.length ? folders : ['renderer/src'], options);
  for (const line of over) process.stdout.write(`${line}\n`);
  if (!over.length) process.stdout.write('size-report: nothing over the bounds.\n');
  return over.length ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  process.exitCode = main(process.argv.slice(2));
