// The ceiling: only the matrix products of training steps of the standard model, through
// benchmarkMatrixProducts in the same wasm build, in slices of about 50 ms like training.

import init, { benchmarkMatrixProducts } from '../pkg/lazynet.js';
import { serveRuns, timeSlices } from './timing.js';

const SLICE_MS = 50;
const BATCH = 64;
// Floating-point operations per step, as counted in benchmark_matrix_products (src/web.rs).
const FLOP_PER_STEP = 64_454_656;

serveRuns(async ({ warmupMs, timedMs }) => {
  const setupStart = performance.now();
  await init();
  const setupMs = performance.now() - setupStart;

  let stepsPerSlice = 1;
  let checksum = 0;
  const slice = () => {
    const started = performance.now();
    checksum += benchmarkMatrixProducts(stepsPerSlice);
    const msPerStep = (performance.now() - started) / stepsPerSlice;
    const done = { steps: stepsPerSlice, samples: stepsPerSlice * BATCH };
    stepsPerSlice = Math.max(1, Math.round(SLICE_MS / msPerStep));
    return done;
  };

  const timed = await timeSlices(slice, { warmupMs, timedMs });
  const gflops = (timed.steps * FLOP_PER_STEP) / (timed.ms * 1e6);
  return { ...timed, setupMs, checksum, flopPerStep: FLOP_PER_STEP, gflops };
});
