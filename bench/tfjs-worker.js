// TF.js 4.22 training the standard model on the bundled digits, for comparison with lazynet.
//
// The request chooses the backend ('wasm' or 'cpu') and the API: 'core' builds the model from
// variables and fused matMul kernels and trains with optimizer.minimize, 'layers' uses
// tf.sequential and model.trainOnBatch. A request with mode 'matmul' instead times tf.matMul
// alone on the shapes of one layer's products.
//
// TF.js is loaded as the README of @tensorflow/tfjs-backend-wasm 4.22 shows: the union package
// @tensorflow/tfjs, which also registers the gradient functions (the tfjs-core bundle alone
// registers none, so it cannot train), plus @tensorflow/tfjs-backend-wasm. The files are the
// packages' UMD bundles from node_modules on this origin. Imported as modules they see no
// `exports` or `define`, so they attach themselves to globalThis.tf.

import { loadSplit } from './idx.js';
import { serveRuns, timeSlices } from './timing.js';

const TFJS_DIR = new URL('../node_modules/@tensorflow/', import.meta.url);
// The union bundle contains tfjs-core, the gradients, tfjs-layers and the cpu and webgl backends.
const UNION_BUNDLE = 'tfjs/dist/tf.es2017.min.js';
const WASM_BUNDLE = 'tfjs-backend-wasm/dist/tf-backend-wasm.es2017.min.js';
const CLASSES = 10;
const HIDDEN = [256, 128];
const LEARNING_RATE = 0.001;

serveRuns(async (request) => {
  if (request.mode === 'matmul') {
    return timeMatMuls(await loadTfjs(request.backend, 'core'), request.callMs);
  }
  return train(request);
});

/** Trains for warmupMs, then timedMs, and returns the totals and what TF.js ran with. */
async function train({ backend, api, warmupMs, timedMs, seed, batchSize }) {
  const setupStart = performance.now();
  const tf = await loadTfjs(backend, api);
  const data = await loadSplit('train');
  const xAll = tf.tensor2d(data.images, [data.count, data.width]);
  const yAll = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(data.labels, 'int32'), CLASSES), 'float32'));
  const batches = new Batches(data.count, seed);
  const trainStep = api === 'layers'
    ? buildLayersModel(tf, data.width)
    : buildCoreModel(tf, data.width, seed);
  const setupMs = performance.now() - setupStart;

  let loss = NaN;
  const slice = async () => {
    const indices = batches.next(batchSize);
    const [x, y] = tf.tidy(() => {
      const rows = tf.tensor1d(indices, 'int32');
      return [tf.gather(xAll, rows), tf.gather(yAll, rows)];
    });
    loss = await trainStep(x, y);
    x.dispose();
    y.dispose();
    return { steps: 1, samples: indices.length };
  };

  // One step first, so that Adam's moment tensors exist before the tensor count is taken.
  await slice();
  const tensorsBefore = tf.memory().numTensors;
  const timed = await timeSlices(slice, { warmupMs, timedMs });
  const tensorsAfter = tf.memory().numTensors;

  return {
    ...timed,
    setupMs,
    lastLoss: loss,
    tfjsVersion: tf.version_core,
    backend: tf.getBackend(),
    api,
    wasmSimd: backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : null,
    wasmThreads: backend === 'wasm' ? tf.wasm.getThreadsCount() : null,
    tensorsLeaked: tensorsAfter - tensorsBefore,
  };
}

/**
 * Times tf.matMul alone on the shapes of the first layer's three products in training
 * (forward, weight gradient, input gradient), each for about `callMs` ms, and returns the
 * mean ms per call by shape. The transposed forms are the ones backpropagation uses.
 */
function timeMatMuls(tf, callMs) {
  const [inputs, units] = [784, HIDDEN[0]];
  const x = tf.randomUniform([64, inputs]);
  const weight = tf.randomUniform([inputs, units]);
  const grad = tf.randomUniform([64, units]);
  const cases = {
    'x · W (64×784 · 784×256)': () => tf.matMul(x, weight),
    'xᵀ · g, transposeA (784×64 · 64×256)': () => tf.matMul(x, grad, true, false),
    'g · Wᵀ, transposeB (64×256 · 256×784)': () => tf.matMul(grad, weight, false, true),
  };
  const msPerCall = {};
  for (const [name, multiply] of Object.entries(cases)) {
    multiply().dispose();
    let calls = 0;
    const start = performance.now();
    while (performance.now() - start < callMs) {
      const product = multiply();
      product.dataSync();
      product.dispose();
      calls += 1;
    }
    msPerCall[name] = (performance.now() - start) / calls;
  }
  return { backend: tf.getBackend(), msPerCall };
}

/** Imports TF.js (and for 'wasm' its wasm backend) and activates the backend. */
async function loadTfjs(backend, api) {
  if (backend !== 'wasm' && backend !== 'cpu') {
    throw new Error(`unknown backend ${JSON.stringify(backend)}; expected "wasm" or "cpu"`);
  }
  if (api !== 'core' && api !== 'layers') {
    throw new Error(`unknown api ${JSON.stringify(api)}; expected "core" or "layers"`);
  }
  await import(new URL(UNION_BUNDLE, TFJS_DIR));
  if (backend === 'wasm') {
    await import(new URL(WASM_BUNDLE, TFJS_DIR));
  }
  const tf = globalThis.tf;
  // Production mode skips TF.js's debugging checks, as a deployed page would.
  tf.enableProdMode();
  if (backend === 'wasm') {
    // Serve the .wasm files from this origin, and use one thread like lazynet. Without
    // cross-origin isolation there is no SharedArrayBuffer, so the SIMD build without threads
    // loads either way.
    tf.wasm.setWasmPaths(new URL('tfjs-backend-wasm/dist/', TFJS_DIR).href);
    tf.wasm.setThreadsCount(1);
  }
  if (!(await tf.setBackend(backend))) {
    throw new Error(`TF.js failed to initialize the ${backend} backend`);
  }
  await tf.ready();
  return tf;
}

/**
 * Builds the model from variables (Glorot uniform weights, zero biases) and returns a step
 * function that runs Adam on the softmax cross-entropy with optimizer.minimize and returns the
 * batch loss.
 */
function buildCoreModel(tf, inputs, seed) {
  const widths = [inputs, ...HIDDEN, CLASSES];
  const layers = [];
  for (let i = 0; i + 1 < widths.length; i += 1) {
    const [fanIn, fanOut] = [widths[i], widths[i + 1]];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    layers.push({
      weight: tf.variable(tf.randomUniform([fanIn, fanOut], -limit, limit, 'float32', seed + i)),
      bias: tf.variable(tf.zeros([fanOut])),
    });
  }
  const optimizer = tf.train.adam(LEARNING_RATE);

  return (x, y) => {
    const cost = optimizer.minimize(() => {
      let activations = x;
      layers.forEach(({ weight, bias }, i) => {
        const activation = i + 1 < layers.length ? 'relu' : 'linear';
        activations = tf.fused.matMul({ a: activations, b: weight, bias, activation });
      });
      return tf.losses.softmaxCrossEntropy(y, activations);
    }, true);
    const value = cost.dataSync()[0];
    cost.dispose();
    return value;
  };
}

/**
 * Builds the model with tf.sequential (dense layers default to Glorot uniform weights and zero
 * biases) and returns a step function that calls model.trainOnBatch and resolves to the loss.
 */
function buildLayersModel(tf, inputs) {
  const model = tf.sequential();
  HIDDEN.forEach((units, i) => {
    model.add(tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [inputs] } : {}) }));
  });
  model.add(tf.layers.dense({ units: CLASSES }));
  model.compile({
    optimizer: tf.train.adam(LEARNING_RATE),
    loss: (labels, logits) => tf.losses.softmaxCrossEntropy(labels, logits),
  });
  return (x, y) => model.trainOnBatch(x, y);
}

/** Shuffled mini-batches like lazynet's: a new permutation each epoch, the last batch smaller. */
class Batches {
  constructor(count, seed) {
    this.order = Int32Array.from({ length: count }, (_, i) => i);
    this.cursor = 0;
    this.random = xorshift32(seed);
    this.shuffle();
  }

  next(batchSize) {
    if (this.cursor >= this.order.length) {
      this.shuffle();
      this.cursor = 0;
    }
    const start = this.cursor;
    this.cursor = Math.min(start + batchSize, this.order.length);
    return this.order.subarray(start, this.cursor);
  }

  shuffle() {
    for (let i = this.order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.random() * (i + 1));
      [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
    }
  }
}

/** Returns a seeded generator of uniform numbers in [0, 1), Marsaglia's xorshift32. */
function xorshift32(seed) {
  // The state must not be zero, or the generator returns zeros forever.
  let state = (seed >>> 0) || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}
