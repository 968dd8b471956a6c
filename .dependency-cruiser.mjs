// Folders depend one way: `npm run lint` runs this after eslint (see main/README.md for the order).
// eslint.config.js says which folders may import which; this says no two folders import each other,
// however long the loop. A cycle between two files of one folder is that folder's own business.

/** How deep an enclosing folder is looked for: the tree nests 4 deep (test/main/core/sessions/). */
const MAX_FOLDER_DEPTH = 6;

/** The first `count` folders of a path, spelled out: dependency-cruiser refuses nested repeats. */
const firstFolders = (count) => Array(count).fill('[^/]+').join('/');

/**
 * dependency-cruiser counts a folder's subfolders as part of it, so a file in `server/endpoints/`
 * importing `server/http.ts`, while `server/httpServer.ts` imports the endpoints, is no cycle to it.
 * Here it is one: a folder's own files sit above its subfolders and may use them, never the reverse.
 * One rule per depth of the enclosing folder, as a rule's `from` captures one folder only.
 */
const notIntoEnclosingFolders = Array.from({ length: MAX_FOLDER_DEPTH }, (_, depth) => ({
  name: 'not-into-enclosing-folder',
  comment:
    "A file never imports a file of a folder that encloses its own: that folder's files use its " +
    'subfolders, so the import would close a loop. Move what both need into a folder below both.',
  severity: 'error',
  // A file at least one folder below the enclosing one ($1), importing a file right in it.
  from: { path: `^(${firstFolders(depth + 1)})/[^/]+/` },
  to: { path: '^$1/[^/]+$' },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment:
        'Two folders import each other (through any others): move what both need into a folder ' +
        'below both (core/util/ for small helpers), or let the lower one state the narrow interface it needs.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    ...notIntoEnclosingFolders,
  ],
  options: {
    // A type-only import ties two folders together as much as any other.
    tsPreCompilationDeps: true,
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '(^|/)(node_modules|dist|test/tools|test/fixtures)/' },
  },
};
