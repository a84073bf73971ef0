// Message types between the page (main.js) and the training worker (worker.js).
// Every message is a plain object with a `type` field. The comments list the other fields.

/** Messages the page sends to the worker. */
export const Request = Object.freeze({
  // { config }: build a new Trainer from `config` (the object the Trainer constructor takes)
  // and load the bundled data into it. The worker replies with `ready`, or with `error` and
  // keeps the previous Trainer if `config` is invalid.
  RESET: 'reset',
  // {}: train in short slices until `pause`.
  TRAIN: 'train',
  // {}: stop after the current slice and evaluate on the held-out split.
  PAUSE: 'pause',
  // { id, rgba, width, height }: classify a drawing. `rgba` is the canvas ImageData buffer,
  // transferred. Of the requests waiting, the worker classifies only the latest, so a
  // request may get no reply when a newer one replaces it.
  PREDICT: 'predict',
});

/** Messages the worker sends to the page. */
export const Reply = Object.freeze({
  // { trainCount, testCount, rows, cols, learningRate, seed }: a new Trainer is ready and
  // untrained. `learningRate` and `seed` are the values in use, defaults included.
  READY: 'ready',
  // { running }: training started or stopped. The worker also stops by itself on an error.
  TRAINING: 'training',
  // { step, epoch, loss, accuracy }: means over the mini-batches of the last slice.
  PROGRESS: 'progress',
  // { step, epoch, loss, accuracy }: results on the held-out split.
  EVALUATION: 'evaluation',
  // { layers: [{ name, inputs, outputs, params }] }: sent when the model summary changes.
  SUMMARY: 'summary',
  // { id, probabilities, input } for a drawing, or { id, probabilities: null, input: null }
  // for an empty pad. `probabilities` has 10 values and `input` the 28 × 28 network input.
  PREDICTION: 'prediction',
  // { message }: a failure the user should see, worded for the user.
  ERROR: 'error',
});
