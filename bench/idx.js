// Fetches and decodes the bundled MNIST files for the TF.js workers: gunzip with the browser's
// DecompressionStream, then the IDX format (big-endian header, unsigned bytes).

const DATA_DIR = new URL('../www/data/', import.meta.url);

export const DATA_FILES = Object.freeze({
  trainImages: 'train-images.idx3-ubyte.gz',
  trainLabels: 'train-labels.idx1-ubyte.gz',
  testImages: 'test-images.idx3-ubyte.gz',
  testLabels: 'test-labels.idx1-ubyte.gz',
});

// IDX type code of unsigned bytes, the only type MNIST uses.
const IDX_UNSIGNED_BYTE = 0x08;

/** Fetches `name` from www/data/ and resolves to its compressed bytes. */
export async function fetchDataFile(name) {
  const url = new URL(name, DATA_DIR);
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`Failed to load ${url}: HTTP ${response.status} ${response.statusText}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** Gunzips `bytes` and resolves to the raw bytes. */
export async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Decodes raw IDX bytes of unsigned bytes into { dims, data }: `dims` are the sizes from the
 * header (for example [9000, 28, 28]) and `data` the values, row-major.
 */
export function decodeIdx(bytes, name) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || view.getUint16(0) !== 0 || bytes[2] !== IDX_UNSIGNED_BYTE) {
    throw new Error(`${name}: not an IDX file of unsigned bytes`);
  }
  const rank = bytes[3];
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw new Error(`${name}: the header is truncated`);
  }
  const dims = [];
  for (let axis = 0; axis < rank; axis += 1) {
    dims.push(view.getUint32(4 + 4 * axis));
  }
  const count = dims.reduce((product, size) => product * size, 1);
  if (bytes.length !== headerLength + count) {
    throw new Error(`${name}: expected ${count} values after the header, found ${bytes.length - headerLength}`);
  }
  return { dims, data: bytes.subarray(headerLength) };
}

/**
 * Loads one split ('train' or 'test') and resolves to { images, labels, count, width }, with
 * `images` a Float32Array of count × width pixels scaled to [0, 1] as lazynet scales them.
 */
export async function loadSplit(split) {
  const imagesName = DATA_FILES[`${split}Images`];
  const labelsName = DATA_FILES[`${split}Labels`];
  const [imagesGz, labelsGz] = await Promise.all([fetchDataFile(imagesName), fetchDataFile(labelsName)]);
  const images = decodeIdx(await gunzip(imagesGz), imagesName);
  const labels = decodeIdx(await gunzip(labelsGz), labelsName);

  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new Error(`${imagesName} has ${count} images but ${labelsName} has ${labels.dims[0]} labels`);
  }
  const width = rows * cols;
  const pixels = new Float32Array(count * width);
  for (let i = 0; i < pixels.length; i += 1) {
    pixels[i] = images.data[i] / 255;
  }
  return { images: pixels, labels: labels.data, count, width };
}
