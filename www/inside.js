// Page side of the views inside the network: the initialization panel, the confusion
// matrix, the gallery of mistakes and the first-layer weights. main.js passes on the worker's
// replies, and this module sends the requests these views need.

import { createConfusionView } from './confusion.js';
import { createGallery } from './gallery.js';
import { createInitPanel } from './init-panel.js';
import { Reply, Request } from './protocol.js';
import { createWeightsView } from './weights.js';

/**
 * Creates the views in their elements of index.html and returns the functions main.js calls
 * on the worker's replies: handleReady, handleSummary, handleTraining and handleReply.
 */
export function createInsideViews(worker) {
  // Pending held-out image requests by id, each { resolve, reject }.
  const pendingImages = new Map();
  let nextId = 1;
  // Id of the last activation statistics request. A reply to an older one is for a model
  // that has been replaced.
  let statsId = 0;
  let initializerInUse = null;
  // The current model has built its weights (every input width is known).
  let built = false;

  function requestImages(indices) {
    const id = nextId;
    nextId += 1;
    return new Promise((resolve, reject) => {
      pendingImages.set(id, { resolve, reject });
      worker.postMessage({ type: Request.TEST_IMAGES, id, indices: Uint32Array.from(indices) });
    });
  }

  const initPanel = createInitPanel(
    document.getElementById('init-cards'),
    document.getElementById('init-description'),
  );
  const confusion = createConfusionView(
    { matrix: document.getElementById('confusion-matrix'), detail: document.getElementById('confusion-detail') },
    { requestImages },
  );
  const gallery = createGallery(document.getElementById('mistakes'), { requestImages });
  const weights = createWeightsView(document.getElementById('weights'), {
    requestPage: (offset, count) => worker.postMessage({ type: Request.WEIGHTS, offset, count }),
  });

  // A new, restored or opened model: measure its architecture's initialization, and clear
  // what belonged to the old model. A model with weights sends its held-out results next.
  function handleReady({ config }) {
    initializerInUse = config.initializer;
    statsId = nextId;
    nextId += 1;
    initPanel.showLoading();
    worker.postMessage({ type: Request.ACTIVATION_STATS, id: statsId });
    confusion.clear();
    gallery.clear();
    weights.clear();
    built = false;
    weights.refresh();
  }

  // The first batch builds the weights, so the weights view requests them then.
  function handleSummary(layers) {
    const known = layers.every((layer) => layer.inputs != null);
    if (known && !built) {
      weights.refresh();
    }
    built = known;
  }

  // While training, the worker sends new weights by itself. When it stops, the view requests
  // them once more, for the weights of the last slice.
  function handleTraining({ running }) {
    if (!running) {
      weights.refresh();
    }
  }

  // Handles `message` if it is one of this module's replies and returns whether it was.
  function handleReply(message) {
    switch (message.type) {
      case Reply.ACTIVATION_STATS:
        if (message.id === statsId) {
          initPanel.show(message, initializerInUse);
        }
        return true;
      case Reply.HELD_OUT:
        confusion.show(message);
        gallery.show(message);
        return true;
      case Reply.TEST_IMAGES:
        settleImages(message);
        return true;
      case Reply.WEIGHTS:
        weights.show(message);
        return true;
      default:
        return false;
    }
  }

  function settleImages({ id, error, ...images }) {
    const pending = pendingImages.get(id);
    if (!pending) {
      return;
    }
    pendingImages.delete(id);
    if (error) {
      pending.reject(new Error(error));
    } else {
      pending.resolve(images);
    }
  }

  return { handleReady, handleSummary, handleTraining, handleReply };
}
