/** Enforces the layer ranks of docs/ARCHITECTURE.md: no upward import, cross-layer imports only through entry files, no operation importing another, capabilities confined. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { stripComments } from '../helpers/strip-comments.js';

const SRC = resolve(new URL('../../src', import.meta.url).pathname);

/** Layer of a source file (path relative to src/) and its rank; higher ranks may import lower ones. */
const LAYERS: ReadonlyArray<readonly [RegExp, string, number]> = [
  [/^(main|app)\.ts$/, 'composition', 10],
  [/^tools\//, 'tools', 10],
  [/^config\//, 'config', 9],
  [/^edge\//, 'edge', 8],
  [/^auth\//, 'auth', 7],
  [/^policy\/authorize\.ts$/, 'policy', 6],
  [/^policy\/condition-keys\.ts$/, 'policy', 6],
  [/^(s3|iam|cloudtrail)\//, 'operations', 5],
  [/^kms\/api\//, 'operations', 5],
  [/^sse\//, 'sse', 4],
  [/^kms\//, 'kms', 3],
  [/^audit\//, 'audit', 2],
  [/^stores\//, 'stores', 1],
  [/^(common|policy\/engine)\//, 'common', 0],
];

/** A layer's public entry files: the only files other layers may import. */
const ENTRIES: Readonly<Record<string, RegExp>> = {
  auth: /^auth\/(authenticate|post-policy)\.ts$/,
  sse: /^sse\/envelope\.ts$/,
  kms: /^kms\/(key-manager|kms-service)\.ts$/,
  stores: /^stores\/(meta-store|blob-store|key-store|iam-store|audit-store|kms-store)\.ts$/,
  operations: /^(s3\/(s3-operations|s3-request)\.ts|kms\/api\/kms-operations\.ts|iam\/iam-operations\.ts|cloudtrail\/lookup-events\.ts)$/,
  policy: /^policy\/authorize\.ts$/,
  audit: /^audit\/audit-log\.ts$/,
};

/**
 * s3/ files, explicitly sorted (docs/ARCHITECTURE.md, "Operations and support files"). An operation file
 * holds the handlers of one operation family; a support file holds what several families share. Neither
 * kind imports an operation file: only the index does, so operations stay independent of one another.
 */
const S3_INDEX = 's3/s3-operations.ts';
const S3_OPERATION_FILES = new Set([
  'acl', 'bucket-cors', 'bucket-encryption', 'bucket-ownership', 'bucket-policy', 'bucket-tagging', 'bucket-versioning', 'buckets', 'public-access-block', 'copy-object', 'delete-objects', 'get-object', 'list-object-versions', 'list-objects', 'multipart-complete',
  'multipart-listing', 'multipart-upload', 'object-attributes', 'object-lock-operations', 'object-tagging', 'post-object', 'put-object', 'update-object-encryption',
].map((n) => `s3/${n}.ts`));
const S3_SUPPORT_FILES = new Set([
  'acl-state', 'bucket-names', 'checksums', 'completion-replay', 'conditional-headers', 'copy-source', 'cors-rules', 'crc-combine', 'crc64-nvme', 'customer-keys', 'encryption-resolution',
  'form-data-parser', 'listing-params', 'listing-walk', 'metadata-headers', 'missing-bucket', 'multipart-checksums', 'object-commit', 'object-lock', 'object-names', 'object-reader', 'object-writer', 'owner', 'range-header',
  'request-body', 's3-request', 'sse-c-block', 'sse-headers', 'unsupported-headers', 'upload-parts', 'versioning', 'write-preconditions',
  'object-reseal', 'sse-kms-requests',
].map((n) => `s3/${n}.ts`));

/** Capabilities confined to some files (regex on comment-free source → allowed path prefixes or exact files). */
const CAPABILITIES: ReadonlyArray<readonly [string, RegExp, readonly string[]]> = [
  // Case-insensitive, and every spelling of a cipher API: createCipheriv, createDecipheriv, the removed
  // createCipher, the Cipher classes, public/private-key encryption, WebCrypto (crypto.subtle, webcrypto).
  ['ciphers', /\bcreate(de)?cipher(iv)?\b|\b(de)?cipher(iv)?\b|\bgetciphers\b|\b(public|private)(en|de)crypt\b|\bsubtle\b|\bwebcrypto\b/i, ['sse/', 'kms/']],
  ['key derivation', /\b(hkdf|pbkdf2|scrypt)(sync)?\b/i, ['sse/', 'kms/']],
  ['HMAC', /\bcreatehmac\b/i, ['auth/', 'sse/', 'kms/']],
  ['environment reads', /\bprocess\s*(\.\s*env\b|\[\s*['"`]env['"`]\s*\])/, ['config/']],
  // Randomness reaches key material only through the injected common/random.ts source; the other files
  // listed make identifiers (request, blob and upload ids) or generate the root key and credentials
  // before the app is composed (config/).
  ['randomness', /\b(randombytes|pseudorandombytes|randomfill(sync)?|randomuuid|randomint|getrandomvalues|generatekey(pair)?(sync)?)\b|\bMath\s*\.\s*random\b/i,
    ['common/random.ts', 'config/', 'stores/fs/blob-paths.ts', 'edge/request-context.ts', 's3/object-names.ts']],
  // Ways around the import rules: CommonJS loading and the built-in-module back door.
  ['require()', /\brequire\s*\(/, []],
  ['createRequire', /\bcreateRequire\b/, []],
  ['process.getBuiltinModule', /\bgetBuiltinModule\b/, []],
];

/** Built-in modules confined to some files, whichever way they are imported. */
const MODULES: ReadonlyArray<readonly [string, RegExp, readonly string[]]> = [
  ['the file system', /^(node:)?fs(\/promises)?$/, ['stores/fs/', 'config/', 'tools/', 'app.ts']],
  ['node:process (env)', /^(node:)?process$/, ['config/']],
  ['node:module', /^(node:)?module$/, []],
  // node:vm evaluates code: nowhere, but the scavenge pacer, which evaluates the constant `gc` in a fresh
  // context to reach V8's minor GC (the test below holds it to exactly that).
  ['node:vm', /^(node:)?vm$/, ['common/young-generation.ts']],
];

interface ImportRef { readonly specifier: string; readonly kind: 'static' | 'side-effect' | 'dynamic'; readonly clause: string }

/** Every module a file loads: `import … from`, `export … from`, `import 'x'`, `import('x')` (also in type positions). */
function importsOf(code: string): { refs: ImportRef[]; computed: string[] } {
  const refs: ImportRef[] = [];
  const computed: string[] = [];
  for (const m of code.matchAll(/\b(?:import|export)\s+(?:type\s+)?([^'"`;()]*?)\s*\bfrom\s*['"]([^'"]+)['"]/g)) refs.push({ specifier: m[2]!, kind: 'static', clause: m[1]!.trim() });
  for (const m of code.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)) refs.push({ specifier: m[1]!, kind: 'side-effect', clause: '' });
  for (const m of code.matchAll(/\bimport\s*\(\s*([^)]*?)\s*\)/g)) {
    const literal = /^(['"])([^'"]+)\1$/.exec(m[1]!);
    if (literal) refs.push({ specifier: literal[2]!, kind: 'dynamic', clause: '' });
    else computed.push(m[0]);
  }
  return { refs, computed };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.contract.ts') ? [p] : [];
  });
}

function layerOf(rel: string): readonly [string, number] {
  for (const [re, name, rank] of LAYERS) if (re.test(rel)) return [name, rank];
  throw new Error(`${rel} belongs to no layer: add it to LAYERS and docs/ARCHITECTURE.md`);
}

const allowedIn = (rel: string, allowed: readonly string[]) => allowed.some((a) => (a.endsWith('/') ? rel.startsWith(a) : rel === a));

const files = sourceFiles(SRC).map((f) => relative(SRC, f).replaceAll('\\', '/'));
const code = new Map(files.map((rel) => [rel, stripComments(readFileSync(join(SRC, rel), 'utf8'))]));

test('every source file belongs to a layer', () => {
  assert.ok(files.length > 20, `found only ${files.length} source files`);
  for (const f of files) layerOf(f);
});

test('imports point down the ranks, and across layers only to entry files (static, side-effect and dynamic imports alike)', () => {
  const problems: string[] = [];
  for (const rel of files) {
    const [layer, rank] = layerOf(rel);
    const { refs, computed } = importsOf(code.get(rel)!);
    for (const c of computed) problems.push(`${rel} loads a computed module (${c}): the layer rules cannot see it`);
    for (const { specifier } of refs) {
      if (!specifier.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(join(SRC, rel)), specifier)).replace(/\.js$/, '.ts');
      const [tLayer, tRank] = layerOf(target);
      if (tRank > rank) problems.push(`${rel} (${layer}, rank ${rank}) imports ${target} (${tLayer}, rank ${tRank})`);
      else if (tLayer !== layer && layer !== 'composition' && layer !== 'tools' && ENTRIES[tLayer] && !ENTRIES[tLayer]!.test(target)) {
        problems.push(`${rel} (${layer}) imports ${target}, which is not an entry file of ${tLayer}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('every s3/ file is sorted as an operation or a support file, and the operations are exactly what the index dispatches to', () => {
  const s3Files = files.filter((f) => f.startsWith('s3/'));
  for (const f of s3Files) {
    const kinds = [f === S3_INDEX, S3_OPERATION_FILES.has(f), S3_SUPPORT_FILES.has(f)].filter(Boolean).length;
    assert.equal(kinds, 1, `${f} must be exactly one of: the index, an operation file, a support file (S3_OPERATION_FILES / S3_SUPPORT_FILES here and in docs/ARCHITECTURE.md)`);
  }
  for (const f of [...S3_OPERATION_FILES, ...S3_SUPPORT_FILES]) assert.ok(s3Files.includes(f), `${f} is listed but does not exist`);
  const dispatched = importsOf(code.get(S3_INDEX)!).refs
    .map((r) => relative(SRC, resolve(dirname(join(SRC, S3_INDEX)), r.specifier)).replace(/\.js$/, '.ts'))
    .filter((t) => !S3_SUPPORT_FILES.has(t)); // the index may also use support files (s3-request, unsupported-headers)
  assert.deepEqual([...new Set(dispatched)].sort(), [...S3_OPERATION_FILES].sort(), 'the operation files are the files the index imports handlers from');
});

test('no s3/ file but the index imports an operation file: operations never import one another', () => {
  const problems: string[] = [];
  for (const rel of files.filter((f) => f.startsWith('s3/') && f !== S3_INDEX)) {
    for (const { specifier } of importsOf(code.get(rel)!).refs) {
      if (!specifier.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(join(SRC, rel)), specifier)).replace(/\.js$/, '.ts');
      if (S3_OPERATION_FILES.has(target) && target !== rel) problems.push(`${rel} imports the operation file ${target}: move what they share into a support file`);
    }
  }
  assert.deepEqual(problems, []);
});

test('ciphers, key derivation, HMAC, randomness, the file system and the environment are used only where allowed', () => {
  const problems: string[] = [];
  for (const rel of files) {
    const text = code.get(rel)!;
    for (const [what, re, allowed] of CAPABILITIES) {
      const m = re.exec(text);
      if (m && !allowedIn(rel, allowed)) problems.push(`${rel} uses ${what} (${m[0]})`);
    }
    for (const { specifier, kind, clause } of importsOf(text).refs) {
      for (const [what, re, allowed] of MODULES) {
        if (re.test(specifier) && !allowedIn(rel, allowed)) problems.push(`${rel} imports ${specifier} (${what})`);
      }
      // node:crypto only through named static imports, so the capability scan above sees each API used.
      if (/^(node:)?crypto$/.test(specifier) && (kind !== 'static' || !/^\{[^}]*\}$/.test(clause))) {
        problems.push(`${rel} loads ${specifier} other than by named import (${kind}${clause ? ` ${clause}` : ''})`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('the one file allowed node:vm evaluates nothing but the constant `gc`', () => {
  const text = code.get('common/young-generation.ts')!;
  const imports = importsOf(text).refs.filter((r) => /^(node:)?vm$/.test(r.specifier));
  assert.deepEqual(imports.map((r) => r.clause), ['{ runInNewContext }']);
  const calls = [...text.matchAll(/\brunInNewContext\s*\(([^)]*)\)/g)].map((m) => m[1]!.trim());
  assert.deepEqual(calls, ["'gc'"]);
});
