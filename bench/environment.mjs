// Context of a benchmark record besides the browser measurements: the machine, tool versions,
// the git commit, gzip sizes of what the page downloads, and criterion's native numbers
// (cargo bench --bench train).

import { execFile, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const run = promisify(execFile);

/** Files whose gzip size is reported, relative to the repository root. */
export const SIZED_FILES = [
  'pkg/lazynet_bg.wasm',
  'pkg/lazynet.js',
  'www/data/train-images.idx3-ubyte.gz',
  'www/data/train-labels.idx1-ubyte.gz',
  'www/data/test-images.idx3-ubyte.gz',
  'www/data/test-labels.idx1-ubyte.gz',
];

/** criterion benchmark ids in benches/train.rs. */
export const NATIVE_BENCHMARKS = ['train_step_batch64', 'matrix_products_batch64'];

/** Returns the output of `command args`, trimmed, or null if it cannot run. */
async function output(command, args, options = {}) {
  try {
    const { stdout } = await run(command, args, { maxBuffer: 16 * 1024 * 1024, ...options });
    return stdout.trim();
  } catch {
    return null;
  }
}

async function packageVersion(root, name) {
  try {
    const text = await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8');
    return JSON.parse(text).version;
  } catch {
    return null;
  }
}

/** Describes the machine: logical processors, CPU model, kernel and memory. */
export async function describeMachine() {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? null;
  const meminfo = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const memKb = Number(meminfo.match(/^MemTotal:\s*(\d+)/m)?.[1]);
  const flags = new Set(cpuinfo.match(/^flags\s*:\s*(.+)$/m)?.[1].split(/\s+/) ?? []);
  return {
    nproc: Number(await output('nproc', [])) || availableParallelism(),
    cpuModel: model,
    // The x86 vector extensions that native matrixmultiply can use (it picks at run time).
    cpuVectorFlags: ['sse2', 'avx', 'fma', 'avx2', 'avx512f'].filter((flag) => flags.has(flag)),
    kernel: await output('uname', ['-sr']),
    memoryGiB: Number.isFinite(memKb) ? Math.round((memKb / 1024 / 1024) * 10) / 10 : null,
    loadAverageAtStart: await readLoadAverage(),
  };
}

/** Returns the 1, 5 and 15 minute load averages from /proc/loadavg, or null. */
export async function readLoadAverage() {
  const text = await readFile('/proc/loadavg', 'utf8').catch(() => null);
  return text ? text.split(' ').slice(0, 3).map(Number) : null;
}

/** Returns the short commit hash and whether the work tree has uncommitted changes. */
export async function describeCommit(root) {
  const commit = await output('git', ['rev-parse', '--short', 'HEAD'], { cwd: root });
  const status = await output('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root });
  return { commit: commit ?? 'nogit', uncommittedChanges: status === null ? null : status !== '' };
}

/** Returns the version of crate `name` in Cargo.lock, or null. */
async function lockedCrateVersion(root, name) {
  const lock = await readFile(join(root, 'Cargo.lock'), 'utf8').catch(() => '');
  const pattern = new RegExp(`\\[\\[package\\]\\]\\nname = "${name}"\\nversion = "([^"]+)"`);
  return lock.match(pattern)?.[1] ?? null;
}

/** Versions of the tools and packages that the numbers depend on. */
export async function describeVersions(root) {
  const lazynet = JSON.parse(await readFile(join(root, 'pkg/package.json'), 'utf8')).version;
  return {
    lazynet,
    node: process.version,
    rustc: await output('rustc', ['--version']),
    wasmPack: await output('wasm-pack', ['--version']),
    wasmBindgen: await lockedCrateVersion(root, 'wasm-bindgen'),
    playwrightCore: await packageVersion(root, 'playwright-core'),
    tfjs: await packageVersion(root, '@tensorflow/tfjs'),
    tfjsCore: await packageVersion(root, '@tensorflow/tfjs-core'),
    tfjsBackendWasm: await packageVersion(root, '@tensorflow/tfjs-backend-wasm'),
    tfjsBackendCpu: await packageVersion(root, '@tensorflow/tfjs-backend-cpu'),
    tfjsLayers: await packageVersion(root, '@tensorflow/tfjs-layers'),
  };
}

/**
 * Returns a warning if pkg/lazynet_bg.wasm is older than a Rust source file or Cargo.toml,
 * so a stale build is not benchmarked by mistake; otherwise null.
 */
export async function checkBuildIsFresh(root) {
  const wasm = await stat(join(root, 'pkg/lazynet_bg.wasm')).catch(() => null);
  if (!wasm) {
    return 'pkg/lazynet_bg.wasm is missing: run wasm-pack build --target web --release first';
  }
  const listing = await output('git', ['ls-files', 'src', 'Cargo.toml', 'Cargo.lock'], { cwd: root });
  for (const file of listing ? listing.split('\n') : []) {
    const info = await stat(join(root, file)).catch(() => null);
    if (info && info.mtimeMs > wasm.mtimeMs) {
      return `${file} is newer than pkg/lazynet_bg.wasm: the wasm build may be stale`;
    }
  }
  return null;
}

/** Returns { file: { bytes, gzipBytes } } with gzip at level 9 for each of SIZED_FILES. */
export async function measureSizes(root) {
  const sizes = {};
  for (const file of SIZED_FILES) {
    const bytes = await readFile(join(root, file));
    sizes[file] = { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  }
  return sizes;
}

/**
 * Runs `cargo bench --bench train` with its output passed through, and returns criterion's
 * estimates in nanoseconds per iteration: { id: { meanNs, meanLowNs, meanHighNs, medianNs } }.
 */
export async function runNativeBenchmarks(root, { onOutput }) {
  const child = spawn('cargo', ['bench', '--bench', 'train'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const exitCode = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (exitCode !== 0) {
    throw new Error(`cargo bench --bench train failed with exit code ${exitCode}`);
  }

  const estimates = {};
  for (const id of NATIVE_BENCHMARKS) {
    const path = join(root, 'target/criterion', id, 'new/estimates.json');
    const data = JSON.parse(await readFile(path, 'utf8'));
    estimates[id] = {
      meanNs: data.mean.point_estimate,
      meanLowNs: data.mean.confidence_interval.lower_bound,
      meanHighNs: data.mean.confidence_interval.upper_bound,
      medianNs: data.median.point_estimate,
    };
  }
  return estimates;
}
