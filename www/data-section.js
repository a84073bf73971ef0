// The Data section. It opens IDX files from the file picker or dropped on the page. When the
// file names do not give a pair's split, the user chooses it. It shows decoding progress per
// file, the data in use, and the choice of class names.

import { announce } from './announce.js';
import { classSet, setClassSet } from './classes.js';
import { describeUnpaired, formatBytes, inspectFile, pairFiles } from './data-files.js';
import { Request } from './protocol.js';

const integer = new Intl.NumberFormat('en-US');
const ROLE_LABELS = { train: 'Training', test: 'Held-out testing' };
const CLASS_SET_LABELS = { digits: 'digits', fashion: 'Fashion-MNIST clothing' };

/**
 * Wires the Data section. `elements` contains its controls (see main.js). `post(message)` sends
 * a request to the worker. `busyReason()` returns why files cannot be loaded now, or null.
 * `onLoadStart()` is called when a load request is sent. Returns handlers for the worker's
 * `dataProgress`, `dataLoaded` and `dataFailed` replies.
 */
export function createDataSection({ elements, post, busyReason, onLoadStart }) {
  // Files without a partner yet, kept so their partner can come in a later pick or drop.
  let waitingFiles = [];
  // Pairs waiting for the user to choose their split.
  let pendingPairs = [];
  // Progress rows by file name.
  const progressRows = new Map();

  elements.picker.addEventListener('change', () => {
    const files = [...elements.picker.files];
    // Clearing the input lets the same files be chosen again after a fix.
    elements.picker.value = '';
    handleFiles(files);
  });
  elements.useBundled.addEventListener('click', () => {
    const reason = busyReason();
    if (reason) {
      showErrors([reason]);
      return;
    }
    hideErrors();
    onLoadStart();
    announce('Loading the bundled digits…');
    post({ type: Request.USE_BUNDLED_DATA });
  });
  elements.roles.addEventListener('submit', (event) => {
    event.preventDefault();
    submitRoles();
  });
  elements.cancelRoles.addEventListener('click', () => {
    pendingPairs = [];
    elements.roles.hidden = true;
    elements.picker.focus();
  });
  for (const radio of elements.classSetRadios) {
    radio.addEventListener('change', () => {
      if (radio.checked) {
        setClassSet(radio.value);
        elements.classSetNote.textContent = `The prediction bars show ${CLASS_SET_LABELS[radio.value]}.`;
      }
    });
  }
  watchDrops(elements.dropOverlay, (files) => {
    elements.details.open = true;
    handleFiles(files);
  });

  // Reads the headers of `files`, pairs them with each other and with files still waiting,
  // and loads the pairs. Pairs whose split the names do not give wait for the user's choice.
  async function handleFiles(files) {
    if (files.length === 0) {
      return;
    }
    const reason = busyReason();
    if (reason) {
      showErrors([reason]);
      return;
    }
    hideErrors();
    elements.roles.hidden = true;
    const inspected = await Promise.all(files.map(inspectFile));
    const errors = inspected.filter((file) => file.error).map((file) => file.error);
    // A file given again replaces the waiting one of the same name.
    const names = new Set(inspected.map((file) => file.name));
    const usable = [...waitingFiles.filter((file) => !names.has(file.name)), ...inspected.filter((file) => !file.error)];

    const { pairs, unpaired } = pairFiles(usable);
    waitingFiles = unpaired;
    errors.push(...unpaired.map(describeUnpaired));
    if (errors.length > 0) {
      showErrors(errors);
    }
    if (pairs.length === 0) {
      return;
    }
    if (pairs.length > 2) {
      showErrors([
        ...errors,
        `${pairs.length} pairs of images and labels were given; give one pair for training and one for held-out testing.`,
      ]);
      return;
    }
    const roles = pairs.map((pair) => pair.role);
    if (roles.every(Boolean) && new Set(roles).size === roles.length) {
      load(pairs);
    } else {
      askRoles(pairs);
    }
  }

  // Shows the question of which split each pair is for, with the guesses preselected.
  function askRoles(pairs) {
    pendingPairs = pairs;
    elements.roleList.replaceChildren(
      ...pairs.map((pair, index) => {
        const fieldset = document.createElement('fieldset');
        fieldset.className = 'role-choice';
        const legend = document.createElement('legend');
        legend.textContent = `${pair.images.name} with ${pair.labels.name} (${integer.format(pair.count)} images)`;
        fieldset.append(legend);
        for (const role of ['train', 'test']) {
          const label = document.createElement('label');
          const radio = document.createElement('input');
          radio.type = 'radio';
          radio.name = `role-${index}`;
          radio.value = role;
          radio.required = true;
          radio.checked = pair.role === role;
          label.append(radio, ` ${ROLE_LABELS[role]}`);
          fieldset.append(label);
        }
        return fieldset;
      }),
    );
    elements.roleError.hidden = true;
    elements.roles.hidden = false;
    const first = elements.roleList.querySelector('input:checked') ?? elements.roleList.querySelector('input');
    first.focus();
  }

  function submitRoles() {
    const roles = pendingPairs.map((_, index) => elements.roles.elements[`role-${index}`].value);
    const missing = roles.findIndex((role) => role === '');
    if (missing >= 0) {
      showRoleError(`Choose whether ${pendingPairs[missing].images.name} is for training or held-out testing.`);
      return;
    }
    if (new Set(roles).size !== roles.length) {
      showRoleError('Both pairs are marked for the same split. Choose one for training and one for held-out testing.');
      return;
    }
    const pairs = pendingPairs.map((pair, index) => ({ ...pair, role: roles[index] }));
    pendingPairs = [];
    elements.roles.hidden = true;
    load(pairs);
  }

  function showRoleError(text) {
    elements.roleError.textContent = text;
    elements.roleError.hidden = false;
  }

  // Sends the pairs to the worker and shows a progress row for each file.
  function load(pairs) {
    const reason = busyReason();
    if (reason) {
      showErrors([reason]);
      return;
    }
    progressRows.clear();
    elements.progress.replaceChildren();
    for (const pair of pairs) {
      for (const file of [pair.images, pair.labels]) {
        addProgressRow(file);
      }
    }
    elements.progress.hidden = false;
    onLoadStart();
    // The progress rows are not a live region, because they change with every chunk
    // decoded. The status line announces the result, or the error region the failure.
    const count = pairs.length * 2;
    announce(`Decoding ${count} ${count === 1 ? 'file' : 'files'}…`);
    post({
      type: Request.LOAD_DATA,
      sets: pairs.map((pair) => ({ role: pair.role, images: pair.images.file, labels: pair.labels.file })),
    });
  }

  function addProgressRow(file) {
    const row = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'progress-name';
    name.textContent = file.name;
    const bar = document.createElement('progress');
    bar.max = file.headerLength + file.dataLength;
    bar.value = 0;
    bar.setAttribute('aria-label', `Decoding ${file.name}`);
    const text = document.createElement('span');
    text.className = 'progress-text';
    text.textContent = 'waiting';
    row.append(name, bar, text);
    elements.progress.append(row);
    progressRows.set(file.name, { row, bar, text });
  }

  function showProgress({ name, done, total }) {
    const row = progressRows.get(name);
    if (!row) {
      return;
    }
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    row.bar.max = total;
    row.bar.value = done;
    row.text.textContent = `${formatBytes(done)} of ${formatBytes(total)} (${percent} %)`;
    row.row.dataset.percent = String(percent);
  }

  function showLoaded({ train, test, classSet: guessed, decodeMs, loadMs, memoryBytes }) {
    hideErrors();
    elements.progress.hidden = true;
    elements.sources.textContent = describeSources(train, test);
    // Measurements for scripts and page tests; the console has them too.
    Object.assign(elements.sources.dataset, {
      decodeMs: String(Math.round(decodeMs)),
      loadMs: String(Math.round(loadMs)),
      memoryBytes: String(memoryBytes),
    });
    elements.summary.textContent = train || test ? 'your files' : 'bundled MNIST digits';
    elements.useBundled.hidden = !train && !test;
    chooseClassSet(guessed, train || test ? 'Guessed from the images; change it if it is wrong.' : '');
  }

  function showFailed({ message, modelKept }) {
    elements.progress.hidden = true;
    const kept = modelKept ? ' The current model and data are kept.' : '';
    showErrors([`${message}${kept}`]);
  }

  function chooseClassSet(key, reason) {
    setClassSet(key);
    for (const radio of elements.classSetRadios) {
      radio.checked = radio.value === key;
    }
    elements.classSetNote.textContent = `The prediction bars show ${CLASS_SET_LABELS[key]}. ${reason}`.trim();
  }

  function showErrors(messages) {
    elements.error.replaceChildren(
      ...messages.map((message) => {
        const item = document.createElement('p');
        item.textContent = message;
        return item;
      }),
    );
    elements.error.hidden = false;
    elements.details.open = true;
    // Files can be dropped anywhere on the page, so the message may be far above the view.
    const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    elements.error.scrollIntoView({ block: 'nearest', behavior: reduceMotion ? 'auto' : 'smooth' });
  }

  function hideErrors() {
    elements.error.replaceChildren();
    elements.error.hidden = true;
  }

  chooseClassSet(classSet(), '');
  return { showProgress, showLoaded, showFailed };
}

// Describes the data in use: "Training: … Held-out: …".
function describeSources(train, test) {
  const describe = (files, bundled) =>
    files ? `${files.imagesName} with ${files.labelsName}, ${integer.format(files.count)} images` : bundled;
  return (
    `Training: ${describe(train, '9,000 bundled MNIST digits')}. ` +
    `Held-out: ${describe(test, '1,000 bundled MNIST digits')}.`
  );
}

// Calls `onFiles(files)` for files dropped anywhere on the page, and shows `overlay` while
// files are dragged over it. Drags of anything but files (text, links) are left alone.
function watchDrops(overlay, onFiles) {
  // dragenter and dragleave fire for every element crossed, so count them.
  let depth = 0;
  const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');

  document.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) {
      return;
    }
    event.preventDefault();
    depth += 1;
    overlay.hidden = false;
  });
  document.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) {
      return;
    }
    // Without this the browser opens a dropped file instead of firing drop.
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('dragleave', (event) => {
    if (!hasFiles(event)) {
      return;
    }
    depth = Math.max(0, depth - 1);
    if (depth === 0) {
      overlay.hidden = true;
    }
  });
  document.addEventListener('drop', (event) => {
    if (!hasFiles(event)) {
      return;
    }
    event.preventDefault();
    depth = 0;
    overlay.hidden = true;
    onFiles([...event.dataTransfer.files]);
  });
}
