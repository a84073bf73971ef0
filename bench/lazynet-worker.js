// lazynet's trainSteps alone: loads ../pkg/lazynet.js and the bundled data the way
// www/worker.js does and trains in slices sized the same way, but sends no progress messages
// and never evaluates on the held-out split, so it times training only.

import init, { Trainer } from '../pkg/lazynet.js';
import { DATA_FILES, fetchDataFile } from './idx.js';
import { serveRuns, timeSlices } from './timing.js';

// Slice sizing of www/worker.js (SLICE_MS and MAX_STEPS_PER_SLICE there); keep them equal.
const SLICE_MS = 50;
const MAX_STEPS_PER_SLICE = 200;

serveRuns(async ({ warmupMs, timedMs, seed, batchSize }) => {
  const setupStart = performance.now();
  const [, trainImages, trainLabels] = await Promise.all([
    init(),
    fetchDataFile(DATA_FILES.trainImages),
    fetchDataFile(DATA_FILES.trainLabels),
  ]);
  // The standard model trains as TF.js does: no distortions and a constant learning rate.
  const trainer = new Trainer({ hidden: [256, 128], batchSize, seed, augment: false, schedule: 'constant', epochs: 1000 });
  const { count } = trainer.loadTrainingData(trainImages, trainLabels);
  const setupMs = performance.now() - setupStart;

  let stepsPerSlice = 1;
  let epoch = 0;
  let loss = NaN;
  const slice = () => {
    const started = performance.now();
    const result = trainer.trainSteps(stepsPerSlice);
    const msPerStep = (performance.now() - started) / stepsPerSlice;
    const done = { steps: stepsPerSlice, samples: Math.round((result.epoch - epoch) * count) };
    epoch = result.epoch;
    loss = result.loss;
    stepsPerSlice = Math.max(1, Math.min(MAX_STEPS_PER_SLICE, Math.round(SLICE_MS / msPerStep)));
    return done;
  };

  const timed = await timeSlices(slice, { warmupMs, timedMs });
  trainer.free();
  return { ...timed, setupMs, lastLoss: loss, stepsPerSlice };
});
