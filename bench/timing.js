// The timed loop and the message protocol shared by the benchmark workers.
//
// The page (bench.js) posts { type: 'run', warmupMs, timedMs, ... } to a worker. The worker
// sets up, trains for warmupMs without counting, then for at least timedMs with counting, and
// replies once with { type: 'result', ... } or { type: 'error', message }.

/**
 * Calls `slice()` for `warmupMs`, then again for at least `timedMs`, and resolves to the totals
 * of the timed part: { steps, samples, ms }. `slice` returns (or resolves to) the
 * { steps, samples } it trained. Only whole slices are counted, and `ms` is the time they took.
 */
export async function timeSlices(slice, { warmupMs, timedMs }) {
  const warmupStart = performance.now();
  do {
    await slice();
  } while (performance.now() - warmupStart < warmupMs);

  let steps = 0;
  let samples = 0;
  let elapsedMs = 0;
  const start = performance.now();
  do {
    const done = await slice();
    steps += done.steps;
    samples += done.samples;
    elapsedMs = performance.now() - start;
  } while (elapsedMs < timedMs);
  return { steps, samples, ms: elapsedMs };
}

/**
 * Installs the worker's message handler: `run(request)` resolves to the result fields, and any
 * error it throws is sent back as { type: 'error', message }.
 */
export function serveRuns(run) {
  self.onmessage = async (event) => {
    const request = event.data;
    if (request?.type !== 'run') {
      self.postMessage({ type: 'error', message: `unknown request type ${JSON.stringify(request?.type)}` });
      return;
    }
    try {
      self.postMessage({ type: 'result', ...(await run(request)) });
    } catch (error) {
      const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
      self.postMessage({ type: 'error', message });
    }
  };
}

/** Returns the p-quantile (0 < p ≤ 1) of ascending `sorted` values by the nearest-rank rule. */
export function quantile(sorted, p) {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}
