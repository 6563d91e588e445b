/** Enforces the layer ranks of docs/ARCHITECTURE.md: no upward import, cross-layer imports only through entry files, capabilities confined. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

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
  kms: /^kms\/key-manager\.ts$/,
  stores: /^stores\/(meta-store|blob-store|key-store)\.ts$/,
  operations: /^(s3\/(s3-operations|s3-request)\.ts|kms\/api\/kms-operations\.ts|iam\/iam-operations\.ts|cloudtrail\/lookup-events\.ts)$/,
  policy: /^policy\/authorize\.ts$/,
  audit: /^audit\/audit-log\.ts$/,
};

/** Capabilities confined to some layers (regex on source text → allowed path prefixes). */
const CAPABILITIES: ReadonlyArray<readonly [string, RegExp, readonly string[]]> = [
  ['ciphers', /\bcreate(De)?cipheriv\b/, ['sse/', 'kms/']],
  ['HMAC', /\bcreateHmac\b/, ['auth/', 'sse/', 'kms/']],
  ['the file system', /from ['"](node:)?fs(\/promises)?['"]/, ['stores/fs/', 'config/', 'tools/', 'app.ts']],
  ['environment reads', /process\.env\b/, ['config/']],
];

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

const files = sourceFiles(SRC).map((f) => relative(SRC, f).replaceAll('\\', '/'));

test('every source file belongs to a layer', () => {
  assert.ok(files.length > 20, `found only ${files.length} source files`);
  for (const f of files) layerOf(f);
});

test('imports point down the ranks, and across layers only to entry files', () => {
  const problems: string[] = [];
  for (const rel of files) {
    const [layer, rank] = layerOf(rel);
    const text = readFileSync(join(SRC, rel), 'utf8');
    for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
      const target = relative(SRC, resolve(dirname(join(SRC, rel)), m[1]!)).replace(/\.js$/, '.ts');
      const [tLayer, tRank] = layerOf(target);
      if (tRank > rank) problems.push(`${rel} (${layer}, rank ${rank}) imports ${target} (${tLayer}, rank ${tRank})`);
      else if (tLayer !== layer && layer !== 'composition' && layer !== 'tools' && ENTRIES[tLayer] && !ENTRIES[tLayer]!.test(target)) {
        problems.push(`${rel} (${layer}) imports ${target}, which is not an entry file of ${tLayer}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('ciphers, HMAC, the file system and the environment are used only where allowed', () => {
  const problems: string[] = [];
  for (const rel of files) {
    const text = readFileSync(join(SRC, rel), 'utf8');
    for (const [what, re, allowed] of CAPABILITIES) {
      if (re.test(text) && !allowed.some((a) => rel.startsWith(a))) problems.push(`${rel} uses ${what}`);
    }
  }
  assert.deepEqual(problems, []);
});
