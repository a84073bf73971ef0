// Reading the header of a lazynet model file. The layout is in docs/model-format.md: the
// format version is a u32 at byte 8, the hidden-layer count `h` a u32 at byte 16, and the
// training step count a u64 after the hidden widths and the config fields, all
// little-endian. Version 2 added a one-byte activation field before the step count.

const VERSION_OFFSET = 8;
const HIDDEN_COUNT_OFFSET = 16;
const HIDDEN_WIDTHS_OFFSET = 20;
// Bytes from the end of the hidden widths to the step count, by format version.
const STEP_COUNT_AFTER_WIDTHS = { 1: 37, 2: 38 };

/**
 * Returns the number of training steps stored in `file` (an ArrayBuffer or a typed array).
 * Call it only on a file that `Trainer.loadModel` accepted, which guarantees a known version,
 * the layout and a step count of at most 2⁵³ − 1.
 */
export function readStepCount(file) {
  const view = ArrayBuffer.isView(file)
    ? new DataView(file.buffer, file.byteOffset, file.byteLength)
    : new DataView(file);
  const version = view.getUint32(VERSION_OFFSET, true);
  const afterWidths = STEP_COUNT_AFTER_WIDTHS[version];
  if (afterWidths === undefined) {
    throw new Error(`model file version ${version} is unknown to the page; expected 1 or 2`);
  }
  const hiddenCount = view.getUint32(HIDDEN_COUNT_OFFSET, true);
  const offset = HIDDEN_WIDTHS_OFFSET + 4 * hiddenCount + afterWidths;
  return Number(view.getBigUint64(offset, true));
}
