// Memory use of lazynet over a long training run and over many Trainers, measured in a module
// worker. scripts/memory.mjs drives it through bench/memory.html.
//
// The page posts { type: 'run', mode, ... } and the worker replies with any number of
// { type: 'progress', message } and then one { type: 'result', ... } or { type: 'error', message }.
//
// Two figures are read at each sample point:
// - wasmBytes: the size of the WebAssembly memory. It only grows (memory.grow), never shrinks,
//   so it is the high-water mark of the Rust heap, not what is in use.
// - jsHeapBytes: the used size of this worker's V8 heap after a full gc(). Chromium 156 has no
//   performance.memory in workers, so the worker posts { type: 'heap-request' } and waits idle.
//   scripts/memory.mjs then reads Runtime.getHeapUsage of the worker over the DevTools
//   protocol, and the page posts the result back as { type: 'heap-reply', bytes }.

import init, { Trainer } from '../pkg/lazynet.js';
import { DATA_FILES, fetchDataFile } from './idx.js';

const CANVAS_SIZE = 280;

let wasm = null;
let dataFiles = null;
// Resolves the pending heap-request with the page's reply.
let resolveHeapReply = null;

self.onmessage = async (event) => {
  const request = event.data;
  if (request?.type === 'heap-reply') {
    resolveHeapReply?.(request.bytes);
    resolveHeapReply = null;
    return;
  }
  try {
    if (request?.type !== 'run') {
      throw new Error(`unknown request type ${JSON.stringify(request?.type)}; expected "run"`);
    }
    await setUp();
    const run = MODES[request.mode];
    if (!run) {
      throw new Error(`unknown mode ${JSON.stringify(request.mode)}; expected one of ${Object.keys(MODES).join(', ')}`);
    }
    self.postMessage({ type: 'result', ...(await run(request)) });
  } catch (error) {
    const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    self.postMessage({ type: 'error', message });
  }
};

const MODES = {
  epochs: trainEpochs,
  trainers: createTrainers,
};

/** Instantiates the wasm module and fetches the four data files once per worker. */
async function setUp() {
  if (wasm) {
    return;
  }
  const [exports, trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    init(),
    fetchDataFile(DATA_FILES.trainImages),
    fetchDataFile(DATA_FILES.trainLabels),
    fetchDataFile(DATA_FILES.testImages),
    fetchDataFile(DATA_FILES.testLabels),
  ]);
  wasm = exports;
  // Kept as ArrayBuffers, as the page's worker passes them.
  dataFiles = {
    trainImages: trainImages.buffer,
    trainLabels: trainLabels.buffer,
    testImages: testImages.buffer,
    testLabels: testLabels.buffer,
  };
}

function progress(message) {
  self.postMessage({ type: 'progress', message });
}

function collectGarbage() {
  if (typeof self.gc === 'function') {
    self.gc();
  }
}

/** Runs a full gc(), then resolves to both figures, so the JS heap is what is still reachable. */
async function sample() {
  collectGarbage();
  const jsHeapBytes = await new Promise((resolve) => {
    resolveHeapReply = resolve;
    self.postMessage({ type: 'heap-request' });
  });
  return { wasmBytes: wasm.memory.buffer.byteLength, jsHeapBytes };
}

function describeEnvironment() {
  return {
    gcExposed: typeof self.gc === 'function',
    finalizationRegistry: typeof FinalizationRegistry === 'function',
    userAgent: navigator.userAgent,
  };
}

function loadData(trainer) {
  trainer.loadTrainingData(dataFiles.trainImages, dataFiles.trainLabels);
  trainer.loadTestData(dataFiles.testImages, dataFiles.testLabels);
}

/**
 * Trains the default Trainer for `epochs` epochs as the page does: slices of `sliceSteps`
 * steps, `predictionsPerEpoch` predictImage calls on a drawn 7 spread over each epoch, and one
 * evaluate() at each epoch's end. Records both figures after every epoch, and for each of the
 * three calls how many calls grew the wasm memory and by how many bytes in total.
 */
async function trainEpochs({ epochs, sliceSteps, predictionsPerEpoch, seed }) {
  const start = performance.now();
  const trainer = new Trainer({ seed });
  loadData(trainer);
  const drawing = drawSeven();
  const before = await sample();

  const growth = {
    trainSteps: newGrowthCounter(),
    evaluate: newGrowthCounter(),
    predictImage: newGrowthCounter(),
  };
  const measured = (name, call) => {
    const bytesBefore = wasm.memory.buffer.byteLength;
    const result = call();
    growth[name].record(wasm.memory.buffer.byteLength - bytesBefore);
    return result;
  };

  const perEpoch = [];
  let step = 0;
  let fractionalEpoch = 0;
  for (let epoch = 1; epoch <= epochs; epoch += 1) {
    let slices = 0;
    let predictions = 0;
    let accuracy = null;
    while (fractionalEpoch < epoch) {
      const result = measured('trainSteps', () => trainer.trainSteps(sliceSteps));
      step = result.step;
      fractionalEpoch = result.epoch;
      slices += 1;
      // An epoch is about three slices of 50 steps. One prediction follows each slice until
      // the epoch's predictions are done.
      if (predictions < predictionsPerEpoch) {
        // The page copies the canvas bytes into a new array for every prediction.
        measured('predictImage', () => trainer.predictImage(new Uint8ClampedArray(drawing), CANVAS_SIZE, CANVAS_SIZE));
        predictions += 1;
      }
      // Yields to the event loop between slices, as the page's worker does.
      await nextTask();
    }
    while (predictions < predictionsPerEpoch) {
      measured('predictImage', () => trainer.predictImage(new Uint8ClampedArray(drawing), CANVAS_SIZE, CANVAS_SIZE));
      predictions += 1;
    }
    accuracy = measured('evaluate', () => trainer.evaluate()).accuracy;

    const figures = await sample();
    perEpoch.push({ epoch, step, fractionalEpoch, slices, accuracy, elapsedMs: performance.now() - start, ...figures });
    if (epoch === 1 || epoch % 5 === 0) {
      progress(`epoch ${epoch}/${epochs}: wasm ${figures.wasmBytes} bytes, JS heap ${figures.jsHeapBytes} bytes, ` +
        `held-out accuracy ${(accuracy * 100).toFixed(1)} %, ${Math.round(performance.now() - start)} ms`);
    }
  }
  trainer.free();
  const afterFree = await sample();

  return {
    environment: describeEnvironment(),
    before,
    perEpoch,
    afterFree,
    callGrowth: Object.fromEntries(Object.entries(growth).map(([name, counter]) => [name, counter.summary()])),
  };
}

function newGrowthCounter() {
  let calls = 0;
  let growingCalls = 0;
  let bytes = 0;
  let lastGrowthCall = null;
  return {
    record(grownBytes) {
      calls += 1;
      if (grownBytes > 0) {
        growingCalls += 1;
        bytes += grownBytes;
        lastGrowthCall = calls;
      }
    },
    summary: () => ({ calls, growingCalls, bytes, lastGrowthCall }),
  };
}

/**
 * Creates `count` Trainers one after another; each loads the data, trains `trainSteps` steps
 * and evaluates once. With `free`, each is freed with free(). Without it, the reference is
 * dropped, then gc() runs and the worker yields a task, which lets wasm-bindgen's
 * FinalizationRegistry free it. A second FinalizationRegistry of our own counts the Trainers the garbage collector
 * has reclaimed, which is when wasm-bindgen's registry is also called for them.
 */
async function createTrainers({ count, trainSteps, free, samplesAt, settleMs }) {
  const start = performance.now();
  let reclaimed = 0;
  const reclaimedCounter = new FinalizationRegistry(() => {
    reclaimed += 1;
  });
  const before = await sample();
  const samples = [];
  let failure = null;

  for (let i = 1; i <= count; i += 1) {
    try {
      let trainer = new Trainer({ seed: i });
      loadData(trainer);
      trainer.trainSteps(trainSteps);
      trainer.evaluate();
      if (free) {
        trainer.free();
      } else {
        reclaimedCounter.register(trainer, i);
      }
      trainer = null;
    } catch (error) {
      failure = { creation: i, message: error instanceof Error ? error.message : String(error) };
      progress(`creation ${i} failed: ${failure.message}`);
      break;
    }
    collectGarbage();
    // Finalization callbacks run only as tasks of their own, never inside this loop's task.
    await nextTask();

    if (samplesAt.includes(i)) {
      const figures = await sample();
      samples.push({ creation: i, reclaimed, elapsedMs: performance.now() - start, ...figures });
      progress(`${free ? 'free()' : 'dropped'} creation ${i}/${count}: wasm ${figures.wasmBytes} bytes, ` +
        `JS heap ${figures.jsHeapBytes} bytes, ${reclaimed} reclaimed by the garbage collector`);
    }
  }

  // Gives the garbage collector and the finalization callbacks a last chance to run.
  const settleStart = performance.now();
  while (performance.now() - settleStart < settleMs) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const settledFigures = await sample();
  const settled = { reclaimed, ...settledFigures };

  return {
    environment: describeEnvironment(),
    free,
    count,
    before,
    samples,
    settled,
    failure,
  };
}

function nextTask() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** Draws a 7 as two 18-pixel black strokes on a transparent canvas and returns its RGBA bytes. */
function drawSeven() {
  const canvas = new OffscreenCanvas(CANVAS_SIZE, CANVAS_SIZE);
  const context = canvas.getContext('2d');
  context.lineWidth = 18;
  context.lineCap = 'round';
  context.lineJoin = 'round';
  context.strokeStyle = '#000';
  context.beginPath();
  context.moveTo(80, 60);
  context.lineTo(200, 60);
  context.lineTo(120, 230);
  context.stroke();
  return context.getImageData(0, 0, CANVAS_SIZE, CANVAS_SIZE).data;
}
