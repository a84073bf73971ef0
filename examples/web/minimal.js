import init, { Trainer } from 'lazynet';

// The bundled MNIST subset of this repository. Point this at wherever your IDX files are.
const DATA_URL = new URL('../../www/data/', import.meta.url);

async function fetchBytes(name) {
  const response = await fetch(new URL(name, DATA_URL));
  if (!response.ok) {
    throw new Error(`Fetching ${response.url} failed: HTTP ${response.status}`);
  }
  return response.arrayBuffer();
}

function show(line) {
  document.getElementById('output').textContent += `\n${line}`;
  console.log(line);
}

// Shows any error of the code below, a failed fetch or an invalid config, in the page too.
window.addEventListener('error', (event) => show(`Failed: ${event.message}`));

// Loads and instantiates lazynet_bg.wasm, found next to lazynet.js.
await init();

// Every config field is optional. Two epochs without the random distortions of the training
// images take about 2 s on a 2-core machine.
const trainer = new Trainer({ epochs: 2, augment: false, seed: 42 });
trainer.loadTrainingData(
  await fetchBytes('train-images.idx3-ubyte.gz'),
  await fetchBytes('train-labels.idx1-ubyte.gz'),
);
trainer.loadTestData(
  await fetchBytes('test-images.idx3-ubyte.gz'),
  await fetchBytes('test-labels.idx1-ubyte.gz'),
);

// Runs the whole two-epoch schedule. This blocks the page for a few seconds, so a real page
// trains in a Web Worker, a few steps per message, as www/worker.js does.
const progress = trainer.trainSteps(trainer.scheduleSteps);
show(`Trained ${progress.step} steps, mean training loss ${progress.loss.toFixed(3)}`);

const { accuracy } = trainer.evaluate();
show(`Held-out accuracy: ${(accuracy * 100).toFixed(1)} %`);

// A 28 × 28 image, one value in [0, 1] per pixel, row by row: a vertical stroke, like a 1.
const SIDE = 28;
const pixels = new Float32Array(SIDE * SIDE);
for (let row = 4; row < 24; row += 1) {
  pixels[row * SIDE + 13] = 1;
  pixels[row * SIDE + 14] = 1;
}
const probabilities = trainer.predict(pixels);
const digit = probabilities.indexOf(Math.max(...probabilities));
show(`The stroke reads as ${digit} with probability ${probabilities[digit].toFixed(2)}`);

// Releases the trainer's WebAssembly memory.
trainer.free();
