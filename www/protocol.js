// Message types between the page (main.js) and the training worker (worker.js).
// Every message is a plain object with a `type` field. The comments list the other fields.

/** Messages the page sends to the worker. */
export const Request = Object.freeze({
  // { config }: build a new Trainer from `config` (the object the Trainer constructor takes)
  // and load the data in use into it: the bundled digits, or the user's files from
  // `loadData`. The worker replies with `ready`, or with `resetFailed` and keeps the
  // previous Trainer if `config` is invalid.
  RESET: 'reset',
  // { config, fromLink }: restore the model saved in IndexedDB by an earlier visit, if there
  // is one that loads. Otherwise the same as `reset` with `config`. With `fromLink`,
  // `config` comes from the page's link: rejected fields get their defaults, and the saved
  // model is restored only if its config is the link's (seed included if the link has one).
  RESTORE: 'restore',
  // {}: the page is going away (pagehide): write the model to IndexedDB now if it has
  // trained since its last save, so a reload loses as little training as possible.
  PERSIST: 'persist',
  // { sets: [{ role, images, labels }] }: decode the user's IDX files (`images` and `labels`
  // are Files, `role` is 'train' or 'test') and use them in place of that bundled split from
  // now on. New training data starts a new, untrained Trainer with the current config (a
  // `ready` with origin 'data'). Held-out data alone goes into the current Trainer (an
  // `evaluation` if it has weights). The worker sends `dataProgress` while decoding, then
  // `dataLoaded`, or `dataFailed` and keeps the current Trainer and data.
  LOAD_DATA: 'loadData',
  // {}: go back to the bundled digits for both splits, as `loadData` does for the user's.
  USE_BUNDLED_DATA: 'useBundledData',
  // { file }: pause training and replace the Trainer with one loaded from `file`, an
  // ArrayBuffer of a model file, transferred. The worker replies with `ready`, or with
  // `openFailed` and keeps the current Trainer if the file is not a valid model.
  OPEN: 'open',
  // {}: write the current model file. The worker replies with `modelFile`.
  SAVE: 'save',
  // {}: train in short slices until `pause`, an error or the end of the learning-rate
  // schedule. After that end, `train` continues at the final learning rate.
  TRAIN: 'train',
  // {}: stop after the current slice and evaluate on the held-out split.
  PAUSE: 'pause',
  // { id, rgba, width, height }: classify a drawing. `rgba` is the canvas ImageData buffer,
  // transferred. Of the requests waiting, the worker classifies only the latest, so a
  // request may get no reply when a newer one replaces it.
  PREDICT: 'predict',

  // Views inside the network (inside.js and inside-worker.js).
  // { id }: measure each layer right after initialization, with every initializer, on a
  // batch of training images. The worker replies with `activationStats`.
  ACTIVATION_STATS: 'activationStats',
  // { id, indices }: send the held-out images at `indices` (a Uint32Array) as the network
  // receives them. The worker replies with `testImages`.
  TEST_IMAGES: 'testImages',
  // { offset, count }: send the incoming weights of `count` units of the first dense layer,
  // from unit `offset`, now and then every WEIGHTS_INTERVAL_MS (inside-worker.js) at most
  // while training. A count of 0 stops them. The worker replies with `weights`.
  WEIGHTS: 'weights',
});

/** Messages the worker sends to the page. */
export const Reply = Object.freeze({
  // { origin, trainCount, testCount, rows, cols, learningRate, seed, epochs, inputSize,
  // config, step, epoch, evaluation, droppedFields }: a Trainer is ready. `origin` is 'new'
  // for an untrained Trainer from `reset`, 'link' for one from the link's config, 'data' for
  // one built for new data, 'restored' for the model of an earlier visit and 'opened' for a
  // model file from `open`. `droppedFields` lists { field, value, message } for each field of
  // a link's config that the Trainer rejected, so its default is used. `learningRate` (the peak of the schedule), `seed`, `epochs` (the
  // schedule's length) and `inputSize` are the values in use, and `config` is the whole
  // config, defaults included. `step` and `epoch` tell how far the model is trained.
  // `evaluation` is { loss, accuracy } on the held-out split for a model with weights, and
  // null for a model that has not seen a batch yet.
  READY: 'ready',
  // { message, modelKept }: the Trainer rejected the config of a `reset`. `message` is the
  // Trainer's error, which starts with the config field's name ("batchSize: invalid value
  // 0; …"). `modelKept` is true when a previous Trainer stays in use.
  RESET_FAILED: 'resetFailed',
  // { message, modelKept }: the file of an `open` is not a valid model. `message` is the
  // Trainer's error. `modelKept` is true when a previous Trainer stays in use.
  OPEN_FAILED: 'openFailed',
  // { file }: the model file requested by `save`, a Uint8Array, transferred.
  MODEL_FILE: 'modelFile',
  // { running, scheduleFinished }: training started or stopped. The worker also stops by
  // itself on an error and at the end of the schedule, where `scheduleFinished` is true and
  // an `evaluation` has just been sent.
  TRAINING: 'training',
  // { step, epoch, loss, accuracy, learningRate, steps, elapsedMs }: loss and accuracy are
  // means over the mini-batches of the last slice, learningRate is the scheduled rate of its
  // last step, and the slice took `steps` steps in `elapsedMs` of the worker's time.
  PROGRESS: 'progress',
  // { step, epoch, loss, accuracy }: results on the held-out split.
  EVALUATION: 'evaluation',
  // { layers: [{ name, inputs, outputs, params }] }: sent when the model summary changes.
  SUMMARY: 'summary',
  // { id, probabilities, input } for a drawing, or { id, probabilities: null, input: null }
  // for an empty pad. `probabilities` has 10 values and `input` the inputSize × inputSize
  // network input.
  PREDICTION: 'prediction',
  // { message }: a failure the user should see, worded for the user.
  ERROR: 'error',

  // Views inside the network (inside.js and inside-worker.js).
  // { id, activation, results: [{ initializer, loss, layers: [{ name, kind, mean, std, dead,
  // gradientStd }] }] } or { id, error }: the reply to `activationStats`, one result per
  // initializer, from Trainer.activationStats().
  ACTIVATION_STATS: 'activationStats',
  // { step, confusion, labels, predicted, probabilities }: sent with every held-out
  // evaluation. `confusion[true][predicted]` counts images, `labels` and `predicted` are
  // Uint8Arrays of the true and predicted class of each held-out image in file order, and
  // `probabilities` a Float32Array of count × 10 softmax outputs.
  HELD_OUT: 'heldOut',
  // { id, side, pixels, labels } or { id, error }: the reply to `testImages`. `pixels` has
  // side × side values in [0, 1] per image, transferred.
  TEST_IMAGES: 'testImages',
  // { step, offset, units, inputs, side, weights }, or { step, units: null } before the
  // first batch: the reply to `weights`. `weights` is a Float32Array of the requested units'
  // incoming weights, unit-major, `units` the layer's whole width and `inputs` its input
  // width, side × side.
  WEIGHTS: 'weights',
  // { name, done, total }: `done` of the `total` bytes of the file `name` are decoded.
  DATA_PROGRESS: 'dataProgress',
  // { newModel, train, test, classSet, decodeMs, loadMs, memoryBytes }: the data in use
  // changed. `newModel` is true when a new Trainer was built for it (its `ready` came first).
  // `train` and `test` are { imagesName, labelsName, count } for the user's files, or null
  // for the bundled split. `classSet` is the guessed class names ('digits' or 'fashion'),
  // and `memoryBytes` the wasm memory size after loading.
  DATA_LOADED: 'dataLoaded',
  // { message, modelKept }: the user's files could not be used; `message` names the file.
  DATA_FAILED: 'dataFailed',
});
