// Page wiring: starts the training worker, sends it the user's commands and drawings, and
// shows what it reports in the controls, statistics, charts, summary and prediction.

import { createCharts } from './chart.js';
import { createDrawingPad } from './draw.js';
import { createPredictionView } from './prediction.js';
import { Reply, Request } from './protocol.js';
import {
  DEFAULT_LEARNING_RATES,
  TRAINER_DEFAULTS,
  clearSettingsError,
  readSettings,
  showSettingsError,
} from './settings.js';
import { renderSummary } from './summary.js';

// Weight of the newest measurement in the smoothed samples-per-second figure.
const RATE_SMOOTHING = 0.2;
// Held-out accuracy from which the figure is shown in green.
const GOOD_ACCURACY = 0.95;

const integer = new Intl.NumberFormat('en-US');

const elements = {
  trainToggle: document.getElementById('train-toggle'),
  reset: document.getElementById('reset'),
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
  modelState: document.getElementById('model-state'),
  pad: document.getElementById('pad'),
  clear: document.getElementById('clear'),
};

const state = {
  // A Trainer exists in the worker.
  ready: false,
  // A Reset was sent and its reply has not arrived.
  resetting: false,
  // The worker did not start, so no command can reach a Trainer.
  workerFailed: false,
  running: false,
  batchSize: TRAINER_DEFAULTS.batchSize,
  // Length of the learning-rate schedule in epochs. Training pauses at its end.
  epochs: TRAINER_DEFAULTS.epochs,
  // Settings sent with the pending Reset.
  requestedConfig: {},
  step: 0,
  // Latest held-out accuracy as a fraction, or null before the first evaluation.
  heldOutAccuracy: null,
  // Training has reached the end of the schedule at least once.
  scheduleFinished: false,
  // Step and time of the last progress message, for the samples-per-second figure.
  lastProgress: null,
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
const pad = createDrawingPad(elements.pad, { onChange: schedulePrediction });

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = (event) => handleReply(event.data);
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
elements.settings.addEventListener('submit', (event) => {
  event.preventDefault();
  requestReset();
});

elements.clear.addEventListener('click', () => pad.clear());

// The learning-rate field's placeholder shows the default of the chosen optimizer.
elements.settings.elements.optimizer.addEventListener('change', (event) => {
  const rate = DEFAULT_LEARNING_RATES[event.target.value];
  elements.settings.elements.learningRate.placeholder = rate === undefined ? 'default' : String(rate);
});

function requestReset() {
  if (state.resetting || state.workerFailed) {
    return;
  }
  clearSettingsError(elements.settings, elements.settingsError);
  const { config, invalid } = readSettings(elements.settings);
  if (invalid) {
    showInvalidSettings(invalid.message, state.ready);
    return;
  }
  state.requestedConfig = config;
  state.resetting = true;
  hideError();
  updateControls();
  worker.postMessage({ type: Request.RESET, config });
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
      break;
    case Reply.RESET_FAILED:
      handleResetFailed(message);
      break;
    case Reply.TRAINING:
      handleTraining(message);
      break;
    case Reply.PROGRESS:
      handleProgress(message);
      break;
    case Reply.EVALUATION:
      handleEvaluation(message);
      break;
    case Reply.SUMMARY:
      renderSummary(elements.summaryBody, elements.summaryTotal, message.layers);
      break;
    case Reply.PREDICTION:
      handlePrediction(message);
      break;
    case Reply.ERROR:
      state.resetting = false;
      updateControls();
      showError(message.message);
      break;
    default:
      showError(`The page received an unknown message type "${message.type}" from the training worker.`);
  }
}

function handleReady({ trainCount, testCount, rows, cols, learningRate, seed, epochs, inputSize }) {
  const replacedModel = state.ready;
  state.ready = true;
  state.resetting = false;
  state.batchSize = state.requestedConfig.batchSize ?? TRAINER_DEFAULTS.batchSize;
  state.epochs = epochs;
  state.step = 0;
  state.lastProgress = null;
  state.samplesPerSecond = null;
  state.heldOutAccuracy = null;
  state.scheduleFinished = false;

  charts.clear();
  showProgress({ step: 0, epoch: 0, loss: null, learningRate: null });
  showHeldOutAccuracy(null);
  showTrained(false);
  predictionView.setInputSize(inputSize);
  updateControls();
  if (state.requestedConfig.learningRate === undefined) {
    elements.settings.elements.learningRate.placeholder = formatLearningRate(learningRate);
  }
  const resized = inputSize === rows && inputSize === cols ? '' : `, shown to the network at ${inputSize} × ${inputSize}`;
  setStatus(
    `Loaded ${integer.format(trainCount)} training and ${integer.format(testCount)} held-out ` +
      `images of ${rows} × ${cols} pixels${resized}. ${describeRun(learningRate, seed)} Press Train to start.`,
  );
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

function handleResetFailed({ message, modelKept }) {
  state.resetting = false;
  updateControls();
  showInvalidSettings(message, modelKept);
  // Drawings made while the Reset was pending got no prediction.
  if (pad.hasInk()) {
    requestPrediction();
  }
}

// Shows a rejected setting next to the settings form, and a summary in the status line.
function showInvalidSettings(message, modelKept) {
  const kept = modelKept ? ' The current model is kept.' : '';
  setStatus(`Reset failed because a setting is invalid.${kept}`);
  showSettingsError(elements.settings, elements.settingsError, `${message.replace(/\.$/, '')}.${kept}`);
}

function handleTraining({ running, scheduleFinished }) {
  state.running = running;
  state.lastProgress = null;
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
  const now = performance.now();
  if (state.lastProgress && now > state.lastProgress.time) {
    const samples = (progress.step - state.lastProgress.step) * state.batchSize;
    const measured = samples / ((now - state.lastProgress.time) / 1000);
    state.samplesPerSecond =
      state.samplesPerSecond === null
        ? measured
        : (1 - RATE_SMOOTHING) * state.samplesPerSecond + RATE_SMOOTHING * measured;
  }
  state.lastProgress = { step: progress.step, time: now };
  state.step = progress.step;

  showProgress(progress);
  showTrained(progress.step > 0);
  charts.addProgress(progress);
}

function handleEvaluation(evaluation) {
  state.heldOutAccuracy = evaluation.accuracy;
  showHeldOutAccuracy(evaluation.accuracy);
  charts.addEvaluation(evaluation);
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

function setStatus(text) {
  elements.status.textContent = text;
}

function showError(text) {
  elements.error.textContent = text;
  elements.error.hidden = false;
}

function hideError() {
  elements.error.textContent = '';
  elements.error.hidden = true;
}

// Build the first Trainer from the settings as the page shows them.
requestReset();
