// The user's own IDX files: recognising each file by its header, pairing images with labels,
// guessing which split and which class names they are for, and decoding a whole file with
// progress. No DOM access, so the page and the worker both import it.
//
// An IDX file starts with two zero bytes, an element-type byte (0x08 = unsigned byte) and a
// byte with the number of dimensions, then one big-endian u32 size per dimension. Images are
// 0x00000803 (count, rows, cols) and labels 0x00000801 (count). Files may be gzip-compressed,
// which their first two bytes (1f 8b) show.

export const IMAGES_MAGIC = 0x00000803;
export const LABELS_MAGIC = 0x00000801;
const GZIP_MAGIC = [0x1f, 0x8b];
// Largest file accepted after decompression, in bytes, the same limit as the Trainer's IDX
// decoder: the full MNIST training images (47 MB) fit with room.
export const MAX_DECODED_BYTES = 128 * 1024 * 1024;
// Longest IDX header read: the magic number and three sizes.
const MAX_HEADER_BYTES = 16;
// Mean pixel value (0 to 1) above which images are guessed to be Fashion-MNIST. Over whole
// training sets the mean is about 0.13 for MNIST digits and about 0.29 for Fashion-MNIST,
// whose garments cover far more of the image.
const FASHION_MEAN_INK = 0.2;
// Images whose pixels are averaged for that guess.
const INK_SAMPLE_IMAGES = 2000;

const integer = new Intl.NumberFormat('en-US');

/** Formats a byte count as "512 B", "1.5 kB" or "47.0 MB" (powers of 1,000). */
export function formatBytes(bytes) {
  if (bytes < 1000) {
    return `${bytes} B`;
  }
  if (bytes < 1_000_000) {
    return `${(bytes / 1000).toFixed(1)} kB`;
  }
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * Reads an IDX header from `bytes` (a Uint8Array of the decoded file's first bytes). Returns
 * `{ kind, count, rows, cols, headerLength, dataLength }` with `kind` 'images' or 'labels',
 * `{ needMore: n }` when the header needs n bytes and fewer are given, or `{ error }` saying
 * what is wrong, worded to follow a file name.
 */
export function parseIdxHeader(bytes) {
  if (bytes.length < 4) {
    return { needMore: 4 };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== IMAGES_MAGIC && magic !== LABELS_MAGIC) {
    const start = [...bytes.subarray(0, 4)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
    if (bytes[0] === 0 && bytes[1] === 0) {
      return {
        error:
          `is an IDX file of element type 0x${bytes[2].toString(16).padStart(2, '0')} with ${bytes[3]} dimensions, ` +
          'but only unsigned-byte images (0x00000803) and labels (0x00000801) can be used',
      };
    }
    return { error: `is not an IDX file: it starts with the bytes ${start} instead of 00 00 08 03 or 00 00 08 01` };
  }

  const dimensions = bytes[3];
  const headerLength = 4 + 4 * dimensions;
  if (bytes.length < headerLength) {
    return { needMore: headerLength };
  }
  const sizes = [];
  for (let offset = 4; offset < headerLength; offset += 4) {
    sizes.push(view.getUint32(offset));
  }
  const dataLength = sizes.reduce((product, size) => product * size, 1);
  if (dataLength > MAX_DECODED_BYTES) {
    return {
      error: `declares ${integer.format(dataLength)} bytes of data (${sizes.join(' × ')}), more than the ${formatBytes(MAX_DECODED_BYTES)} the page accepts`,
    };
  }
  if (magic === IMAGES_MAGIC) {
    const [count, rows, cols] = sizes;
    return { kind: 'images', count, rows, cols, headerLength, dataLength };
  }
  return { kind: 'labels', count: sizes[0], headerLength, dataLength };
}

/** Resolves to true when `file` (a Blob) starts with the gzip magic number. */
export async function isGzip(file) {
  const start = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  return start.length === 2 && start[0] === GZIP_MAGIC[0] && start[1] === GZIP_MAGIC[1];
}

// Returns the decoded bytes of `file` as a stream: gunzipped if it is gzip-compressed.
function decodedStream(file, gzip) {
  const stream = file.stream();
  return gzip ? stream.pipeThrough(new DecompressionStream('gzip')) : stream;
}

/**
 * Reads the IDX header of `file` (a File), decompressing only its first bytes. Resolves to
 * `{ file, name, size, gzip, kind, count, rows, cols, dataLength }`, or to `{ file, name,
 * error }` with a message that names the file and what to do.
 */
export async function inspectFile(file) {
  const name = file.name;
  let gzip;
  let header;
  try {
    gzip = await isGzip(file);
    header = await readHeader(decodedStream(file, gzip));
  } catch (error) {
    return { file, name, error: describeReadError(name, gzip, error) };
  }
  if (header.error) {
    return { file, name, error: `${name} ${header.error}. Choose MNIST-style IDX files such as train-images-idx3-ubyte.gz.` };
  }
  if (header.needMore) {
    return {
      file,
      name,
      error: `${name} is too short for an IDX file: its header needs ${header.needMore} bytes. Choose the complete file.`,
    };
  }
  return { file, name, size: file.size, gzip, ...header };
}

// Reads a stream until an IDX header is complete, then cancels it. Resolves to the result of
// parseIdxHeader on the bytes read.
async function readHeader(stream) {
  const reader = stream.getReader();
  let bytes = new Uint8Array(0);
  try {
    for (;;) {
      const header = parseIdxHeader(bytes);
      if (!header.needMore || bytes.length >= MAX_HEADER_BYTES) {
        return header;
      }
      const { done, value } = await reader.read();
      if (done) {
        return header;
      }
      const joined = new Uint8Array(bytes.length + value.length);
      joined.set(bytes);
      joined.set(value, bytes.length);
      bytes = joined;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

// Words a failure to read or gunzip `name` for the user.
function describeReadError(name, gzip, error) {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
  if (gzip) {
    return `${name} could not be decompressed: ${reason}. The gzip data is damaged; download the file again.`;
  }
  return `${name} could not be read: ${reason}. Choose the file again.`;
}

/**
 * Decodes all of `file` (a File holding an IDX file, raw or gzip-compressed) into a
 * Uint8Array of the raw IDX bytes. `onProgress(decoded, total)` is called with decoded
 * bytes as they arrive, at most every `progressIntervalMs`, and once at the end. Rejects
 * with an Error naming the file when the file is not a complete IDX file of the size its
 * header declares.
 */
export async function decodeIdxFile(file, onProgress, { progressIntervalMs = 50 } = {}) {
  const name = file.name;
  let gzip = false;
  let output = null;
  let total = 0;
  let dataLength = 0;
  let decoded = 0;
  let head = new Uint8Array(0);
  let lastReport = -Infinity;

  try {
    gzip = await isGzip(file);
    const reader = decodedStream(file, gzip).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      if (output === null) {
        // Collect bytes until the header gives the file's full decoded size.
        const joined = new Uint8Array(head.length + value.length);
        joined.set(head);
        joined.set(value, head.length);
        head = joined;
        const header = parseIdxHeader(head);
        if (header.needMore) {
          continue;
        }
        if (header.error) {
          reader.cancel().catch(() => {});
          throw new FileError(`${name} ${header.error}. Choose MNIST-style IDX files such as train-images-idx3-ubyte.gz.`);
        }
        dataLength = header.dataLength;
        total = header.headerLength + dataLength;
        output = new Uint8Array(total);
        const first = head.subarray(0, Math.min(head.length, total));
        output.set(first);
        decoded = first.length;
        if (head.length > total) {
          reader.cancel().catch(() => {});
          throw new FileError(longerMessage(name, dataLength));
        }
      } else {
        if (decoded + value.length > total) {
          reader.cancel().catch(() => {});
          throw new FileError(longerMessage(name, dataLength));
        }
        output.set(value, decoded);
        decoded += value.length;
      }
      const now = performance.now();
      if (now - lastReport >= progressIntervalMs) {
        lastReport = now;
        onProgress(decoded, total);
      }
    }
  } catch (error) {
    if (error instanceof FileError) {
      throw error;
    }
    throw new FileError(describeReadError(name, gzip, error));
  }

  if (output === null) {
    throw new FileError(`${name} is too short for an IDX file (${integer.format(head.length)} bytes). Choose the complete file.`);
  }
  if (decoded < total) {
    throw new FileError(
      `${name} is truncated: its header declares ${integer.format(total)} bytes but it decodes to ` +
        `${integer.format(decoded)}. Download the file again.`,
    );
  }
  onProgress(decoded, total);
  return output;
}

function longerMessage(name, dataLength) {
  return (
    `${name} is longer than its header declares (${integer.format(dataLength)} bytes of data). ` +
    'It may be two files joined; choose the original file.'
  );
}

/** An error whose message is already worded for the user, naming the file. */
export class FileError extends Error {}

/**
 * Returns the mean pixel value, from 0 to 1, of the first images in `idx` (the raw bytes of
 * an images file, header included).
 */
export function meanInk(idx) {
  const header = parseIdxHeader(idx);
  const pixelsPerImage = header.rows * header.cols;
  const end = header.headerLength + Math.min(header.count, INK_SAMPLE_IMAGES) * pixelsPerImage;
  let sum = 0;
  for (let i = header.headerLength; i < end; i += 1) {
    sum += idx[i];
  }
  const pixels = end - header.headerLength;
  return pixels === 0 ? 0 : sum / pixels / 255;
}

/**
 * Guesses the class names of images: 'fashion' when a file name mentions fashion or the
 * images' mean ink `ink` (from meanInk) is that of Fashion-MNIST, 'digits' otherwise.
 * Fashion-MNIST ships under the same file names as MNIST, so the names alone rarely tell.
 */
export function guessClassSet(names, ink) {
  if (names.some((name) => /fashion/i.test(name))) {
    return 'fashion';
  }
  return ink > FASHION_MEAN_INK ? 'fashion' : 'digits';
}

/**
 * Guesses the split a file is for from its name: 'test' for names with "t10k" or "test",
 * 'train' for names with "train", null when the name says neither or both.
 */
export function guessRole(name) {
  const test = /t10k|test/i.test(name);
  const train = /train/i.test(name);
  if (test === train) {
    return null;
  }
  return test ? 'test' : 'train';
}

/**
 * Pairs inspected images files with labels files of the same count. `files` are results of
 * inspectFile without errors. Among several labels files of the same count, one whose role
 * guess matches the images file's is preferred. Returns `{ pairs, unpaired }`. Each pair is
 * `{ images, labels, count, role }`, with `role` 'train', 'test' or null when the names do
 * not tell. `unpaired` are the files left without a partner.
 */
export function pairFiles(files) {
  const labels = files.filter((file) => file.kind === 'labels');
  const pairs = [];
  const unpaired = [];
  for (const images of files.filter((file) => file.kind === 'images')) {
    const candidates = labels.filter((file) => file.count === images.count);
    const role = guessRole(images.name);
    const match = candidates.find((file) => guessRole(file.name) === role) ?? candidates[0];
    if (!match) {
      unpaired.push(images);
      continue;
    }
    labels.splice(labels.indexOf(match), 1);
    const labelsRole = guessRole(match.name);
    pairs.push({ images, labels: match, count: images.count, role: role ?? labelsRole });
  }
  unpaired.push(...labels);
  return { pairs, unpaired };
}

/** Returns the message for a file left without a partner by pairFiles. */
export function describeUnpaired(file) {
  const count = integer.format(file.count);
  if (file.kind === 'images') {
    return (
      `${file.name} has ${count} images but no labels file with ${count} labels was given. ` +
      'Add its labels file too, such as train-labels-idx1-ubyte.gz for train-images-idx3-ubyte.gz.'
    );
  }
  return (
    `${file.name} has ${count} labels but no images file with ${count} images was given. ` +
    'Add its images file too, such as train-images-idx3-ubyte.gz for train-labels-idx1-ubyte.gz.'
  );
}
