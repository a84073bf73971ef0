// Benchmark of lazynet against TF.js in headless Chromium, plus prediction latency, page
// start-up time, download sizes and (unless --skip-native) criterion's native numbers.
// Run from the repository root with `bash scripts/bench.sh [options]`; --help lists the options.

import { access, mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';


import { launchChromium } from '../tests/e2e/browser.mjs';
import { REPOSITORY_ROOT, startServer } from '../tests/e2e/server.mjs';
import {
  checkBuildIsFresh,
  describeCommit,
  describeMachine,
  describeVersions,
  measureSizes,
  readLoadAverage,
  runNativeBenchmarks,
} from './environment.mjs';
import { analyze, compareNative, CONTENDER_LABELS, formatReport, summarize } from './report.mjs';

const ALL_CONTENDERS = Object.keys(CONTENDER_LABELS);
const SEED = 1;
const BATCH_SIZE = 64;
// Training steps before the latency measurement, so the Trainer has built, trained layers.
const LATENCY_TRAIN_STEPS = 200;
const PAGE_LOAD_TIME_LIMIT_MS = 60_000;
// Time spent on each shape when timing TF.js matMul alone.
const MATMUL_CALL_MS = 1000;

const USAGE = `Usage: bash scripts/bench.sh [options]

Trains the standard MLP (784-256-128-10, Adam, batch 64) on the bundled digits in headless
Chromium with each contender in turn, in its own worker, and prints samples/s.

Options:
  --rounds N          rounds; each contender runs once per round (default 3)
  --seconds S         timed training per contender per round, in seconds (default 5)
  --warmup S          untimed training before each timed run, in seconds (default 2)
  --contenders LIST   comma-separated subset of ${ALL_CONTENDERS.join(',')} (default: all)
  --predict-calls N   timed calls each of predict and predictImage (default 2000; 0 skips)
  --page-loads N      loads of www/index.html for the start-up time (default 5; 0 skips)
  --skip-native       do not run cargo bench --bench train
  --out DIR           directory of the JSON record (default bench/results)
  --help              print this text`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '2' },
      contenders: { type: 'string', default: ALL_CONTENDERS.join(',') },
      'predict-calls': { type: 'string', default: '2000' },
      'page-loads': { type: 'string', default: '5' },
      'skip-native': { type: 'boolean', default: false },
      out: { type: 'string', default: join(REPOSITORY_ROOT, 'bench/results') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }

  const number = (name, { min, integer }) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      throw new UsageError(`invalid --${name} "${values[name]}": expected ${integer ? 'a whole number' : 'a number'} of at least ${min}`);
    }
    return value;
  };
  const contenders = values.contenders.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = contenders.filter((name) => !ALL_CONTENDERS.includes(name));
  if (unknown.length > 0 || contenders.length === 0) {
    throw new UsageError(`invalid --contenders "${values.contenders}": expected names from ${ALL_CONTENDERS.join(', ')}`);
  }
  return {
    rounds: number('rounds', { min: 1, integer: true }),
    seconds: number('seconds', { min: 0.1 }),
    warmup: number('warmup', { min: 0 }),
    contenders,
    predictCalls: number('predict-calls', { min: 0, integer: true }),
    pageLoads: number('page-loads', { min: 0, integer: true }),
    skipNative: values['skip-native'],
    out: values.out,
    batchSize: BATCH_SIZE,
    seed: SEED,
  };
}

class UsageError extends Error {}

function log(message) {
  process.stderr.write(`${message}\n`);
}

/** Runs every contender once per round, in an order rotated by one each round. */
async function runRounds(page, options) {
  const rounds = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const order = options.contenders.map((_, i) => options.contenders[(i + round) % options.contenders.length]);
    const results = {};
    for (const name of order) {
      const request = {
        warmupMs: options.warmup * 1000,
        timedMs: options.seconds * 1000,
        seed: options.seed,
        batchSize: options.batchSize,
      };
      const result = await page.evaluate(([contender, value]) => window.bench.runContender(contender, value), [name, request]);
      results[name] = result;
      const rate = result.samples / (result.ms / 1000);
      log(`round ${round + 1}/${options.rounds}: ${name.padEnd(16)} ${Math.round(rate).toLocaleString('en-US').padStart(7)} samples/s ` +
        `(${result.steps} steps in ${Math.round(result.ms)} ms, setup ${Math.round(result.setupMs)} ms)`);
    }
    rounds.push({ order, results });
  }
  return rounds;
}

/**
 * Installed in each page before its scripts run: records, in ms since navigation start, when
 * the Train button becomes enabled, when it is clicked, and when the step count first shows
 * a step. It clicks Train itself as soon as the button is enabled, so the measured time has
 * no input-automation delay in it.
 */
function recordPageStartup() {
  const marks = {};
  window.__lazynetBenchMarks = marks;
  document.addEventListener('DOMContentLoaded', () => {
    const button = document.getElementById('train-toggle');
    const step = document.getElementById('stat-step');
    button.addEventListener('click', () => {
      marks.clickMs ??= performance.now();
    }, { capture: true });

    const clickWhenEnabled = () => {
      if (marks.trainEnabledMs === undefined && !button.disabled) {
        marks.trainEnabledMs = performance.now();
        // A new task, so the page finishes the update that enabled the button first.
        setTimeout(() => button.click(), 0);
      }
    };
    new MutationObserver(clickWhenEnabled).observe(button, { attributes: true, attributeFilter: ['disabled'] });
    clickWhenEnabled();

    new MutationObserver(() => {
      if (marks.firstStepMs === undefined && step.textContent.trim() !== '0') {
        marks.firstStepMs = performance.now();
      }
    }).observe(step, { childList: true, characterData: true, subtree: true });
  });
}

/** Loads www/index.html `loads` times in new tabs and collects the start-up marks. */
async function measurePageStartup(context, baseUrl, loads) {
  const results = [];
  for (let i = 0; i < loads; i += 1) {
    const page = await context.newPage();
    try {
      await page.addInitScript(recordPageStartup);
      await page.goto(new URL('www/index.html', baseUrl).href, { waitUntil: 'commit' });
      await page.waitForFunction(() => window.__lazynetBenchMarks?.firstStepMs !== undefined, null, {
        timeout: PAGE_LOAD_TIME_LIMIT_MS,
      });
      const marks = await page.evaluate(() => {
        const navigation = performance.getEntriesByType('navigation')[0];
        return {
          ...window.__lazynetBenchMarks,
          domContentLoadedMs: navigation?.domContentLoadedEventEnd ?? null,
          loadEventMs: navigation?.loadEventEnd ?? null,
        };
      });
      marks.clickToFirstStepMs = marks.firstStepMs - marks.clickMs;
      results.push(marks);
      log(`page load ${i + 1}/${loads}: Train enabled at ${Math.round(marks.trainEnabledMs)} ms, first step shown at ${Math.round(marks.firstStepMs)} ms`);
    } finally {
      await page.close();
    }
  }
  const summary = {};
  for (const key of ['trainEnabledMs', 'firstStepMs', 'clickToFirstStepMs']) {
    summary[key] = summarize(results.map((marks) => marks[key]));
  }
  return { loads: results, summary };
}

/** Returns a path for the record that does not overwrite an earlier run's. */
async function recordPath(directory, date, commit) {
  for (let attempt = 1; ; attempt += 1) {
    const name = attempt === 1 ? `${date}-${commit}.json` : `${date}-${commit}-${attempt}.json`;
    const path = join(directory, name);
    try {
      await access(path);
    } catch {
      return path;
    }
  }
}

async function main() {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  const root = REPOSITORY_ROOT;
  const started = new Date();

  const staleBuild = await checkBuildIsFresh(root);
  if (staleBuild) {
    log(`warning: ${staleBuild}`);
  }
  const [machine, commit, versions, sizes] = await Promise.all([
    describeMachine(),
    describeCommit(root),
    describeVersions(root),
    measureSizes(root),
  ]);

  let native = null;
  if (!options.skipNative) {
    log('running cargo bench --bench train (criterion, native) ...');
    native = await runNativeBenchmarks(root, { onOutput: (chunk) => process.stderr.write(chunk) });
  }

  const server = await startServer({ root, host: '127.0.0.1', port: 0 });
  const foreignRequests = [];
  const consoleErrors = [];
  let context;
  let record;
  try {
    context = await launchChromium({ profilePrefix: 'lazynet-bench-' });
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
      }
    });
    context.on('weberror', (error) => consoleErrors.push(String(error.error())));

    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(new URL('bench/index.html', server.url).href);
    await page.waitForSelector('body[data-ready="true"]');
    const browser = await page.evaluate(() => window.bench.describeBrowser());
    browser.version = context.browser()?.version() ?? null;

    const rounds = await runRounds(page, options);

    const tfjsMatMul = {};
    for (const backend of ['wasm', 'cpu']) {
      if (options.contenders.some((name) => name.startsWith(`tfjs-${backend}`))) {
        log(`timing TF.js matMul alone on the ${backend} backend ...`);
        tfjsMatMul[backend] = await page.evaluate(
          ([name, callMs]) => window.bench.timeTfjsMatMuls(name, callMs),
          [backend, MATMUL_CALL_MS],
        );
      }
    }

    let latency = null;
    if (options.predictCalls > 0) {
      log(`timing ${options.predictCalls} predict and predictImage calls ...`);
      latency = await page.evaluate(
        (request) => window.bench.measureLatency(request),
        { calls: options.predictCalls, trainSteps: LATENCY_TRAIN_STEPS, seed: options.seed },
      );
    }

    let navigation = null;
    if (options.pageLoads > 0) {
      navigation = await measurePageStartup(context, server.url, options.pageLoads);
    }

    machine.loadAverageAtEnd = await readLoadAverage();
    const summary = analyze(rounds, options.contenders);
    record = {
      date: started.toISOString(),
      command: process.env.LAZYNET_BENCH_COMMAND ?? `node ${relative(root, process.argv[1])} ${argv.join(' ')}`.trim(),
      options,
      git: commit,
      staleBuildWarning: staleBuild,
      machine: { ...machine, browser },
      versions,
      rounds,
      summary,
      tfjsMatMul,
      latency,
      navigation,
      sizes,
      native,
      nativeComparison: compareNative(rounds, native),
      foreignRequests,
      consoleErrors,
    };
  } finally {
    await context?.close();
    await server.close();
  }

  console.log(formatReport(record));
  if (foreignRequests.length > 0) {
    console.log(`\nwarning: requests to other origins: ${foreignRequests.join(', ')}`);
  }
  if (record.consoleErrors.length > 0) {
    console.log(`\nwarning: browser console errors:\n  ${record.consoleErrors.join('\n  ')}`);
  }

  await mkdir(options.out, { recursive: true });
  const path = await recordPath(options.out, started.toISOString().slice(0, 10), commit.commit);
  await writeFile(path, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nRecord written to ${relative(process.cwd(), path)}`);
}

main().catch((error) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(error.stack ?? String(error));
  process.exit(1);
});
