// Training worker: owns the wasm Trainer, trains in short slices and classifies drawings
// between slices, so a Pause or a drawing is handled within one slice (about SLICE_MS).

import init, { Trainer } from '../pkg/lazynet.js';
import { Reply, Request } from './protocol.js';

// Target wall time of one training slice, in milliseconds.
const SLICE_MS = 50;
// Upper bound on mini-batches per slice, so one slow-to-measure slice cannot run for seconds.
const MAX_STEPS_PER_SLICE = 200;
// Evaluate on the held-out split each time this many epochs have passed.
const EVALUATION_INTERVAL_EPOCHS = 0.5;

const DATA_FILES = {
  trainImages: 'data/train-images.idx3-ubyte.gz',
  trainLabels: 'data/train-labels.idx1-ubyte.gz',
  testImages: 'data/test-images.idx3-ubyte.gz',
  testLabels: 'data/test-labels.idx1-ubyte.gz',
};

let trainer = null;
let running = false;
let stepsPerSlice = 1;
// Step and epoch after the last slice.
let trainedTo = { step: 0, epoch: 0 };
let lastEvaluatedEpoch = 0;
let slicesSinceEvaluation = 0;
let lastSummaryJson = '';
let pendingPrediction = null;

// Wasm module and data bytes, loaded once and reused by every Reset.
let setupPromise = null;

// A MessageChannel schedules the next slice as a new task, so messages from the page run
// between slices. Unlike setTimeout(0), it is not clamped to 4 ms when nested.
const tick = new MessageChannel();
let tickScheduled = false;
tick.port1.onmessage = runTick;

self.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case Request.RESET:
      resetTrainer(message.config);
      break;
    case Request.TRAIN:
      startTraining();
      break;
    case Request.PAUSE:
      pauseTraining();
      break;
    case Request.PREDICT:
      // A newer drawing replaces one still waiting, so only the latest one is classified.
      pendingPrediction = message;
      scheduleTick();
      break;
    default:
      postError(`The training worker received an unknown message type "${message.type}".`);
  }
};

function scheduleTick() {
  if (!tickScheduled) {
    tickScheduled = true;
    tick.port2.postMessage(null);
  }
}

function runTick() {
  tickScheduled = false;

  if (pendingPrediction) {
    const request = pendingPrediction;
    pendingPrediction = null;
    predict(request);
  }

  if (running) {
    trainSlice();
  }
  if (running) {
    scheduleTick();
  }
}

// Setup and reset

function loadSetup() {
  if (!setupPromise) {
    setupPromise = Promise.all([initWasm(), fetchDataFiles()]).then(([, data]) => data);
    // Let a later Reset try again after a failed fetch.
    setupPromise.catch(() => {
      setupPromise = null;
    });
  }
  return setupPromise;
}

async function initWasm() {
  try {
    await init();
  } catch (error) {
    throw new Error(`Failed to load the WebAssembly module: ${errorMessage(error)}. Reload the page to try again.`);
  }
}

async function fetchDataFiles() {
  const entries = Object.entries(DATA_FILES).map(async ([key, path]) => {
    const url = new URL(path, import.meta.url);
    let response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new Error(`Failed to load ${path}: ${error.message}. Check the connection and press Reset.`);
    }
    if (!response.ok) {
      throw new Error(
        `Failed to load ${path}: HTTP ${response.status} ${response.statusText}. ` +
          'Press Reset to try again.',
      );
    }
    return [key, new Uint8Array(await response.arrayBuffer())];
  });
  return Object.fromEntries(await Promise.all(entries));
}

async function resetTrainer(config) {
  setRunning(false);

  let data;
  try {
    data = await loadSetup();
  } catch (error) {
    postError(error.message);
    return;
  }

  // Build and fill the new Trainer before dropping the old one, so invalid settings leave
  // the current model in place.
  let next;
  try {
    next = new Trainer(config);
  } catch (error) {
    const reason = errorMessage(error).replace(/\.$/, '');
    const keptNote = trainer ? ' The current model is kept.' : '';
    postError(`Reset failed: ${reason}. Correct the setting and press Reset again.${keptNote}`);
    return;
  }

  let trainInfo;
  let testInfo;
  try {
    trainInfo = next.loadTrainingData(data.trainImages, data.trainLabels);
    testInfo = next.loadTestData(data.testImages, data.testLabels);
  } catch (error) {
    next.free();
    postError(`Loading the bundled digits failed: ${errorMessage(error)}`);
    return;
  }

  trainer?.free();
  trainer = next;
  stepsPerSlice = 1;
  trainedTo = { step: 0, epoch: 0 };
  lastEvaluatedEpoch = 0;
  slicesSinceEvaluation = 0;
  lastSummaryJson = '';

  console.info(
    `lazynet: loaded ${trainInfo.count} training and ${testInfo.count} test images ` +
      `(${trainInfo.rows}×${trainInfo.cols})`,
  );
  self.postMessage({
    type: Reply.READY,
    trainCount: trainInfo.count,
    testCount: testInfo.count,
    rows: trainInfo.rows,
    cols: trainInfo.cols,
    learningRate: trainer.learningRate,
    seed: trainer.seed,
  });
  postSummaryIfChanged();
}

// Training

function startTraining() {
  if (!trainer || running) {
    return;
  }
  setRunning(true);
  scheduleTick();
}

function pauseTraining() {
  if (!running) {
    return;
  }
  setRunning(false);
  // Evaluate now so the page shows the held-out accuracy of the model it is about to use.
  if (slicesSinceEvaluation > 0) {
    evaluate();
  }
}

function setRunning(value) {
  if (running !== value) {
    running = value;
    console.info(`lazynet: training ${running ? 'started' : 'paused'} at step ${trainedTo.step}`);
    self.postMessage({ type: Reply.TRAINING, running });
  }
}

function trainSlice() {
  const started = performance.now();
  let result;
  try {
    result = trainer.trainSteps(stepsPerSlice);
  } catch (error) {
    setRunning(false);
    postError(errorMessage(error));
    return;
  }
  const elapsedMs = performance.now() - started;
  trainedTo = { step: result.step, epoch: result.epoch };

  // Size the next slice from this one's measured time per step.
  const msPerStep = elapsedMs / stepsPerSlice;
  stepsPerSlice = Math.max(1, Math.min(MAX_STEPS_PER_SLICE, Math.round(SLICE_MS / msPerStep)));
  slicesSinceEvaluation += 1;

  self.postMessage({
    type: Reply.PROGRESS,
    step: result.step,
    epoch: result.epoch,
    loss: result.loss,
    accuracy: result.accuracy,
  });
  postSummaryIfChanged();

  if (!Number.isFinite(result.loss)) {
    setRunning(false);
    console.warn(`lazynet: training diverged at step ${result.step} (loss ${result.loss})`);
    postError(
      `Training diverged at step ${result.step}: the loss is ${result.loss}. ` +
        'Lower the learning rate in Settings and press Reset.',
    );
    return;
  }

  if (result.epoch - lastEvaluatedEpoch >= EVALUATION_INTERVAL_EPOCHS) {
    evaluate();
  }
}

function evaluate() {
  let result;
  try {
    result = trainer.evaluate();
  } catch (error) {
    setRunning(false);
    postError(errorMessage(error));
    return;
  }
  lastEvaluatedEpoch = trainedTo.epoch;
  slicesSinceEvaluation = 0;
  self.postMessage({
    type: Reply.EVALUATION,
    step: trainedTo.step,
    epoch: trainedTo.epoch,
    loss: result.loss,
    accuracy: result.accuracy,
  });
}

// Prediction and summary

function predict(request) {
  if (!trainer) {
    return;
  }
  let result;
  try {
    result = trainer.predictImage(new Uint8ClampedArray(request.rgba), request.width, request.height);
  } catch (error) {
    postError(errorMessage(error));
    return;
  }

  if (result === null) {
    self.postMessage({ type: Reply.PREDICTION, id: request.id, probabilities: null, input: null });
  } else {
    const { probabilities, input } = result;
    self.postMessage(
      { type: Reply.PREDICTION, id: request.id, probabilities, input },
      [probabilities.buffer, input.buffer],
    );
  }
  // The first forward pass fixes the input width of the first layer.
  postSummaryIfChanged();
}

function postSummaryIfChanged() {
  const layers = trainer.summary();
  const json = JSON.stringify(layers);
  if (json !== lastSummaryJson) {
    lastSummaryJson = json;
    self.postMessage({ type: Reply.SUMMARY, layers });
  }
}

function postError(message) {
  console.warn(`lazynet: ${message}`);
  self.postMessage({ type: Reply.ERROR, message });
}

function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}
