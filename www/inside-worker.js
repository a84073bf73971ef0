// Worker side of the views inside the network: activation statistics at initialization,
// per-image held-out results, held-out images by index and the first dense layer's weights.
// worker.js owns the Trainer and calls these functions with it.

import { Reply, Request } from './protocol.js';

/** Initializers compared at initialization, in the order the page shows them. */
export const INITIALIZERS = Object.freeze(['glorot_uniform', 'he_uniform', 'normal', 'zeros']);
// While training, the weights the page shows are sent at most this often, in milliseconds.
// Copying the default first layer (256 × 784 floats) out of wasm and slicing a page of it
// took about 1.3 ms in Node 20 on a busy 2-core virtual machine. That is under 0.1 % of
// training time at this interval, which is still often enough to see the weights change.
export const WEIGHTS_INTERVAL_MS = 1500;
// Upper bounds on one request, so a bad message cannot make the worker copy without limit.
const MAX_WEIGHT_UNITS = 4096;
const MAX_TEST_IMAGES = 1000;

/**
 * Creates the worker side. `post(message, transfer)` sends a reply to the page. Returns
 * functions that worker.js calls: handleRequest for the page's requests, and the hooks
 * after a Trainer is installed, a training slice and an evaluation.
 */
export function createInsideWorker(post) {
  // Units of the first dense layer the page shows, or null when it shows none.
  let weightsPage = null;
  let lastWeightsTime = -Infinity;
  // True class of each held-out image, read once per Trainer.
  let testLabels = null;
  // Training steps of the current model, sent with its weights.
  let currentStep = 0;

  // Handles `message` if it is one of this module's requests and returns whether it was.
  function handleRequest(trainer, message) {
    switch (message.type) {
      case Request.ACTIVATION_STATS:
        postActivationStats(trainer, message.id);
        return true;
      case Request.TEST_IMAGES:
        postTestImages(trainer, message.id, message.indices);
        return true;
      case Request.WEIGHTS:
        setWeightsPage(trainer, message.offset, message.count);
        return true;
      default:
        return false;
    }
  }

  // Forgets the held-out labels after the Trainer's held-out split was replaced.
  function heldOutReplaced() {
    testLabels = null;
  }

  // Forgets what belonged to the previous Trainer. The new one has trained `step` steps.
  function trainerInstalled(step) {
    testLabels = null;
    currentStep = step;
    lastWeightsTime = -Infinity;
  }

  function postActivationStats(trainer, id) {
    if (!trainer) {
      post({ type: Reply.ACTIVATION_STATS, id, error: 'The model is not ready yet.' });
      return;
    }
    try {
      const results = INITIALIZERS.map((initializer) =>
        trainer.activationStats(initializer),
      );
      const { activation, inputSize } = trainer.config;
      post({ type: Reply.ACTIVATION_STATS, id, activation, inputWidth: inputSize * inputSize, results });
    } catch (error) {
      console.warn(`lazynet: activation statistics (request ${id}) failed: ${errorMessage(error)}`);
      post({ type: Reply.ACTIVATION_STATS, id, error: errorMessage(error) });
    }
  }

  function postTestImages(trainer, id, indices) {
    if (!trainer) {
      post({ type: Reply.TEST_IMAGES, id, error: 'The model is not ready yet.' });
      return;
    }
    if (!(indices instanceof Uint32Array) || indices.length > MAX_TEST_IMAGES) {
      post({
        type: Reply.TEST_IMAGES,
        id,
        error: `Invalid image indices: expected a Uint32Array of at most ${MAX_TEST_IMAGES} indices.`,
      });
      return;
    }
    try {
      const { side, pixels, labels } = trainer.testImages(indices);
      post({ type: Reply.TEST_IMAGES, id, side, pixels, labels }, [pixels.buffer, labels.buffer]);
    } catch (error) {
      console.warn(`lazynet: held-out images (request ${id}) failed: ${errorMessage(error)}`);
      post({ type: Reply.TEST_IMAGES, id, error: errorMessage(error) });
    }
  }

  function setWeightsPage(trainer, offset, count) {
    if (!Number.isInteger(offset) || !Number.isInteger(count) || offset < 0 || count < 0) {
      postError(`Invalid weights request: offset ${offset} and count ${count} must be whole numbers from 0.`);
      return;
    }
    weightsPage = count === 0 ? null : { offset, count: Math.min(count, MAX_WEIGHT_UNITS) };
    if (weightsPage && trainer) {
      postWeights(trainer);
    }
  }

  // Sends the incoming weights of the units on the page's current page.
  function postWeights(trainer) {
    lastWeightsTime = performance.now();
    const step = currentStep;
    let layer;
    try {
      layer = trainer.firstLayerWeights();
    } catch (error) {
      postError(`Reading the first layer's weights failed: ${errorMessage(error)}`);
      return;
    }
    if (layer === null) {
      post({ type: Reply.WEIGHTS, step, units: null });
      return;
    }
    const { units, inputs, side, weights } = layer;
    const offset = Math.min(weightsPage.offset, Math.max(0, units - 1));
    const end = Math.min(units, offset + weightsPage.count);
    // slice() copies, so only the page's units are transferred.
    const page = weights.slice(offset * inputs, end * inputs);
    post({ type: Reply.WEIGHTS, step, offset, units, inputs, side, weights: page }, [page.buffer]);
  }

  // Called after each training slice that reached `step`: sends the weights if the page
  // shows some and WEIGHTS_INTERVAL_MS have passed.
  function sliceTrained(trainer, step) {
    currentStep = step;
    if (weightsPage && performance.now() - lastWeightsTime >= WEIGHTS_INTERVAL_MS) {
      postWeights(trainer);
    }
  }

  // Called with each result of trainer.evaluate() at `step`: sends the per-image results.
  function evaluated(trainer, result, step) {
    currentStep = step;
    if (!testLabels) {
      // The labels are the same for every evaluation of this Trainer, so read them once.
      testLabels = trainer.testLabels;
      if (!testLabels) {
        postError('Reading the held-out labels failed: the Trainer has no held-out split.');
        return;
      }
    }
    const { confusion, predicted, probabilities } = result;
    const labels = testLabels.slice();
    post({ type: Reply.HELD_OUT, step, confusion, labels, predicted, probabilities }, [
      labels.buffer,
      predicted.buffer,
      probabilities.buffer,
    ]);
  }

  // Logs `message` and shows it in the page's error line.
  function postError(message) {
    console.warn(`lazynet: ${message}`);
    post({ type: Reply.ERROR, message });
  }

  return { handleRequest, trainerInstalled, heldOutReplaced, sliceTrained, evaluated };
}

function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}
