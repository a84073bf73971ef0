// Training worker: owns the wasm Trainer, trains in short slices and classifies drawings
// between slices, so a Pause or a drawing is handled within one slice (about SLICE_MS).

import init, { Trainer } from '../pkg/lazynet.js';
import { createInsideWorker } from './inside-worker.js';
import { FileError, decodeIdxFile, guessClassSet, meanInk } from './data-files.js';
import { createModelStore } from './model-store.js';
import { Reply, Request } from './protocol.js';
import { TRAINER_DEFAULTS } from './settings.js';
import { configMatches } from './url-config.js';

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
const AUTOSAVE_INTERVAL_MS = 2_000;

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
// The wasm module's memory, for the memory figure reported after loading data.
let wasmMemory = null;
// The user's own data, used in place of the bundled split it replaces until the page sends
// `useBundledData`. Each split is null (bundled) or { images, labels, imagesName,
// labelsName } with the decoded IDX bytes.
let userData = { train: null, test: null };

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
      restoreTrainer(message.config, { fromLink: message.fromLink });
      break;
    case Request.LOAD_DATA:
      loadUserData(message.sets);
      break;
    case Request.USE_BUNDLED_DATA:
      useBundledData();
      break;
    case Request.OPEN:
      openModel(message.file);
      break;
    case Request.SAVE:
      postModelFile();
      break;
    case Request.PERSIST:
      saveToStore();
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
    wasmMemory = (await init()).memory;
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

// Builds a new, untrained Trainer from `config`. With `dropInvalidFields` (for a config from
// the link), each field the Trainer rejects is left out so its default is used, and the
// `ready` reply lists them in `droppedFields`. `origin` is passed on in that reply.
async function resetTrainer(config, { dropInvalidFields = false, origin = 'new' } = {}) {
  setRunning(false);

  const data = await loadSetupOrReport();
  if (!data) {
    return;
  }

  // Build and fill the new Trainer before dropping the old one, so invalid settings leave
  // the current model in place.
  let built;
  try {
    built = createTrainer(config, dropInvalidFields);
  } catch (error) {
    const message = errorMessage(error);
    console.warn(`lazynet: the Trainer rejected the settings: ${message}`);
    self.postMessage({ type: Reply.RESET_FAILED, message, modelKept: trainer !== null });
    return;
  }

  installTrainer(built.trainer, data, origin, 0, { droppedFields: built.droppedFields });
}

// Returns { trainer, droppedFields } for a new Trainer from `config`. With
// `dropInvalidFields`, a field named by the Trainer's error is removed and the Trainer built
// again, so droppedFields lists { field, value, message } for each; otherwise the error is
// thrown.
function createTrainer(config, dropInvalidFields) {
  const remaining = { ...config };
  const droppedFields = [];
  for (;;) {
    try {
      return { trainer: new Trainer(remaining), droppedFields };
    } catch (error) {
      const message = errorMessage(error);
      const field = /^([A-Za-z]+):/.exec(message)?.[1];
      if (!dropInvalidFields || !field || !Object.hasOwn(remaining, field)) {
        throw error;
      }
      droppedFields.push({ field, value: remaining[field], message });
      delete remaining[field];
    }
  }
}

// Loads the model saved by an earlier visit, or builds a new one from `config` when there is
// none or it does not load. With `fromLink`, `config` comes from the page's link. Then the
// saved model is restored only if its config is the link's, seed included when the link has
// one, and otherwise a fresh run with the link's config starts.
async function restoreTrainer(config, { fromLink = false } = {}) {
  const saved = await modelStore.load();
  if (saved && fromLink) {
    await restoreOrFollowLink(saved, config);
    return;
  }
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
  await resetTrainer(config, { dropInvalidFields: fromLink, origin: fromLink ? 'link' : 'new' });
}

// Restores the saved model `saved` if its config is the one the link's `config` describes,
// and otherwise builds a new Trainer from `config`.
async function restoreOrFollowLink(saved, config) {
  const data = await loadSetupOrReport();
  if (!data) {
    return;
  }
  let built;
  try {
    built = createTrainer(config, true);
  } catch (error) {
    postError(`The settings in the link could not be used: ${errorMessage(error)}`);
    return;
  }

  let restored = null;
  try {
    restored = Trainer.loadModel(saved);
  } catch (error) {
    console.warn(`lazynet: the saved model could not be restored: ${errorMessage(error)}`);
  }
  const compareSeed = Object.hasOwn(config, 'seed') && !built.droppedFields.some(({ field }) => field === 'seed');
  if (restored && configMatches(restored.config, built.trainer.config, { compareSeed })) {
    built.trainer.free();
    installTrainer(restored, data, 'restored', restored.step, { droppedFields: built.droppedFields });
    return;
  }
  restored?.free();
  setRunning(false);
  installTrainer(built.trainer, data, 'link', 0, { droppedFields: built.droppedFields });
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

// Loads the data in use into `next`, which has trained for `step` steps, and makes it the
// current Trainer in place of the old one. `origin` and `droppedFields` are passed on in the
// `ready` reply. `split` gives the user's data to load in place of the bundled digits
// (`userData` unless the caller is about to replace it). Returns false, with `next` freed
// and the error reported, when the data does not load.
function installTrainer(next, data, origin, step, { droppedFields = [], split = userData } = {}) {
  let trainInfo;
  let testInfo;
  try {
    ({ trainInfo, testInfo } = fillTrainer(next, data, split));
  } catch (error) {
    next.free();
    if (error instanceof FileError) {
      self.postMessage({ type: Reply.DATA_FAILED, message: error.message, modelKept: trainer !== null });
    } else {
      postError(`Loading the bundled digits failed: ${errorMessage(error)}`);
    }
    return false;
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

  const memoryMiB = wasmMemory ? Math.round(wasmMemory.buffer.byteLength / 2 ** 20) : '?';
  console.info(
    `lazynet: ${origin} model at step ${step}; loaded ${trainInfo.count} training and ` +
      `${testInfo.count} test images (${trainInfo.rows}×${trainInfo.cols}); wasm memory ${memoryMiB} MiB`,
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
    droppedFields,
  });
  postSummaryIfChanged();
  if (heldOut) {
    inside.evaluated(trainer, heldOut, trainedTo.step);
  }
  return true;
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
    steps,
    elapsedMs,
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

// The user's own data

// Loads the bundled digits, or the user's files in `split`, into the Trainer `next`. Returns
// the `{ count, rows, cols }` of both splits. An error about a user's file is thrown as a
// FileError naming the file.
function fillTrainer(next, data, split) {
  const { train, test } = split;
  const trainInfo = loadSplit(train, () =>
    next.loadTrainingData(train?.images ?? data.trainImages, train?.labels ?? data.trainLabels),
  );
  const testInfo = loadSplit(test, () =>
    next.loadTestData(test?.images ?? data.testImages, test?.labels ?? data.testLabels),
  );
  return { trainInfo, testInfo };
}

// Returns `load()`. When it throws while loading the user's `files`, the Trainer's message
// is rethrown as a FileError that names the file it is about.
function loadSplit(files, load) {
  try {
    return load();
  } catch (error) {
    if (!files) {
      throw error;
    }
    throw new FileError(describeLoadError(errorMessage(error), files));
  }
}

// Rewords a Trainer error about loaded IDX bytes ("labels file: label 12 at index 3 is not a
// digit; …") with the name of the file it is about.
function describeLoadError(message, { imagesName, labelsName }) {
  const action = 'Choose other files, or press Use bundled digits.';
  for (const [prefix, name] of [
    ['images file: ', imagesName],
    ['labels file: ', labelsName],
  ]) {
    if (message.startsWith(prefix)) {
      return `${name}: ${message.slice(prefix.length).replace(/\.$/, '')}. ${action}`;
    }
  }
  return `${imagesName} with ${labelsName}: ${message.replace(/\.$/, '')}. ${action}`;
}

// Decodes the user's files and puts them in use. `sets` lists { role, images, labels }, with
// `role` 'train' or 'test' and the two Files. New training images start a new, untrained
// Trainer with the current config; held-out images alone are loaded into the current
// Trainer, which keeps its weights. On any failure the current Trainer and data stay.
async function loadUserData(sets) {
  const data = await loadSetupOrReport();
  if (!data) {
    return;
  }
  setRunning(false);

  const decoded = {};
  const started = performance.now();
  try {
    for (const { role, images, labels } of sets) {
      decoded[role] = {
        images: await decodeIdxFile(images, (done, total) => postDataProgress(images.name, done, total)),
        labels: await decodeIdxFile(labels, (done, total) => postDataProgress(labels.name, done, total)),
        imagesName: images.name,
        labelsName: labels.name,
      };
    }
  } catch (error) {
    const message = error instanceof FileError ? error.message : `Reading the files failed: ${errorMessage(error)}`;
    self.postMessage({ type: Reply.DATA_FAILED, message, modelKept: trainer !== null });
    return;
  }
  const decodeMs = performance.now() - started;

  const split = { train: decoded.train ?? userData.train, test: decoded.test ?? userData.test };
  if (decoded.train || !trainer) {
    const config = trainer ? trainer.config : undefined;
    if (!installTrainer(new Trainer(config), data, 'data', 0, { split })) {
      return;
    }
  } else if (!replaceTestData(split.test, decoded.test.images, decoded.test.labels)) {
    return;
  }
  userData = split;
  postDataLoaded(Boolean(decoded.train), decodeMs, performance.now() - started - decodeMs);
}

// Loads the IDX bytes `images` and `labels` into the current Trainer as its held-out split
// and evaluates it if it has weights. `files` are the user's files they come from, or null
// for the bundled digits. Returns false after reporting a failure, in which case the Trainer
// keeps its held-out split.
function replaceTestData(files, images, labels) {
  try {
    loadSplit(files, () => trainer.loadTestData(images, labels));
  } catch (error) {
    const message = error instanceof FileError ? error.message : errorMessage(error);
    self.postMessage({ type: Reply.DATA_FAILED, message, modelKept: true });
    return false;
  }
  inside.heldOutReplaced();
  if (trainer.summary().every((layer) => layer.inputs != null)) {
    evaluate();
  }
  return true;
}

// Goes back to the bundled digits for both splits. Changed training data starts a new,
// untrained Trainer with the current config; a changed held-out split alone is swapped in
// the current Trainer.
async function useBundledData() {
  const data = await loadSetupOrReport();
  if (!data || !trainer) {
    return;
  }
  setRunning(false);
  const started = performance.now();
  const bundled = { train: null, test: null };
  const newModel = Boolean(userData.train);
  if (newModel) {
    if (!installTrainer(new Trainer(trainer.config), data, 'data', 0, { split: bundled })) {
      return;
    }
  } else if (userData.test && !replaceTestData(null, data.testImages, data.testLabels)) {
    return;
  }
  userData = bundled;
  postDataLoaded(newModel, 0, performance.now() - started);
}

// Reports the progress of decoding the file `name`: `done` of `total` bytes.
function postDataProgress(name, done, total) {
  self.postMessage({ type: Reply.DATA_PROGRESS, name, done, total });
}

// Reports the data now in use, the guessed class names, the time spent and the wasm memory.
function postDataLoaded(newModel, decodeMs, loadMs) {
  const describe = (files) =>
    files && {
      imagesName: files.imagesName,
      labelsName: files.labelsName,
      // A labels file has an 8-byte header and one byte per label.
      count: files.labels.length - 8,
    };
  const imagesForGuess = userData.train?.images ?? userData.test?.images ?? null;
  const names = [userData.train, userData.test].filter(Boolean).flatMap((files) => [files.imagesName, files.labelsName]);
  const classSet = imagesForGuess ? guessClassSet(names, meanInk(imagesForGuess)) : 'digits';
  const memoryBytes = wasmMemory ? wasmMemory.buffer.byteLength : null;
  console.info(
    `lazynet: data in use: training ${userData.train?.imagesName ?? 'bundled'}, held-out ` +
      `${userData.test?.imagesName ?? 'bundled'}; decoded in ${Math.round(decodeMs)} ms, loaded in ` +
      `${Math.round(loadMs)} ms; wasm memory ${memoryBytes} bytes`,
  );
  self.postMessage({
    type: Reply.DATA_LOADED,
    newModel,
    train: describe(userData.train),
    test: describe(userData.test),
    classSet,
    decodeMs,
    loadMs,
    memoryBytes,
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
