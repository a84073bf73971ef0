// Names of the ten classes, shared by every view that shows a class: the prediction bars,
// the confusion matrix and the gallery of mistakes. MNIST's classes are the digits;
// Fashion-MNIST uses the same file format and label values 0 to 9 for ten kinds of clothing.

export const DIGIT_NAMES = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

// In label order, as the Fashion-MNIST authors list them.
export const FASHION_NAMES = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

export const CLASS_SETS = Object.freeze({ digits: DIGIT_NAMES, fashion: FASHION_NAMES });

let current = 'digits';

/** Returns the key of the class set in use: 'digits' or 'fashion'. */
export function classSet() {
  return current;
}

/** Returns the ten names in use, in label order. */
export function classNames() {
  return CLASS_SETS[current];
}

/**
 * Switches to the class set `key` and announces it with a `classnameschange` event on
 * `document`, whose `detail` is `{ key, names }`. Views listen for it and redraw.
 */
export function setClassSet(key) {
  if (!Object.hasOwn(CLASS_SETS, key)) {
    throw new Error(`class set "${key}" is unknown; expected ${Object.keys(CLASS_SETS).join(' or ')}`);
  }
  if (key === current) {
    return;
  }
  current = key;
  document.dispatchEvent(new CustomEvent('classnameschange', { detail: { key, names: classNames() } }));
}
