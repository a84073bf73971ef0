// Reading the header of a lazynet model file. The layout is in docs/model-format.md (format
// version 1): the hidden-layer count `h` is a u32 at byte 16, and the training step count is
// a u64 at byte 20 + 4·h + 37, both little-endian.

const HIDDEN_COUNT_OFFSET = 16;
const HIDDEN_WIDTHS_OFFSET = 20;
// Bytes from the end of the hidden widths to the step count.
const STEP_COUNT_AFTER_WIDTHS = 37;

/**
 * Returns the number of training steps stored in `file` (an ArrayBuffer or a typed array).
 * Call it only on a file that `Trainer.loadModel` accepted, which guarantees the layout and a
 * step count of at most 2⁵³ − 1.
 */
export function readStepCount(file) {
  const view = ArrayBuffer.isView(file)
    ? new DataView(file.buffer, file.byteOffset, file.byteLength)
    : new DataView(file);
  const hiddenCount = view.getUint32(HIDDEN_COUNT_OFFSET, true);
  const offset = HIDDEN_WIDTHS_OFFSET + 4 * hiddenCount + STEP_COUNT_AFTER_WIDTHS;
  return Number(view.getBigUint64(offset, true));
}
