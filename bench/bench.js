// Benchmark harness in the page: runs one contender at a time in its own module worker and
// resolves to its timed totals. bench/run.mjs calls window.bench through Playwright.

import { Reply, Request } from '../www/protocol.js';

const PAGE_WORKER_URL = new URL('../www/worker.js', import.meta.url);
const STANDARD_HIDDEN = [256, 128];
// The standard model trains as TF.js does: no distortions of the images and a constant
// learning rate, with a schedule long enough never to end during a run.
const STANDARD_TRAINING = { augment: false, schedule: 'constant', epochs: 1000 };
// Time allowed for a worker's setup and for its reply beyond the requested run time.
const EXTRA_TIME_LIMIT_MS = 120_000;

const CONTENDERS = {
  // www/worker.js itself, driven through its message protocol as the page drives it.
  'lazynet-page': (options) => runPageWorker(options),
  // trainSteps in the same slices, without the page worker's evaluations and messages.
  'lazynet-steps': (options) => runBenchWorker('lazynet-worker.js', options),
  // TF.js trained with optimizer.minimize ('core') or with tfjs-layers' model.trainOnBatch.
  'tfjs-wasm': (options) => runBenchWorker('tfjs-worker.js', { ...options, backend: 'wasm', api: 'core' }),
  'tfjs-wasm-layers': (options) => runBenchWorker('tfjs-worker.js', { ...options, backend: 'wasm', api: 'layers' }),
  'tfjs-cpu': (options) => runBenchWorker('tfjs-worker.js', { ...options, backend: 'cpu', api: 'core' }),
  // Only the matrix products of training, in the lazynet wasm build.
  ceiling: (options) => runBenchWorker('ceiling-worker.js', options),
};

window.bench = {
  contenders: Object.keys(CONTENDERS),

  /** Trains contender `name` for options.warmupMs, then options.timedMs; resolves to the totals. */
  runContender(name, options) {
    const run = CONTENDERS[name];
    if (!run) {
      throw new Error(`unknown contender "${name}"; expected one of ${Object.keys(CONTENDERS).join(', ')}`);
    }
    return withTimeLimit(run(options), options.warmupMs + options.timedMs + EXTRA_TIME_LIMIT_MS, name);
  },

  /** Times TF.js matMul alone on the `backend` for the first layer's shapes; see tfjs-worker.js. */
  timeTfjsMatMuls(backend, callMs) {
    const request = { mode: 'matmul', backend, callMs };
    return withTimeLimit(runBenchWorker('tfjs-worker.js', request), 3 * callMs + EXTRA_TIME_LIMIT_MS, 'matmul');
  },

  /** Times predict and predictImage calls in a worker; see latency-worker.js. */
  measureLatency(options) {
    return withTimeLimit(runBenchWorker('latency-worker.js', options), EXTRA_TIME_LIMIT_MS, 'latency');
  },

  /** Describes the browser: user agent, full version and logical processor count. */
  async describeBrowser() {
    let fullVersionList = null;
    if (navigator.userAgentData) {
      ({ fullVersionList } = await navigator.userAgentData.getHighEntropyValues(['fullVersionList']));
    }
    return {
      userAgent: navigator.userAgent,
      fullVersionList,
      hardwareConcurrency: navigator.hardwareConcurrency,
      crossOriginIsolated: self.crossOriginIsolated,
    };
  },
};
document.body.dataset.ready = 'true';

/** Runs a worker from bench/ that speaks the protocol of timing.js, then terminates it. */
async function runBenchWorker(file, options) {
  const worker = new Worker(new URL(file, import.meta.url), { type: 'module' });
  try {
    return await new Promise((resolve, reject) => {
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`${file}: ${event.message || 'failed to load (see the browser console)'}`));
      };
      worker.onmessage = ({ data }) => {
        if (data.type === 'result') {
          resolve(data);
        } else {
          reject(new Error(`${file}: ${data.message}`));
        }
      };
      worker.postMessage({ type: 'run', ...options });
    });
  } finally {
    worker.terminate();
  }
}

/**
 * Drives www/worker.js as the page does: Reset with the standard config, then Train, and
 * counts the steps and samples reported in its progress messages. Timestamps are taken here
 * when each message arrives, so the postMessage delay is included, as on the page.
 */
async function runPageWorker({ warmupMs, timedMs, seed, batchSize }) {
  const worker = new Worker(PAGE_WORKER_URL, { type: 'module' });
  try {
    const setupStart = performance.now();
    const ready = await new Promise((resolve, reject) => {
      listen(worker, reject, (message) => {
        if (message.type === Reply.READY) {
          resolve(message);
        }
      });
      worker.postMessage({ type: Request.RESET, config: { hidden: STANDARD_HIDDEN, batchSize, seed, ...STANDARD_TRAINING } });
    });
    const setupMs = performance.now() - setupStart;

    return await new Promise((resolve, reject) => {
      const trainStart = performance.now();
      let first = null;
      let evaluations = 0;
      let progressMessages = 0;
      listen(worker, reject, (message) => {
        const now = performance.now();
        if (message.type === Reply.EVALUATION && first) {
          evaluations += 1;
        }
        if (message.type !== Reply.PROGRESS) {
          return;
        }
        if (!first) {
          if (now - trainStart >= warmupMs) {
            first = { now, step: message.step, epoch: message.epoch };
          }
          return;
        }
        progressMessages += 1;
        if (now - first.now >= timedMs) {
          worker.postMessage({ type: Request.PAUSE });
          resolve({
            steps: message.step - first.step,
            samples: Math.round((message.epoch - first.epoch) * ready.trainCount),
            ms: now - first.now,
            setupMs,
            lastLoss: message.loss,
            evaluations,
            progressMessages,
          });
        }
      });
      worker.postMessage({ type: Request.TRAIN });
    });
  } finally {
    worker.terminate();
  }
}

/** Routes the worker's messages to `onMessage`, and its errors and error replies to `reject`. */
function listen(worker, reject, onMessage) {
  worker.onerror = (event) => {
    event.preventDefault();
    reject(new Error(`www/worker.js: ${event.message || 'failed to load (see the browser console)'}`));
  };
  worker.onmessage = ({ data }) => {
    if (data.type === Reply.ERROR) {
      reject(new Error(`www/worker.js: ${data.message}`));
    } else {
      onMessage(data);
    }
  };
}

function withTimeLimit(promise, limitMs, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} timed out after ${limitMs} ms`)), limitMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
