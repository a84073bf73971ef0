// The last trained model, kept in IndexedDB so a reload can restore it. One object store
// contains the bytes of `Trainer.saveModel()` under one key. Works in a worker as well as on
// the page.
//
// Persistence is optional. If IndexedDB is missing or an operation fails, the store logs
// one console.warn line with the error and does nothing from then on.

const DATABASE_NAME = 'lazynet';
const DATABASE_VERSION = 1;
const STORE_NAME = 'models';
const LAST_MODEL_KEY = 'last';

/** Creates a store with `load()`, resolving to the saved bytes or null, and `save(bytes)`. */
export function createModelStore() {
  let databasePromise = null;
  let disabled = false;

  function openDatabase() {
    if (!databasePromise) {
      databasePromise = new Promise((resolve, reject) => {
        if (typeof indexedDB === 'undefined') {
          throw new Error('IndexedDB is not available in this browser');
        }
        const request = indexedDB.open(DATABASE_NAME, DATABASE_VERSION);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE_NAME);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return databasePromise;
  }

  function disable(action, error) {
    if (disabled) {
      return;
    }
    disabled = true;
    const message = error instanceof Error || error instanceof DOMException ? error.message : String(error);
    console.warn(`lazynet: ${action} failed, so the model will not be kept across reloads: ${message}`);
  }

  return {
    /** Resolves to the last saved model file as a Uint8Array, or null if there is none. */
    async load() {
      if (disabled) {
        return null;
      }
      try {
        const database = await openDatabase();
        const request = database.transaction(STORE_NAME, 'readonly').objectStore(STORE_NAME).get(LAST_MODEL_KEY);
        const value = await new Promise((resolve, reject) => {
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        return value instanceof Uint8Array ? value : null;
      } catch (error) {
        disable('Reading the saved model from IndexedDB', error);
        return null;
      }
    },

    /**
     * Replaces the saved model with `bytes` (a Uint8Array). Resolves once the write is
     * committed, or after a failure has been logged. Writes commit in call order.
     */
    async save(bytes) {
      if (disabled) {
        return;
      }
      try {
        const database = await openDatabase();
        const transaction = database.transaction(STORE_NAME, 'readwrite');
        transaction.objectStore(STORE_NAME).put(bytes, LAST_MODEL_KEY);
        await new Promise((resolve, reject) => {
          transaction.oncomplete = resolve;
          transaction.onerror = () => reject(transaction.error);
          transaction.onabort = () => reject(transaction.error ?? new Error('the transaction was aborted'));
        });
      } catch (error) {
        disable('Saving the model to IndexedDB', error);
      }
    },
  };
}
