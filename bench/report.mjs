// Statistics and the printed table of a benchmark run.

/** Display names of the contenders, in table order. */
export const CONTENDER_LABELS = {
  'lazynet-page': 'lazynet, page worker (www/worker.js)',
  'lazynet-steps': 'lazynet, trainSteps only',
  'tfjs-wasm': 'TF.js 4.22 wasm, minimize (SIMD, 1 thread)',
  'tfjs-wasm-layers': 'TF.js 4.22 wasm, trainOnBatch',
  'tfjs-cpu': 'TF.js 4.22 cpu (plain JS), minimize',
  ceiling: 'ceiling: matrix products only (wasm)',
};

/** Ratios printed from per-round pairs: [numerator, denominator]. */
export const RATIOS = [
  ['lazynet-page', 'tfjs-wasm'],
  ['lazynet-page', 'tfjs-wasm-layers'],
  ['lazynet-steps', 'tfjs-wasm'],
  ['lazynet-steps', 'tfjs-cpu'],
  ['lazynet-page', 'ceiling'],
  ['lazynet-steps', 'ceiling'],
];

/** Returns the median of `values` (the mean of the two middle ones for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Returns { median, min, max } of `values`. */
export function summarize(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Returns samples per second of one round's totals. */
export function samplesPerSecond(round) {
  return round.samples / (round.ms / 1000);
}

/**
 * Computes the summary of a run from `rounds` ([{ order, results: { contender: totals } }]):
 * per contender the samples/s of each round and their median and range, and for each ratio
 * in RATIOS the per-round quotients and their range.
 */
export function analyze(rounds, contenders) {
  const perContender = {};
  for (const name of contenders) {
    const rates = rounds.map((round) => samplesPerSecond(round.results[name]));
    perContender[name] = { samplesPerSecond: rates, ...summarize(rates) };
  }
  if (perContender.ceiling) {
    const gflops = rounds.map((round) => round.results.ceiling.gflops);
    perContender.ceiling.gflops = { values: gflops, ...summarize(gflops) };
    perContender.ceiling.flopPerStep = rounds[0].results.ceiling.flopPerStep;
  }

  const ratios = {};
  for (const [numerator, denominator] of RATIOS) {
    if (!perContender[numerator] || !perContender[denominator]) {
      continue;
    }
    const values = rounds.map(
      (round) => samplesPerSecond(round.results[numerator]) / samplesPerSecond(round.results[denominator]),
    );
    ratios[`${numerator} / ${denominator}`] = { values, ...summarize(values) };
  }
  return { perContender, ratios };
}

/**
 * Compares wasm with native per step: lazynet's training step (trainSteps worker) and the
 * matrix products (ceiling worker) against criterion's means. Returns null without native data.
 */
export function compareNative(rounds, native) {
  if (!native) {
    return null;
  }
  const comparison = {};
  const pairs = [
    ['lazynet-steps', 'train_step_batch64'],
    ['ceiling', 'matrix_products_batch64'],
  ];
  for (const [contender, id] of pairs) {
    if (!rounds[0].results[contender] || !native[id]) {
      continue;
    }
    const wasmMsPerStep = median(rounds.map(({ results }) => results[contender].ms / results[contender].steps));
    const nativeMsPerStep = native[id].meanNs / 1e6;
    comparison[id] = { wasmMsPerStep, nativeMsPerStep, wasmOverNative: wasmMsPerStep / nativeMsPerStep };
  }
  return comparison;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function fixed(value, digits) {
  return value.toFixed(digits);
}

function table(header, rows) {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => String(row[column]).length)),
  );
  const line = (cells) =>
    cells
      .map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column])))
      .join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** Formats the results as the plain-text report printed at the end of a run. */
export function formatReport(record) {
  const { summary, tfjsMatMul, latency, navigation, sizes, nativeComparison, options } = record;
  const parts = [];

  parts.push(
    `Training throughput: ${options.rounds} rounds of ${options.seconds} s timed after ${options.warmup} s warm-up, ` +
      `batch ${options.batchSize}, samples/s (higher is better)`,
  );
  parts.push(
    table(
      ['contender', 'median', 'min', 'max', 'per round'],
      Object.entries(summary.perContender).map(([name, stats]) => [
        CONTENDER_LABELS[name] ?? name,
        integer.format(stats.median),
        integer.format(stats.min),
        integer.format(stats.max),
        stats.samplesPerSecond.map((value) => integer.format(value)).join(' '),
      ]),
    ),
  );

  const ceiling = summary.perContender.ceiling;
  if (ceiling) {
    parts.push(
      `Ceiling: ${integer.format(ceiling.flopPerStep)} FLOP per step, ${fixed(ceiling.gflops.median, 2)} GFLOP/s median ` +
        `(${fixed(ceiling.gflops.min, 2)}–${fixed(ceiling.gflops.max, 2)}); samples/s = 64 × steps/s`,
    );
  }

  if (Object.keys(summary.ratios).length > 0) {
    parts.push(
      table(
        ['ratio (from per-round pairs)', 'median', 'min', 'max'],
        Object.entries(summary.ratios).map(([name, stats]) => [
          name,
          fixed(stats.median, 3),
          fixed(stats.min, 3),
          fixed(stats.max, 3),
        ]),
      ),
    );
  }

  if (nativeComparison) {
    parts.push(
      table(
        ['wasm vs native (criterion mean)', 'wasm ms/step', 'native ms/step', 'wasm / native'],
        Object.entries(nativeComparison).map(([id, value]) => [
          id,
          fixed(value.wasmMsPerStep, 3),
          fixed(value.nativeMsPerStep, 3),
          fixed(value.wasmOverNative, 2),
        ]),
      ),
    );
  }

  const matMulBackends = Object.keys(tfjsMatMul ?? {});
  if (matMulBackends.length > 0) {
    const shapes = Object.keys(tfjsMatMul[matMulBackends[0]].msPerCall);
    parts.push(
      table(
        ['TF.js matMul alone, ms per call', ...matMulBackends],
        shapes.map((shape) => [shape, ...matMulBackends.map((backend) => fixed(tfjsMatMul[backend].msPerCall[shape], 3))]),
      ),
    );
  }

  if (latency) {
    parts.push(
      `Prediction latency in a worker, ${integer.format(latency.predict.calls)} calls each, Trainer after ` +
        `${latency.trainedSteps} training steps, timer resolution ${Number(latency.timerResolutionMs.toPrecision(3))} ms`,
    );
    parts.push(
      table(
        ['call', 'p50 ms', 'p95 ms', 'mean ms'],
        [
          ['predict (1 × 784 floats)', latency.predict],
          ['predictImage (280×280 RGBA, a drawn 7)', latency.predictImage],
        ].map(([name, stats]) => [name, fixed(stats.p50Ms, 3), fixed(stats.p95Ms, 3), fixed(stats.meanMs, 3)]),
      ),
    );
  }

  if (navigation) {
    const stats = navigation.summary;
    parts.push(
      `Page www/index.html, ${navigation.loads.length} loads, ms since navigation start, median (min–max):\n` +
        `  Train button enabled  ${fixed(stats.trainEnabledMs.median, 0)} (${fixed(stats.trainEnabledMs.min, 0)}–${fixed(stats.trainEnabledMs.max, 0)})\n` +
        `  first step shown      ${fixed(stats.firstStepMs.median, 0)} (${fixed(stats.firstStepMs.min, 0)}–${fixed(stats.firstStepMs.max, 0)})\n` +
        `  click to first step   ${fixed(stats.clickToFirstStepMs.median, 1)} (${fixed(stats.clickToFirstStepMs.min, 1)}–${fixed(stats.clickToFirstStepMs.max, 1)})`,
    );
  }

  if (sizes) {
    parts.push('Sizes (the data files are stored gzip-compressed, so their bytes are what the page downloads):');
    parts.push(
      table(
        ['file', 'bytes', 'gzip -9 bytes'],
        Object.entries(sizes).map(([file, size]) => [file, integer.format(size.bytes), integer.format(size.gzipBytes)]),
      ),
    );
  }

  return parts.join('\n\n');
}
