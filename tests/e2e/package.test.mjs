// Package test: checks that pkg/, as wasm-pack writes it, is a publishable npm package. It
// compares pkg/package.json with Cargo.toml, lists what `npm pack` would put in the tarball,
// and fails naming every exported class, function, constructor, method and getter of
// pkg/lazynet.d.ts that has no doc comment. wasm-bindgen turns the `///` comments of
// src/web.rs into those doc comments, so a failure there is fixed in src/web.rs.
// Needs pkg/ (wasm-pack build --target web) and npm. No browser.
//
//   node --test tests/e2e/package.test.mjs

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { REPOSITORY_ROOT } from './server.mjs';

const PKG_DIR = join(REPOSITORY_ROOT, 'pkg');
const LICENCE_FILES = ['LICENSE-MIT', 'LICENSE-APACHE'];
const MODULE_FILES = ['lazynet_bg.wasm', 'lazynet.js', 'lazynet.d.ts'];

// wasm-bindgen adds these members to every exported class with no doc comment, and a Rust
// doc comment cannot reach them.
const GENERATED_MEMBERS = new Set(['free', '[Symbol.dispose]']);

/**
 * Lists the declarations of a .d.ts file in the layout wasm-bindgen writes: one
 * `{ name, kind, documented }` per exported class, enum, function and class member, where
 * `documented` is true when a `/** … *\/` comment with text comes right before it.
 * Interfaces and types are skipped. Throws on a line it cannot classify, so a change in
 * wasm-bindgen's output fails loudly instead of hiding members.
 */
function listDeclarations(source) {
  const lines = source.split('\n');
  const declarations = [];
  let docText = null;
  let className = null;
  let skippedBlock = false;

  const declare = (name, kind) => {
    declarations.push({ name, kind, documented: Boolean(docText) });
    docText = null;
  };

  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index].trim();

    // A doc comment attaches to the next declaration.
    if (line.startsWith('/**')) {
      const commentLines = [line];
      while (!commentLines.at(-1).includes('*/') && index + 1 < lines.length) {
        index += 1;
        commentLines.push(lines[index].trim());
      }
      docText = commentLines
        .join('\n')
        .replace(/^\/\*\*|\*\/$/g, '')
        .replace(/^\s*\*/gm, '')
        .trim();
      continue;
    }
    if (line === '' || line.startsWith('/*') || line.startsWith('//')) {
      continue;
    }

    if (skippedBlock) {
      skippedBlock = !line.startsWith('}');
      continue;
    }

    if (className !== null) {
      if (line === '}') {
        className = null;
        continue;
      }
      const member = classifyMember(line);
      if (member === null) {
        throw new Error(`line ${index + 1} of the class ${className} is not a known member form: ${line}`);
      }
      declare(`${className}${member.kind.startsWith('static') ? '.' : '#'}${member.name}`, member.kind);
      continue;
    }

    let match;
    if ((match = /^export class (\w+)/.exec(line))) {
      declare(match[1], 'class');
      className = match[1];
    } else if ((match = /^export (?:default )?function (\w+)\s*\(/.exec(line))) {
      declare(match[1], 'function');
    } else if ((match = /^export enum (\w+)/.exec(line))) {
      declare(match[1], 'enum');
      skippedBlock = !line.endsWith('}');
    } else if (/^export (?:interface|type) /.test(line)) {
      docText = null;
      skippedBlock = line.endsWith('{');
    } else {
      throw new Error(`line ${index + 1} is not a known top-level declaration: ${line}`);
    }
  }
  return declarations;
}

/** Returns `{ name, kind }` for one line of a class body, or null for an unknown form. */
function classifyMember(line) {
  const forms = [
    [/^constructor\s*\(/, () => ({ name: 'constructor', kind: 'constructor' })],
    [/^static (?:readonly )?(\w+)\s*:/, (match) => ({ name: match[1], kind: 'static getter' })],
    [/^static (\w+)\s*\(/, (match) => ({ name: match[1], kind: 'static method' })],
    [/^get (\w+)\s*\(/, (match) => ({ name: match[1], kind: 'getter' })],
    [/^set (\w+)\s*\(/, (match) => ({ name: match[1], kind: 'setter' })],
    [/^readonly (\w+)\s*:/, (match) => ({ name: match[1], kind: 'getter' })],
    [/^(\w+)\??\s*:/, (match) => ({ name: match[1], kind: 'property' })],
    [/^(\[Symbol\.\w+\]|\w+)\s*\(/, (match) => ({ name: match[1], kind: 'method' })],
  ];
  for (const [pattern, describe] of forms) {
    const match = pattern.exec(line);
    if (match) {
      return describe(match);
    }
  }
  return null;
}

/** Reads a `key = "value"` line of the [package] table of Cargo.toml. */
function cargoPackageField(manifest, key) {
  const table = /^\[package\]\n([\s\S]*?)(?=^\[)/m.exec(manifest);
  assert.ok(table, 'Cargo.toml has no [package] table');
  const field = new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, 'm').exec(table[1]);
  assert.ok(field, `Cargo.toml's [package] table has no ${key}`);
  return field[1];
}

describe('d.ts declaration scanner', () => {
  const fixture = [
    '/* tslint:disable */',
    '/**',
    ' * A documented class.',
    ' */',
    'export class Documented {',
    '    free(): void;',
    '    [Symbol.dispose](): void;',
    '    /**',
    '     * Runs.',
    '     */',
    '    run(n: number): any;',
    '    constructor(config: any);',
    '    static load(bytes: Uint8Array): Documented;',
    '    readonly seed: number;',
    '    /** Sets the rate. */',
    '    set rate(value: number);',
    '    get rate(): number;',
    '}',
    'export class Bare {',
    '    free(): void;',
    '    /**',
    '     */',
    '    step(): void;',
    '}',
    'export interface InitOutput {',
    '    readonly memory: WebAssembly.Memory;',
    '}',
    'export type InitInput = RequestInfo | URL;',
    '/** Documented. */',
    'export function helper(): void;',
    'export function undocumented(): void;',
    'export default function __wbg_init (module_or_path?: InitInput): Promise<InitOutput>;',
  ].join('\n');

  test('names undocumented members', () => {
    const undocumented = listDeclarations(fixture)
      .filter((declaration) => !declaration.documented)
      .map((declaration) => `${declaration.kind} ${declaration.name}`);
    assert.deepEqual(undocumented, [
      'method Documented#free',
      'method Documented#[Symbol.dispose]',
      'constructor Documented#constructor',
      'static method Documented.load',
      'getter Documented#seed',
      'getter Documented#rate',
      'class Bare',
      'method Bare#free',
      'method Bare#step',
      'function undocumented',
      'function __wbg_init',
    ]);
  });

  test('finds documented members', () => {
    const documented = listDeclarations(fixture)
      .filter((declaration) => declaration.documented)
      .map((declaration) => declaration.name);
    assert.deepEqual(documented, ['Documented', 'Documented#run', 'Documented#rate', 'helper']);
  });

  test('rejects unknown line forms', () => {
    assert.throws(() => listDeclarations('export namespace Hidden {}'), /line 1 is not a known top-level/);
    assert.throws(
      () => listDeclarations('export class A {\n    #private;\n}'),
      /line 2 of the class A is not a known member form/,
    );
  });
});

describe('npm package in pkg/', () => {
  let manifest;
  let cargoManifest;

  before(async () => {
    assert.ok(
      existsSync(join(PKG_DIR, 'package.json')),
      'pkg/package.json is missing: build the package with wasm-pack build --target web --release first',
    );
    manifest = JSON.parse(await readFile(join(PKG_DIR, 'package.json'), 'utf8'));
    cargoManifest = await readFile(join(REPOSITORY_ROOT, 'Cargo.toml'), 'utf8');
  });

  test('name and version match Cargo.toml', () => {
    assert.equal(manifest.name, cargoPackageField(cargoManifest, 'name'));
    assert.equal(manifest.version, cargoPackageField(cargoManifest, 'version'));
    assert.match(manifest.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  test('description and licence are set', () => {
    assert.ok(manifest.description?.length >= 20, `description: ${JSON.stringify(manifest.description)}`);
    assert.equal(manifest.description, cargoPackageField(cargoManifest, 'description'));
    assert.equal(manifest.license, 'MIT OR Apache-2.0');
    assert.equal(manifest.license, cargoPackageField(cargoManifest, 'license'));
  });

  test('repository and homepage are URLs', () => {
    assert.equal(manifest.repository?.type, 'git');
    assert.match(manifest.repository?.url ?? '', /^https:\/\/\S+$/);
    assert.equal(manifest.repository.url, cargoPackageField(cargoManifest, 'repository'));
    assert.match(manifest.homepage ?? '', /^https:\/\/\S+$/);
    assert.ok(Array.isArray(manifest.keywords), 'package.json has no keywords array');
    assert.ok(manifest.keywords.length > 0, 'package.json has an empty keywords array');
  });

  test('entry points exist', () => {
    assert.equal(manifest.type, 'module');
    assert.equal(manifest.main, 'lazynet.js');
    assert.equal(manifest.types, 'lazynet.d.ts');
    for (const file of [manifest.main, manifest.types]) {
      assert.ok(existsSync(join(PKG_DIR, file)), `pkg/${file} is missing`);
    }
  });

  test('files lists module and licences', () => {
    for (const file of MODULE_FILES) {
      assert.ok(manifest.files?.includes(file), `package.json "files" lacks ${file}: ${JSON.stringify(manifest.files)}`);
    }
    for (const file of LICENCE_FILES) {
      assert.ok(
        manifest.files?.includes(file),
        `package.json "files" lacks ${file}: ${JSON.stringify(manifest.files)}. wasm-pack 0.15.1 ` +
          'writes package.json before it copies the LICENSE files, so a build into a pkg/ without ' +
          'them leaves them out. Copy LICENSE-MIT and LICENSE-APACHE into pkg/ before building.',
      );
    }
    for (const file of manifest.files) {
      assert.ok(existsSync(join(PKG_DIR, file)), `package.json "files" lists pkg/${file}, which is missing`);
    }
  });

  test('licence files match the repository', async () => {
    for (const file of LICENCE_FILES) {
      const packaged = await readFile(join(PKG_DIR, file));
      const original = await readFile(join(REPOSITORY_ROOT, file));
      assert.ok(packaged.equals(original), `pkg/${file} differs from ${file}`);
    }
  });

  test('npm pack includes every file', async () => {
    // --dry-run lists the tarball's files without writing the tarball.
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: PKG_DIR,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    const [tarball] = JSON.parse(stdout);
    const packed = tarball.files.map((file) => file.path).sort();
    const expected = [...MODULE_FILES, ...LICENCE_FILES, 'README.md', 'package.json'].sort();
    for (const file of expected) {
      assert.ok(packed.includes(file), `npm pack leaves out ${file}; it packs ${packed.join(', ')}`);
    }
  });

  test('every export has a doc comment', async () => {
    const declarations = listDeclarations(await readFile(join(PKG_DIR, 'lazynet.d.ts'), 'utf8'));
    const names = declarations.map((declaration) => declaration.name);
    // The scanner must see the API, or an empty list would pass.
    for (const name of ['Trainer', 'Trainer#constructor', 'Trainer#trainSteps', 'Trainer#evaluate', 'Trainer.loadModel']) {
      assert.ok(names.includes(name), `lazynet.d.ts has no ${name}; it declares ${names.join(', ')}`);
    }

    const undocumented = declarations
      .filter((declaration) => !declaration.documented)
      .filter(
        (declaration) => !(declaration.kind === 'method' && GENERATED_MEMBERS.has(declaration.name.split('#').at(-1))),
      )
      .map((declaration) => `${declaration.kind} ${declaration.name}`);
    assert.deepEqual(
      undocumented,
      [],
      `pkg/lazynet.d.ts has no doc comment for: ${undocumented.join(', ')}. ` +
        'Add a /// comment to each in src/web.rs and rebuild pkg/.',
    );
  });

  test('trainer members are typed, not any', async () => {
    const text = await readFile(join(PKG_DIR, 'lazynet.d.ts'), 'utf8');
    const start = text.indexOf('export class Trainer {');
    assert.ok(start >= 0, 'lazynet.d.ts declares no Trainer class');
    const body = text.slice(start, text.indexOf('\n}', start));
    const untyped = body
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => !line.startsWith('*') && !line.startsWith('/**') && /\bany\b/.test(line));
    assert.deepEqual(untyped, [], 'give these a TypeScript type in src/web.rs (unchecked_return_type and the interfaces)');
    for (const name of ['TrainerConfig', 'StepMetrics', 'Evaluation', 'ActivationStats', 'FirstLayerWeights']) {
      assert.match(text, new RegExp(`export (interface|type) ${name}\\b`), `lazynet.d.ts has no ${name}`);
    }
  });
});
