// Page wiring: starts the training worker, sends it the user's commands and drawings, and
// shows what it reports in the controls, statistics, charts, summary and prediction.

import { announce } from './announce.js';
import { createCharts } from './chart.js';
import { createDataSection } from './data-section.js';
import { createDrawingPad } from './draw.js';
import { createInsideViews } from './inside.js';
import { createLayerEditor, createPendingTracker } from './editor.js';
import { createPredictionView } from './prediction.js';
import { Reply, Request } from './protocol.js';
import {
  DEFAULT_LEARNING_RATES,
  TRAINER_DEFAULTS,
  applySettings,
  clearSettingsError,
  labelOf,
  readSettings,
  showSettingsError,
  snapshotSettings,
} from './settings.js';
import { renderSummary } from './summary.js';
import { isOwnQuery, readConfigFromQuery, writeConfigToUrl } from './url-config.js';

// Weight of the newest measurement in the smoothed samples-per-second figure.
const RATE_SMOOTHING = 0.2;
// Held-out accuracy from which the figure is shown in green.
const GOOD_ACCURACY = 0.95;
// While training runs, the worker evaluates about every 2 s. Screen readers hear a result at
// most this often, in milliseconds, and always the one that follows a pause.
const EVALUATION_ANNOUNCEMENT_INTERVAL_MS = 30_000;
// Name of the downloaded model file.
const MODEL_FILE_NAME = 'lazynet-model.bin';
// Delay before the object URL of a download is revoked, in milliseconds. The browser may
// read the blob after click() returns, so the URL is not revoked at once.
const REVOKE_URL_DELAY_MS = 10_000;

const integer = new Intl.NumberFormat('en-US');

const elements = {
  trainToggle: document.getElementById('train-toggle'),
  reset: document.getElementById('reset'),
  startFresh: document.getElementById('start-fresh'),
  saveModel: document.getElementById('save-model'),
  openModel: document.getElementById('open-model'),
  modelFileError: document.getElementById('model-file-error'),
  settings: document.getElementById('settings'),
  settingsError: document.getElementById('settings-error'),
  status: document.getElementById('status'),
  error: document.getElementById('error'),
  step: document.getElementById('stat-step'),
  epoch: document.getElementById('stat-epoch'),
  rate: document.getElementById('stat-rate'),
  learningRate: document.getElementById('stat-learning-rate'),
  loss: document.getElementById('stat-loss'),
  accuracy: document.getElementById('stat-accuracy'),
  summaryBody: document.getElementById('summary-body'),
  summaryTotal: document.getElementById('summary-total'),
  summaryInferred: document.getElementById('summary-inferred'),
  modelState: document.getElementById('model-state'),
  pad: document.getElementById('pad'),
  clear: document.getElementById('clear'),
  linkNotice: document.getElementById('link-notice'),
  copyLink: document.getElementById('copy-link'),
  copyLinkStatus: document.getElementById('copy-link-status'),
  copyLinkField: document.getElementById('copy-link-field'),
};

const state = {
  // A Trainer exists in the worker.
  ready: false,
  // A Reset, a restore or an opened file was sent and its reply has not arrived.
  resetting: false,
  // The worker did not start, so no command can reach a Trainer.
  workerFailed: false,
  running: false,
  batchSize: TRAINER_DEFAULTS.batchSize,
  // Length of the learning-rate schedule in epochs. Training pauses at its end.
  epochs: TRAINER_DEFAULTS.epochs,
  // Settings sent with the pending Reset, as a config and as the form's field texts.
  requestedConfig: {},
  requestedSnapshot: null,
  // Name of the model file being opened, for the status line.
  openingFileName: '',
  step: 0,
  // Latest held-out accuracy as a fraction, or null before the first evaluation.
  heldOutAccuracy: null,
  // Training has reached the end of the schedule at least once.
  scheduleFinished: false,
  // performance.now() of the last held-out result announced to screen readers.
  lastEvaluationAnnouncement: -Infinity,
  samplesPerSecond: null,
  // Pad revision whose prediction is on screen. Replies for older revisions are ignored.
  shownRevision: 0,
};

const charts = createCharts(
  document.getElementById('loss-chart'),
  document.getElementById('accuracy-chart'),
);
const predictionView = createPredictionView({
  list: document.getElementById('probabilities'),
  digit: document.getElementById('predicted-digit'),
  preview: document.getElementById('preview'),
  caption: document.getElementById('preview-caption'),
});

// Predictions are requested at most once per animation frame while drawing.
let predictionFrameRequested = false;
const pad = createDrawingPad(elements.pad, { onChange: schedulePrediction, onClearedByKey: announcePadCleared });

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = (event) => handleReply(event.data);
// Initialization statistics, confusion matrix, mistakes and first-layer weights.
const inside = createInsideViews(worker);
worker.onerror = (event) => {
  // An error event without a message means the worker's module graph failed to load, so the
  // worker will never reply. An uncaught error at run time carries its message.
  if (!event.message) {
    state.workerFailed = true;
    state.ready = false;
    state.resetting = false;
    updateControls();
  }
  showError(
    `The training worker failed: ${event.message || 'its script or the wasm package did not load'}. ` +
      'Reload the page to try again.',
  );
};

// Commands

elements.trainToggle.addEventListener('click', () => {
  worker.postMessage({ type: state.running ? Request.PAUSE : Request.TRAIN });
});

elements.reset.addEventListener('click', requestReset);
// Start fresh follows a restored model and is a Reset with the restored settings.
elements.startFresh.addEventListener('click', requestReset);
elements.saveModel.addEventListener('click', () => worker.postMessage({ type: Request.SAVE }));
elements.openModel.addEventListener('change', openModelFile);
elements.settings.addEventListener('submit', (event) => {
  event.preventDefault();
  requestReset();
});

elements.clear.addEventListener('click', () => {
  pad.clear();
  announcePadCleared();
});

function announcePadCleared() {
  announce('Pad cleared.');
}

// The learning-rate field's placeholder shows the default of the chosen optimizer.
elements.settings.elements.optimizer.addEventListener('change', (event) => {
  const rate = DEFAULT_LEARNING_RATES[event.target.value];
  elements.settings.elements.learningRate.placeholder = rate === undefined ? 'default' : String(rate);
});

function requestReset() {
  sendConfig(Request.RESET);
}

// Sends `type` (reset or restore) with the config in the settings form, unless a field
// cannot be read.
function sendConfig(type) {
  if (state.resetting || state.workerFailed) {
    return;
  }
  clearSettingsError(elements.settings, elements.settingsError);
  const { config, invalid } = readSettings(elements.settings);
  if (invalid) {
    showInvalidSettings(invalid.message, state.ready, invalid.index);
    return;
  }
  state.requestedConfig = config;
  state.requestedSnapshot = snapshotSettings(elements.settings);
  state.resetting = true;
  hideError();
  hideModelFileError();
  hideLinkNotice();
  updateControls();
  worker.postMessage({ type, config });
}

// Reads the file chosen in the Open model input and sends it to the worker, which replies
// with `ready` or `openFailed`.
async function openModelFile() {
  const [file] = elements.openModel.files;
  // Clearing the input lets the same file be chosen again, after a fix or for a second try.
  elements.openModel.value = '';
  if (!file || state.resetting || state.workerFailed) {
    return;
  }
  hideModelFileError();
  state.resetting = true;
  updateControls();

  let bytes;
  try {
    bytes = await file.arrayBuffer();
  } catch (error) {
    state.resetting = false;
    updateControls();
    showModelFileError(`Reading ${file.name} failed: ${error.message}. Choose the file again.`);
    return;
  }
  state.openingFileName = file.name;
  worker.postMessage({ type: Request.OPEN, file: bytes }, [bytes]);
}

// Downloads the model file `file` (a Uint8Array) through a temporary link.
function downloadModelFile(file) {
  const url = URL.createObjectURL(new Blob([file], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = MODEL_FILE_NAME;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_URL_DELAY_MS);
}

function schedulePrediction() {
  if (predictionFrameRequested) {
    return;
  }
  predictionFrameRequested = true;
  requestAnimationFrame(() => {
    predictionFrameRequested = false;
    requestPrediction();
  });
}

function requestPrediction() {
  const revision = pad.revision;
  if (!pad.hasInk()) {
    state.shownRevision = revision;
    predictionView.showEmpty(revision);
    return;
  }
  // While a Reset is pending, a drawing would reach the new model and fix its input width
  // before its first batch. The pad is cleared when the new model is ready.
  if (!state.ready || state.resetting) {
    return;
  }
  const image = pad.imageData();
  worker.postMessage(
    { type: Request.PREDICT, id: revision, rgba: image.data.buffer, width: image.width, height: image.height },
    [image.data.buffer],
  );
}

// Replies from the worker

function handleReply(message) {
  switch (message.type) {
    case Reply.READY:
      handleReady(message);
      inside.handleReady(message);
      break;
    case Reply.RESET_FAILED:
      handleResetFailed(message);
      break;
    case Reply.OPEN_FAILED:
      handleOpenFailed(message);
      break;
    case Reply.MODEL_FILE:
      downloadModelFile(message.file);
      break;
    case Reply.TRAINING:
      handleTraining(message);
      inside.handleTraining(message);
      break;
    case Reply.PROGRESS:
      handleProgress(message);
      break;
    case Reply.EVALUATION:
      handleEvaluation(message);
      break;
    case Reply.SUMMARY:
      renderSummary(elements.summaryBody, elements.summaryTotal, message.layers, elements.summaryInferred);
      inside.handleSummary(message.layers);
      break;
    case Reply.PREDICTION:
      handlePrediction(message);
      break;
    case Reply.ERROR:
      state.resetting = false;
      updateControls();
      showError(message.message);
      break;
    case Reply.DATA_PROGRESS:
      dataSection.showProgress(message);
      break;
    case Reply.DATA_LOADED:
      handleDataLoaded(message);
      break;
    case Reply.DATA_FAILED:
      handleDataFailed(message);
      break;
    default:
      if (!inside.handleReply(message)) {
        showError(`The page received an unknown message type "${message.type}" from the training worker.`);
      }
  }
}

function handleReady(ready) {
  const { origin, learningRate, epochs, inputSize, config, step, epoch, evaluation } = ready;
  const replacedModel = state.ready;
  state.ready = true;
  state.resetting = false;
  state.batchSize = config.batchSize;
  state.epochs = epochs;
  state.step = step;
  state.samplesPerSecond = null;
  state.heldOutAccuracy = evaluation?.accuracy ?? null;
  state.scheduleFinished = epoch >= epochs;
  state.lastEvaluationAnnouncement = -Infinity;

  charts.clear();
  showProgress({ step, epoch, loss: null, learningRate: null });
  showHeldOutAccuracy(state.heldOutAccuracy);
  if (evaluation) {
    charts.addEvaluation({ epoch, loss: evaluation.loss, accuracy: evaluation.accuracy });
  }
  showTrained(step > 0);
  predictionView.setInputSize(inputSize);
  hideModelFileError();
  updateControls();

  writeConfigToUrl(config);
  // A copied link is of the previous model.
  elements.copyLinkStatus.textContent = '';
  elements.copyLinkField.hidden = true;
  showDroppedFields(ready.droppedFields);
  if (origin === 'new') {
    if (state.requestedConfig.learningRate === undefined) {
      elements.settings.elements.learningRate.placeholder = formatLearningRate(learningRate);
    }
    pendingTracker.setBaseline(state.requestedSnapshot);
    setStatus(describeNewModel(ready));
  } else if (origin === 'data') {
    // The new model has the previous one's settings, so pending changes stay pending.
    setStatus(describeNewModel(ready));
  } else if (origin === 'link') {
    applySettings(elements.settings, config);
    pendingTracker.setBaseline(snapshotSettings(elements.settings));
    setStatus(`Started a fresh run with the settings from the link. ${describeNewModel(ready)}`);
  } else if (origin === 'restored') {
    applySettings(elements.settings, config);
    pendingTracker.setBaseline(snapshotSettings(elements.settings));
    setStatus(
      `Restored your last model (${describeProgress(step, evaluation)}). Press Train to go on ` +
        'training it, or Start fresh for an untrained model with the same settings.',
    );
    elements.startFresh.hidden = false;
  } else {
    applySettings(elements.settings, config);
    pendingTracker.setBaseline(snapshotSettings(elements.settings));
    setStatus(
      `Opened ${state.openingFileName} (${describeProgress(step, evaluation)}). ` +
        'Press Train to go on training it.',
    );
  }
  // A Reset starts over, pad included. Predicting the old drawing would also fix the new
  // model's input width before its first batch. A drawing made while the page loaded stays
  // and gets its first prediction.
  if (replacedModel) {
    pad.clear();
    // Replies for drawings sent to the old model are stale.
    state.shownRevision = pad.revision;
    predictionView.showEmpty(pad.revision);
  } else {
    requestPrediction();
  }
}

function handleOpenFailed({ message, modelKept }) {
  state.resetting = false;
  updateControls();
  const kept = modelKept ? ' The current model is kept.' : '';
  showModelFileError(`${state.openingFileName || 'The file'} could not be opened: ${message.replace(/\.$/, '')}.${kept}`);
  if (pad.hasInk()) {
    requestPrediction();
  }
}

function handleResetFailed({ message, modelKept }) {
  state.resetting = false;
  updateControls();
  showInvalidSettings(message, modelKept);
  // Drawings made while the Reset was pending got no prediction.
  if (pad.hasInk()) {
    requestPrediction();
  }
}

// Shows a rejected setting next to its field, and a summary above the form's button and in
// the status line. `index` is the layer of an invalid width, if known.
function showInvalidSettings(message, modelKept, index) {
  const kept = modelKept ? 'The current model is kept.' : '';
  setStatus(`Reset failed because a setting is invalid. ${kept}`.trim());
  showSettingsError(elements.settings, elements.settingsError, message, { index, summary: kept });
}

function handleTraining({ running, scheduleFinished }) {
  state.running = running;
  if (!running) {
    // No rate is measured while paused, so the last one would mislead.
    state.samplesPerSecond = null;
    elements.rate.textContent = '–';
  }
  updateControls();
  if (running) {
    setStatus(
      state.scheduleFinished ? 'Training past the end of the schedule, at its final learning rate…' : 'Training…',
    );
  } else if (scheduleFinished) {
    state.scheduleFinished = true;
    const accuracy =
      state.heldOutAccuracy === null ? '' : `: held-out accuracy ${formatPercent(state.heldOutAccuracy)}`;
    setStatus(
      `Finished the ${integer.format(state.epochs)}-epoch schedule${accuracy}. ` +
        'Press Train to continue at the final learning rate, or Reset to start over.',
    );
  } else {
    setStatus(`Paused at step ${integer.format(state.step)}.`);
  }
}

function handleProgress(progress) {
  // The worker times each slice itself. Arrival times on this thread would not do: while the
  // page is busy drawing, messages queue up and then arrive in a burst, a few ms apart.
  if (progress.elapsedMs > 0) {
    const measured = (progress.steps * state.batchSize) / (progress.elapsedMs / 1000);
    state.samplesPerSecond =
      state.samplesPerSecond === null
        ? measured
        : (1 - RATE_SMOOTHING) * state.samplesPerSecond + RATE_SMOOTHING * measured;
  }
  state.step = progress.step;

  showProgress(progress);
  showTrained(progress.step > 0);
  charts.addProgress(progress);
}

function handleEvaluation(evaluation) {
  state.heldOutAccuracy = evaluation.accuracy;
  showHeldOutAccuracy(evaluation.accuracy);
  charts.addEvaluation(evaluation);
  const now = performance.now();
  if (!state.running || now - state.lastEvaluationAnnouncement >= EVALUATION_ANNOUNCEMENT_INTERVAL_MS) {
    state.lastEvaluationAnnouncement = now;
    announce(
      `Held-out accuracy ${formatPercent(evaluation.accuracy)} at epoch ${evaluation.epoch.toFixed(1)}.`,
    );
  }
  // The model changed since the last prediction of the drawing on the pad.
  if (pad.hasInk()) {
    requestPrediction();
  }
}

function handlePrediction({ id, probabilities, input }) {
  // A reply for an older drawing than the one shown, or for one cleared since, is stale.
  if (id < state.shownRevision) {
    return;
  }
  state.shownRevision = id;
  if (probabilities === null) {
    predictionView.showEmpty(id);
  } else {
    predictionView.show(probabilities, input, id);
  }
}

// Display

function updateControls() {
  const usable = state.ready && !state.resetting;
  elements.trainToggle.disabled = !usable;
  elements.trainToggle.textContent = state.running ? 'Pause' : 'Train';
  elements.reset.disabled = state.resetting || state.workerFailed;
  elements.startFresh.disabled = elements.reset.disabled;
  elements.saveModel.disabled = !usable;
  elements.openModel.disabled = state.resetting || state.workerFailed;
  elements.copyLink.disabled = !state.ready;
}

function showProgress({ step, epoch, loss, learningRate }) {
  elements.step.textContent = integer.format(step);
  elements.epoch.textContent = `${epoch.toFixed(2)} / ${integer.format(state.epochs)}`;
  elements.loss.textContent = loss == null ? '–' : loss.toFixed(3);
  elements.rate.textContent =
    state.samplesPerSecond === null ? '–' : integer.format(Math.round(state.samplesPerSecond));
  elements.learningRate.textContent = learningRate == null ? '–' : formatLearningRate(learningRate, 3);
}

function showHeldOutAccuracy(accuracy) {
  if (accuracy == null) {
    elements.accuracy.textContent = '–';
    delete elements.accuracy.dataset.accuracy;
    delete elements.accuracy.dataset.good;
  } else {
    elements.accuracy.textContent = formatPercent(accuracy);
    elements.accuracy.dataset.accuracy = String(accuracy);
    elements.accuracy.dataset.good = String(accuracy >= GOOD_ACCURACY);
  }
}

function formatPercent(fraction) {
  return `${(fraction * 100).toFixed(1)} %`;
}

function showTrained(trained) {
  if (elements.modelState.dataset.trained === String(trained)) {
    return;
  }
  elements.modelState.dataset.trained = String(trained);
  elements.modelState.textContent = trained
    ? 'Predictions come from the model as trained so far. They update while it trains.'
    : 'The model is untrained, so its predictions are guesses. Press Train first.';
}

// Describes a new, untrained model: the data, the learning rate and the seed.
function describeNewModel({ trainCount, testCount, rows, cols, inputSize, learningRate, seed }) {
  const resized = inputSize === rows && inputSize === cols ? '' : `, shown to the network at ${inputSize} × ${inputSize}`;
  return (
    `Loaded ${integer.format(trainCount)} training and ${integer.format(testCount)} held-out ` +
    `images of ${rows} × ${cols} pixels${resized}. ${describeRun(learningRate, seed)} Press Train to start.`
  );
}

// Describes how far a loaded model is trained: "step 1,410, held-out accuracy 96.2 %".
function describeProgress(step, evaluation) {
  const accuracy = evaluation ? `held-out accuracy ${formatPercent(evaluation.accuracy)}` : 'untrained';
  return `step ${integer.format(step)}, ${accuracy}`;
}

// Describes the learning rate and seed in use, so a run can be repeated from the settings.
function describeRun(learningRate, seed) {
  const rate = `Learning rate ${formatLearningRate(learningRate)}`;
  return `${rate}, seed ${seed}.`;
}

// The Trainer stores the learning rate as f32. Six significant digits print 0.001 rather
// than 0.0010000000474974513.
function formatLearningRate(learningRate, significantDigits = 6) {
  return String(Number(learningRate.toPrecision(significantDigits)));
}

// Shows `text` in the status line. Start fresh belongs to the message about a restored
// model, so any other message hides it.
function setStatus(text) {
  elements.status.textContent = text;
  elements.startFresh.hidden = true;
}

function showError(text) {
  elements.error.textContent = text;
  elements.error.hidden = false;
}

function hideError() {
  elements.error.textContent = '';
  elements.error.hidden = true;
}

// Shows a failure to open a model file next to the Save and Open buttons.
function showModelFileError(text) {
  elements.modelFileError.textContent = text;
  elements.modelFileError.hidden = false;
}

function hideModelFileError() {
  elements.modelFileError.textContent = '';
  elements.modelFileError.hidden = true;
}

// Architecture editor, link and data

createLayerEditor(elements.settings, { onChange: () => pendingTracker.update() });
const pendingTracker = createPendingTracker(elements.settings, {
  snapshot: () => snapshotSettings(elements.settings),
  labelOf: (field) => labelOf(elements.settings, field),
  badge: document.getElementById('pending-badge'),
  note: document.getElementById('pending-note'),
});

const dataSection = createDataSection({
  elements: {
    details: document.getElementById('data-details'),
    summary: document.getElementById('data-summary'),
    sources: document.getElementById('data-sources'),
    picker: document.getElementById('data-files'),
    useBundled: document.getElementById('use-bundled'),
    roles: document.getElementById('data-roles'),
    roleList: document.getElementById('data-role-list'),
    roleError: document.getElementById('data-role-error'),
    cancelRoles: document.getElementById('data-roles-cancel'),
    progress: document.getElementById('data-progress'),
    error: document.getElementById('data-error'),
    classSetRadios: [...document.querySelectorAll('input[name="class-set"]')],
    classSetNote: document.getElementById('class-set-note'),
    dropOverlay: document.getElementById('drop-overlay'),
  },
  post: (message) => worker.postMessage(message),
  busyReason: () => {
    if (state.workerFailed) {
      return 'The training worker did not start, so no files can be loaded. Reload the page.';
    }
    if (!state.ready || state.resetting) {
      return 'The page is still busy with the model or earlier files. Wait until it is ready, then open the files again.';
    }
    return null;
  },
  onLoadStart: () => {
    state.resetting = true;
    hideError();
    updateControls();
  },
});

// Parameters of the link that could not be used, shown once the first Trainer is ready.
let linkProblems = [];

function handleDataLoaded(loaded) {
  state.resetting = false;
  updateControls();
  dataSection.showLoaded(loaded);
  if (!loaded.newModel) {
    const accuracy = state.heldOutAccuracy === null ? '' : ` Held-out accuracy: ${formatPercent(state.heldOutAccuracy)}.`;
    const split = loaded.test
      ? `${integer.format(loaded.test.count)} images from ${loaded.test.imagesName}`
      : 'the bundled digits';
    setStatus(`The held-out split is now ${split}; the model keeps its weights.${accuracy}`);
  }
  if (pad.hasInk()) {
    requestPrediction();
  }
}

function handleDataFailed(failed) {
  state.resetting = false;
  updateControls();
  dataSection.showFailed(failed);
  if (pad.hasInk()) {
    requestPrediction();
  }
}

// Lists the link's parameters that could not be used: those the page could not read and
// `dropped`, the fields the Trainer rejected.
function showDroppedFields(dropped = []) {
  const problems = [
    ...linkProblems,
    ...dropped.map(({ field, value, message }) => ({
      parameter: field,
      value: Array.isArray(value) ? value.join(',') : String(value),
      message: message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message,
    })),
  ];
  linkProblems = [];
  if (problems.length === 0) {
    return;
  }
  const heading = document.createElement('p');
  heading.textContent = 'Some parameters of the link cannot be used, so the page uses the defaults for them:';
  const list = document.createElement('ul');
  for (const { parameter, value, message } of problems) {
    const item = document.createElement('li');
    const code = document.createElement('code');
    code.textContent = `${parameter}=${value}`;
    item.append(code, `: ${message.replace(/\.$/, '')}.`);
    list.append(item);
  }
  elements.linkNotice.replaceChildren(heading, list);
  elements.linkNotice.hidden = false;
}

function hideLinkNotice() {
  elements.linkNotice.replaceChildren();
  elements.linkNotice.hidden = true;
}

// Copies the page's link, which contains the current model's config, to the clipboard. Where
// the clipboard is not allowed, the link is shown selected in a field to copy by hand.
async function copyLink() {
  const link = window.location.href;
  try {
    await navigator.clipboard.writeText(link);
    elements.copyLinkField.hidden = true;
    elements.copyLinkStatus.textContent = 'Link copied.';
  } catch (error) {
    elements.copyLinkField.value = link;
    elements.copyLinkField.hidden = false;
    elements.copyLinkField.focus();
    elements.copyLinkField.select();
    elements.copyLinkStatus.textContent =
      `Copying failed (${error.message}). The link is selected in the field below: copy it with Ctrl+C or ⌘C.`;
  }
}

elements.copyLink.addEventListener('click', copyLink);

// Start from the link's config if the page has one: a fresh run with it, or the model saved
// by an earlier visit if that has the same config. Otherwise restore the last model, or
// build the first Trainer from the settings as the page shows them. A reload of this tab
// finds the query string it wrote itself: that is not a shared link, so the last model is
// restored as after any reload, and the query's config is used only when there is none.
function start() {
  const fromLink = readConfigFromQuery(window.location.search);
  if (!fromLink) {
    sendConfig(Request.RESTORE);
    return;
  }
  linkProblems = fromLink.problems;
  state.requestedConfig = fromLink.config;
  state.resetting = true;
  updateControls();
  const reload = isOwnQuery(window.location.search);
  worker.postMessage({ type: Request.RESTORE, config: fromLink.config, fromLink: !reload });
}

// Saves the training done since the last automatic save (every 2 s) when the page goes away.
window.addEventListener('pagehide', () => worker.postMessage({ type: Request.PERSIST }));

start();
