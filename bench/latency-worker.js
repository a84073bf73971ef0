// Prediction latency of lazynet in a worker: `predict` on one 784-value digit and
// `predictImage` on a 280×280 RGBA canvas with a drawn 7, each call timed on its own.
// The Trainer is first trained for a given number of steps, so its layers are built and its
// weights are no longer the initial ones. The work per call does not depend on the weights.

import init, { Trainer } from '../pkg/lazynet.js';
import { DATA_FILES, fetchDataFile, loadSplit } from './idx.js';
import { quantile, serveRuns } from './timing.js';

const CANVAS_SIZE = 280;
const WARMUP_CALLS = 50;

serveRuns(async ({ calls, trainSteps, seed }) => {
  const [, trainImages, trainLabels, test] = await Promise.all([
    init(),
    fetchDataFile(DATA_FILES.trainImages),
    fetchDataFile(DATA_FILES.trainLabels),
    loadSplit('test'),
  ]);
  const trainer = new Trainer({ hidden: [256, 128], batchSize: 64, seed });
  trainer.loadTrainingData(trainImages, trainLabels);
  const training = trainer.trainSteps(trainSteps);

  const digit = test.images.slice(0, test.width);
  const predict = timeCalls(() => trainer.predict(digit), calls);

  const rgba = drawSeven();
  let prediction = null;
  const predictImage = timeCalls(() => {
    prediction = trainer.predictImage(rgba, CANVAS_SIZE, CANVAS_SIZE);
  }, calls);
  const probabilities = Array.from(prediction.probabilities);

  trainer.free();
  return {
    trainedSteps: training.step,
    trainingLoss: training.loss,
    predict,
    predictImage,
    drawnDigitPredicted: probabilities.indexOf(Math.max(...probabilities)),
    timerResolutionMs: timerResolution(),
  };
});

/** Calls `call` WARMUP_CALLS times untimed, then `calls` times timed one by one. */
function timeCalls(call, calls) {
  for (let i = 0; i < WARMUP_CALLS; i += 1) {
    call();
  }
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i += 1) {
    const start = performance.now();
    call();
    times[i] = performance.now() - start;
  }
  times.sort();
  const totalMs = times.reduce((sum, ms) => sum + ms, 0);
  return { calls, p50Ms: quantile(times, 0.5), p95Ms: quantile(times, 0.95), meanMs: totalMs / calls };
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

/** Returns the smallest step of performance.now() seen, which bounds the timing precision. */
function timerResolution() {
  let smallest = Infinity;
  for (let i = 0; i < 1000; i += 1) {
    const start = performance.now();
    let now = start;
    while (now === start) {
      now = performance.now();
    }
    smallest = Math.min(smallest, now - start);
  }
  return smallest;
}
