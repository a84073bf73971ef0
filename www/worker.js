// Training worker: owns the wasm Trainer, trains in short slices and classifies drawings
// between slices, so a Pause or a drawing is handled within one slice (about SLICE_MS).

import init, { Trainer } from '../pkg/lazynet.js';
import { createInsideWorker } from './inside-worker.js';
import { createModelStore } from './model-store.js';
import { Reply, Request } from './protocol.js';
import { TRAINER_DEFAULTS } from './settings.js';

// Target wall time of one training slice, in milliseconds.
const SLICE_MS = 50;
// Upper bound on mini-batches per slice, so one slow-to-measure slice cannot run for seconds.
const MAX_STEPS_PER_SLICE = 200;
// Evaluation on the held-out split during training waits until both of these have passed
// since the last one, so it runs at most once per epoch and at most once per 2 s of training
// (whichever comes later). Pausing and the end of the schedule also evaluate. Timing pkg/ in
// Node 20 on a 2-core virtual machine, evaluate() on the 1,000 held-out digits took about
// 34 ms and trainSteps(141), one epoch at the default settings, about 0.9 s. So evaluating
// every half epoch cost about 7 % of training time, and this rule costs at most about 3.5 %.
const EVALUATION_MIN_EPOCHS = 1;
const EVALUATION_MIN_TRAINING_MS = 2000;
// While training, the model is saved to IndexedDB at most this often, in milliseconds. It is
// also saved whenever training stops, if it trained since its last save.
const AUTOSAVE_INTERVAL_MS = 10_000;

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
// Wall time spent in trainSteps since the last evaluation, in milliseconds.
let trainingMsSinceEvaluation = 0;
// Epochs and steps of the learning-rate schedule, and whether training has reached its end.
let scheduleEpochs = TRAINER_DEFAULTS.epochs;
let scheduleSteps = Infinity;
let scheduleFinished = false;
let lastSummaryJson = '';
let pendingPrediction = null;
// The current model has trained since it was last saved to IndexedDB, so a save is due.
let unsavedTraining = false;
let lastSaveTime = 0;
const modelStore = createModelStore();
// Statistics, held-out results and weights for the views inside the network.
const inside = createInsideWorker((message, transfer = []) => self.postMessage(message, transfer));

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
    case Request.RESTORE:
      restoreTrainer(message.config);
      break;
    case Request.OPEN:
      openModel(message.file);
      break;
    case Request.SAVE:
      postModelFile();
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
      if (!inside.handleRequest(trainer, message)) {
        postError(`The training worker received an unknown message type "${message.type}".`);
      }
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

// Resolves to the data bytes, or to null after reporting a failure to the page.
async function loadSetupOrReport() {
  try {
    return await loadSetup();
  } catch (error) {
    postError(error.message);
    return null;
  }
}

async function resetTrainer(config) {
  setRunning(false);

  const data = await loadSetupOrReport();
  if (!data) {
    return;
  }

  // Build and fill the new Trainer before dropping the old one, so invalid settings leave
  // the current model in place.
  let next;
  try {
    next = new Trainer(config);
  } catch (error) {
    const message = errorMessage(error);
    console.warn(`lazynet: the Trainer rejected the settings: ${message}`);
    self.postMessage({ type: Reply.RESET_FAILED, message, modelKept: trainer !== null });
    return;
  }

  installTrainer(next, data, 'new', 0);
}

// Loads the model saved by an earlier visit, or builds a new one from `config` when there is
// none or it does not load.
async function restoreTrainer(config) {
  const saved = await modelStore.load();
  if (saved) {
    const data = await loadSetupOrReport();
    if (!data) {
      return;
    }
    try {
      const next = Trainer.loadModel(saved);
      installTrainer(next, data, 'restored', next.step);
      return;
    } catch (error) {
      console.warn(`lazynet: the saved model could not be restored, so a new one is built: ${errorMessage(error)}`);
    }
  }
  await resetTrainer(config);
}

// Replaces the Trainer with one loaded from the model file `file` (an ArrayBuffer). A file
// that does not load leaves the current Trainer running as it was.
async function openModel(file) {
  const data = await loadSetupOrReport();
  if (!data) {
    return;
  }

  let next;
  try {
    next = Trainer.loadModel(file);
  } catch (error) {
    const message = errorMessage(error);
    console.warn(`lazynet: the Trainer rejected the model file: ${message}`);
    self.postMessage({ type: Reply.OPEN_FAILED, message, modelKept: trainer !== null });
    return;
  }

  setRunning(false);
  installTrainer(next, data, 'opened', next.step);
}

// Loads the bundled digits into `next`, which has trained for `step` steps, and makes it the
// current Trainer in place of the old one. `origin` is passed on in the `ready` reply.
function installTrainer(next, data, origin, step) {
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
  // A drawing sent for the old model would build the new model's layers before its first
  // batch, and the page clears the pad on Reset anyway.
  pendingPrediction = null;
  stepsPerSlice = 1;
  slicesSinceEvaluation = 0;
  trainingMsSinceEvaluation = 0;
  // The saved copy in IndexedDB is replaced only once this model has trained, so a Reset or
  // an opened file alone never overwrites it.
  unsavedTraining = false;

  const config = trainer.config;
  scheduleEpochs = config.epochs;
  scheduleSteps = trainer.scheduleSteps;
  trainedTo = { step, epoch: (step * scheduleEpochs) / scheduleSteps };
  lastEvaluatedEpoch = trainedTo.epoch;
  scheduleFinished = step >= scheduleSteps;
  lastSummaryJson = '';
  inside.trainerInstalled(trainedTo.step);

  // Evaluating a model without weights would build them from a batch of held-out digits, and
  // the summary is meant to show "?" until the first training batch.
  let evaluation = null;
  let heldOut = null;
  if (trainer.summary().every((layer) => layer.inputs != null)) {
    heldOut = trainer.evaluate();
    evaluation = { loss: heldOut.loss, accuracy: heldOut.accuracy };
  }

  console.info(
    `lazynet: ${origin} model at step ${step}; loaded ${trainInfo.count} training and ` +
      `${testInfo.count} test images (${trainInfo.rows}×${trainInfo.cols})`,
  );
  self.postMessage({
    type: Reply.READY,
    origin,
    trainCount: trainInfo.count,
    testCount: testInfo.count,
    rows: trainInfo.rows,
    cols: trainInfo.cols,
    learningRate: trainer.learningRate,
    seed: trainer.seed,
    epochs: scheduleEpochs,
    inputSize: config.inputSize,
    config,
    step: trainedTo.step,
    epoch: trainedTo.epoch,
    evaluation,
  });
  postSummaryIfChanged();
  if (heldOut) {
    inside.evaluated(trainer, heldOut, trainedTo.step);
  }
}

// Model files

function postModelFile() {
  if (!trainer) {
    postError('There is no model to save yet. Wait until the page has loaded.');
    return;
  }
  let file;
  try {
    file = trainer.saveModel();
  } catch (error) {
    postError(`Saving the model failed: ${errorMessage(error)}`);
    return;
  }
  self.postMessage({ type: Reply.MODEL_FILE, file }, [file.buffer]);
}

// Saves the current model to IndexedDB if it has trained since its last save. The write
// finishes in the background, and a failure is logged once by the store.
function saveToStore() {
  if (!trainer || !unsavedTraining) {
    return;
  }
  unsavedTraining = false;
  lastSaveTime = performance.now();
  let file;
  try {
    file = trainer.saveModel();
  } catch (error) {
    console.warn(`lazynet: saving the model for the next visit failed: ${errorMessage(error)}`);
    return;
  }
  modelStore.save(file);
}

// Training

function startTraining() {
  if (!trainer || running) {
    return;
  }
  setRunning(true);
  lastSaveTime = performance.now();
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

// Pauses at the end of the learning-rate schedule. Training continues past it, at the final
// learning rate, if the page sends `train` again.
function finishSchedule() {
  scheduleFinished = true;
  // Evaluate first, so the page has the final accuracy when it reports the pause.
  if (slicesSinceEvaluation > 0) {
    evaluate();
  }
  setRunning(false, { scheduleFinished: true });
}

function setRunning(value, details = {}) {
  if (running !== value) {
    running = value;
    console.info(`lazynet: training ${running ? 'started' : 'paused'} at step ${trainedTo.step}`);
    self.postMessage({ type: Reply.TRAINING, running, scheduleFinished: false, ...details });
    if (!running) {
      saveToStore();
    }
  }
}

function trainSlice() {
  // Stop exactly at the end of the schedule the first time training gets there.
  const steps = scheduleFinished ? stepsPerSlice : Math.min(stepsPerSlice, scheduleSteps - trainedTo.step);
  const started = performance.now();
  let result;
  try {
    result = trainer.trainSteps(steps);
  } catch (error) {
    setRunning(false);
    postError(errorMessage(error));
    return;
  }
  const elapsedMs = performance.now() - started;
  trainedTo = { step: result.step, epoch: result.epoch };
  unsavedTraining = true;

  // Size the next slice from this one's measured time per step.
  const msPerStep = elapsedMs / steps;
  stepsPerSlice = Math.max(1, Math.min(MAX_STEPS_PER_SLICE, Math.round(SLICE_MS / msPerStep)));
  slicesSinceEvaluation += 1;
  trainingMsSinceEvaluation += elapsedMs;

  self.postMessage({
    type: Reply.PROGRESS,
    step: result.step,
    epoch: result.epoch,
    loss: result.loss,
    accuracy: result.accuracy,
    learningRate: result.learningRate,
  });
  postSummaryIfChanged();
  inside.sliceTrained(trainer, result.step);

  if (!Number.isFinite(result.loss)) {
    setRunning(false);
    console.warn(`lazynet: training diverged at step ${result.step} (loss ${result.loss})`);
    postError(
      `Training diverged at step ${result.step}: the loss is ${result.loss}. ` +
        'Lower the learning rate in Settings and press Reset.',
    );
    return;
  }

  if (!scheduleFinished && result.step >= scheduleSteps) {
    finishSchedule();
  } else if (
    result.epoch - lastEvaluatedEpoch >= EVALUATION_MIN_EPOCHS &&
    trainingMsSinceEvaluation >= EVALUATION_MIN_TRAINING_MS
  ) {
    evaluate();
  }

  if (running && performance.now() - lastSaveTime >= AUTOSAVE_INTERVAL_MS) {
    saveToStore();
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
  trainingMsSinceEvaluation = 0;
  self.postMessage({
    type: Reply.EVALUATION,
    step: trainedTo.step,
    epoch: trainedTo.epoch,
    loss: result.loss,
    accuracy: result.accuracy,
  });
  inside.evaluated(trainer, result, trainedTo.step);
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
