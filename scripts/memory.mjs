// Measures lazynet's memory in headless Chromium: the WebAssembly memory and the worker's JS
// heap over a long training run, and over many Trainers created one after another, with and
// without free(). Run from the repository root with `node scripts/memory.mjs`, and --help lists
// the options. Needs pkg/ built and the npm dev dependencies installed.

import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';


import { launchChromium } from '../tests/e2e/browser.mjs';
import { REPOSITORY_ROOT, startServer } from '../tests/e2e/server.mjs';

// The two flags make performance.memory precise (pages only: Chromium 156 has none in
// workers) and expose gc() in every isolate, workers included.
const MEMORY_ARGS = ['--enable-precise-memory-info', '--js-flags=--expose-gc'];
// The training run reports these epochs in its table, when they are run.
const REPORTED_EPOCHS = [1, 5, 10, 25, 50];
// The Trainer runs report these creations in their table.
const REPORTED_CREATIONS = [1, 10, 50, 100];
// Time given to the garbage collector and finalization callbacks after the last Trainer.
const SETTLE_MS = 2000;
const RUN_TIME_LIMIT_MS = 30 * 60_000;
const HEAP_READ_TIME_LIMIT_MS = 10_000;

const USAGE = `Usage: node scripts/memory.mjs [options]

Measures, in a worker in headless Chromium, the WebAssembly memory size and the worker's
JS heap (after gc()) while the default Trainer (seed 1) trains, and while Trainers are created
and freed one after another.

Options:
  --epochs N          epochs of the training run (default 50; 0 skips it)
  --trainers N        Trainers created in each of the two Trainer runs (default 100; 0 skips them)
  --trainer-steps N   training steps of each of those Trainers (default 20)
  --json              also print the whole record as JSON
  --help              print this text`;

class UsageError extends Error {}

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      epochs: { type: 'string', default: '50' },
      trainers: { type: 'string', default: '100' },
      'trainer-steps': { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const wholeNumber = (name, min) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) {
      throw new UsageError(`invalid --${name} "${values[name]}": expected a whole number of at least ${min}`);
    }
    return value;
  };
  return {
    epochs: wholeNumber('epochs', 0),
    trainers: wholeNumber('trainers', 0),
    trainerSteps: wholeNumber('trainer-steps', 1),
    json: values.json,
  };
}

function log(message) {
  process.stderr.write(`${message}\n`);
}

/**
 * Attaches to the page's workers over the DevTools protocol and returns readHeap(), which
 * resolves to the used V8 heap bytes of the newest bench/memory-worker.js. Chromium 156 has no
 * performance.memory in workers, so the worker cannot read this itself. Playwright's CDP
 * session has no way to address a flattened child session, so this uses the non-flattened
 * Target.sendMessageToTarget.
 */
async function attachToWorkers(context, page) {
  const cdp = await context.newCDPSession(page);
  let workerSession = null;
  let nextId = 1;
  const pending = new Map();
  cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
    if (targetInfo.type === 'worker' && targetInfo.url.endsWith('/bench/memory-worker.js')) {
      workerSession = sessionId;
    }
  });
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const reply = JSON.parse(message);
    const waiting = pending.get(reply.id);
    if (waiting) {
      pending.delete(reply.id);
      if (reply.error) {
        waiting.reject(new Error(`Runtime.getHeapUsage failed: ${reply.error.message}`));
      } else {
        waiting.resolve(reply.result.usedSize);
      }
    }
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });

  return async function readHeap() {
    if (!workerSession) {
      throw new Error('no DevTools session to bench/memory-worker.js; the worker did not start or was not attached');
    }
    const id = nextId;
    nextId += 1;
    const reply = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`Runtime.getHeapUsage timed out after ${HEAP_READ_TIME_LIMIT_MS} ms`));
      }, HEAP_READ_TIME_LIMIT_MS);
      const settle = (callback) => (value) => {
        clearTimeout(timer);
        callback(value);
      };
      pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
    });
    await cdp.send('Target.sendMessageToTarget', {
      sessionId: workerSession,
      message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }),
    });
    return reply;
  };
}

function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) {
    return 'n/a';
  }
  return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
}

function formatKibibytes(bytes) {
  if (bytes === null || bytes === undefined) {
    return 'n/a';
  }
  return `${Math.round(bytes / 1024).toLocaleString('en-US')} KiB`;
}

function formatGrowth(bytes) {
  if (bytes === null || bytes === undefined) {
    return 'n/a';
  }
  let sign = '±';
  if (bytes > 0) {
    sign = '+';
  } else if (bytes < 0) {
    sign = '−';
  }
  return `${sign}${Math.abs(bytes / 2 ** 20).toFixed(2)} MiB`;
}

function formatTable(header, rows) {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells) => `| ${cells.map((cell, column) => String(cell).padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Returns the max of `key` minus its value at the first row, over all rows. */
function maxGrowthAfterFirst(rows, key) {
  if (rows.length === 0 || rows[0][key] === null) {
    return null;
  }
  return Math.max(...rows.map((row) => row[key])) - rows[0][key];
}

function formatEpochReport(run) {
  const rows = run.perEpoch
    .filter((row) => REPORTED_EPOCHS.includes(row.epoch) || row.epoch === run.perEpoch.length)
    .map((row) => [
      row.epoch,
      row.step,
      formatBytes(row.wasmBytes),
      formatKibibytes(row.jsHeapBytes),
      `${(row.accuracy * 100).toFixed(1)} %`,
      `${(row.elapsedMs / 1000).toFixed(1)} s`,
    ]);
  const table = formatTable(['epoch', 'step', 'wasm memory', 'JS heap (after gc)', 'held-out accuracy', 'elapsed'], rows);
  const growthRows = Object.entries(run.callGrowth).map(([name, counter]) => [
    name,
    counter.calls,
    counter.growingCalls,
    formatGrowth(counter.bytes),
    counter.lastGrowthCall ?? '-',
  ]);
  const growthTable = formatTable(['call', 'calls', 'calls that grew wasm memory', 'total growth', 'last growing call'], growthRows);
  return [
    `Training run: default Trainer, seed 1, ${run.perEpoch.length} epochs`,
    `before training (data loaded): wasm ${formatBytes(run.before.wasmBytes)}, JS heap ${formatKibibytes(run.before.jsHeapBytes)}`,
    table,
    `max growth after epoch 1: wasm ${formatGrowth(maxGrowthAfterFirst(run.perEpoch, 'wasmBytes'))}, ` +
      `JS heap +${formatKibibytes(maxGrowthAfterFirst(run.perEpoch, 'jsHeapBytes'))}`,
    `after free(): wasm ${formatBytes(run.afterFree.wasmBytes)}, JS heap ${formatKibibytes(run.afterFree.jsHeapBytes)}`,
    '',
    'WebAssembly memory growth by call:',
    growthTable,
  ].join('\n');
}

function formatTrainerReport(runs) {
  const rows = [];
  for (const run of runs) {
    const label = run.free ? 'free()' : 'dropped, no free()';
    for (const row of run.samples) {
      rows.push([label, row.creation, formatBytes(row.wasmBytes), formatKibibytes(row.jsHeapBytes), row.reclaimed]);
    }
    rows.push([label, `last + ${SETTLE_MS / 1000} s`, formatBytes(run.settled.wasmBytes), formatKibibytes(run.settled.jsHeapBytes), run.settled.reclaimed]);
  }
  const lines = [
    'Trainer runs: new Trainer({ seed: i }), load the data, train, evaluate(), then free() or drop',
    formatTable(['run', 'after creation', 'wasm memory', 'JS heap (after gc)', 'reclaimed by the GC'], rows),
  ];
  for (const run of runs) {
    if (run.failure) {
      lines.push(`${run.free ? 'free()' : 'dropped'} run stopped at creation ${run.failure.creation}: ${run.failure.message}`);
    }
  }
  return lines.join('\n');
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    loadAverageAtStart: loadavg(),
  };
  const packageJson = JSON.parse(await readFile(join(REPOSITORY_ROOT, 'pkg/package.json'), 'utf8'));

  const server = await startServer({ root: REPOSITORY_ROOT, host: '127.0.0.1', port: 0 });
  log(`load average at start: ${machine.loadAverageAtStart.map((value) => value.toFixed(2)).join(' ')}`);
  const foreignRequests = [];
  const consoleErrors = [];
  let context;
  const record = { machine, lazynetVersion: packageJson.version, options };
  try {
    context = await launchChromium({ extraArgs: MEMORY_ARGS, profilePrefix: 'lazynet-memory-' });
    const origin = new URL(server.url).origin;
    context.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('data:') && new URL(url).origin !== origin) {
        foreignRequests.push(url);
      }
    });
    context.on('console', (message) => {
      if (message.type() === 'error') {
        consoleErrors.push(message.text());
      } else {
        log(message.text());
      }
    });
    context.on('weberror', (error) => consoleErrors.push(String(error.error())));

    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(RUN_TIME_LIMIT_MS);
    await page.exposeFunction('readWorkerHeap', await attachToWorkers(context, page));
    await page.goto(new URL('bench/memory.html', server.url).href);
    await page.waitForSelector('body[data-ready="true"]');
    record.browser = await page.evaluate(async () => {
      const highEntropy = navigator.userAgentData
        ? await navigator.userAgentData.getHighEntropyValues(['fullVersionList'])
        : {};
      return { userAgent: navigator.userAgent, fullVersionList: highEntropy.fullVersionList ?? null };
    });
    const run = (request) => page.evaluate((value) => window.runMemoryWorker(value), request);

    if (options.epochs > 0) {
      log(`training the default Trainer for ${options.epochs} epochs ...`);
      record.epochs = await run({ mode: 'epochs', epochs: options.epochs, sliceSteps: 50, predictionsPerEpoch: 3, seed: 1 });
    }
    if (options.trainers > 0) {
      const samplesAt = [...new Set([...REPORTED_CREATIONS.filter((i) => i <= options.trainers), options.trainers])];
      record.trainers = [];
      for (const free of [true, false]) {
        log(`creating ${options.trainers} Trainers ${free ? 'with free()' : 'without free()'} ...`);
        record.trainers.push(await run({
          mode: 'trainers',
          count: options.trainers,
          trainSteps: options.trainerSteps,
          free,
          samplesAt,
          settleMs: SETTLE_MS,
        }));
      }
    }
  } finally {
    await context?.close();
    await server.close();
  }
  machine.loadAverageAtEnd = loadavg();

  const chromiumVersion = record.browser.fullVersionList?.find((entry) => entry.brand === 'Chromium')?.version ??
    record.browser.userAgent;
  const environment = (record.epochs ?? record.trainers?.[0])?.environment;
  const sections = [
    `lazynet ${record.lazynetVersion}, Chromium ${chromiumVersion}, ${machine.cpus} cores (${machine.cpuModel}), ` +
      `load average ${machine.loadAverageAtStart.map((value) => value.toFixed(2)).join(' ')} at start, ` +
      `${machine.loadAverageAtEnd.map((value) => value.toFixed(2)).join(' ')} at end`,
  ];
  if (environment) {
    sections.push(`in the worker: gc() ${environment.gcExposed ? 'exposed' : 'NOT exposed, so the JS heap includes garbage'}; ` +
      'JS heap is Runtime.getHeapUsage().usedSize of the worker, over the DevTools protocol');
  }
  if (record.epochs) {
    sections.push(formatEpochReport(record.epochs));
  }
  if (record.trainers) {
    sections.push(formatTrainerReport(record.trainers));
  }
  if (foreignRequests.length > 0) {
    sections.push(`warning: requests to other origins: ${foreignRequests.join(', ')}`);
  }
  if (consoleErrors.length > 0) {
    sections.push(`warning: browser console errors:\n  ${consoleErrors.join('\n  ')}`);
  }
  console.log(sections.join('\n\n'));
  if (options.json) {
    console.log(`\n${JSON.stringify(record, null, 2)}`);
  }
}

main().catch((error) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(error.stack ?? String(error));
  process.exit(1);
});
