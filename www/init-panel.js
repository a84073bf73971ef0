// Initialization panel: for the current architecture and each initializer, the spread of
// every layer's outputs and gradients right after initialization, on a batch of training
// images, so a learner can see activations explode, vanish or stay healthy.

// Display names, in the order the worker sends the results.
const INITIALIZER_NAMES = {
  glorot_uniform: 'Glorot uniform',
  he_uniform: 'He uniform',
  normal: 'Normal N(0, 1)',
  zeros: 'Zeros',
};

// Returns one or two sentences on why `initializer` behaves as it does with `activation`
// ('relu', 'tanh' or 'sigmoid') when the first layer has `inputWidth` inputs.
function explain(initializer, activation, inputWidth) {
  const name = ACTIVATION_NAMES[activation] ?? activation;
  switch (initializer) {
    case 'glorot_uniform':
      return (
        'Weights from U(−l, l) with l = √(6 / (fan_in + fan_out)) keep the spread of the outputs ' +
        'and of the gradients about the same from layer to layer.'
      );
    case 'he_uniform':
      return activation === 'relu'
        ? 'l = √(6 / fan_in) doubles the variance of a square layer’s weights, which makes up for ' +
            'the half of its inputs that ReLU sets to zero.'
        : `l = √(6 / fan_in) is derived for ReLU, which zeroes half of its inputs; ${name} zeroes ` +
            'none, so the spread comes out a little larger than with Glorot.';
    case 'normal': {
      const growth = Math.round(Math.sqrt(inputWidth));
      const effect = activation === 'relu' ? 'outputs blow up' : `most ${name} values saturate`;
      return (
        `Weights of standard deviation 1 multiply the spread by about √fan_in per layer (${growth} ` +
        `for ${inputWidth} inputs), so ${effect} and the softmax is sure of a random answer.`
      );
    }
    case 'zeros':
      return activation === 'sigmoid'
        ? 'Every weight is 0, so every unit of a layer outputs 0.5 and gets the same gradient: ' +
            'training can never make two units of a layer differ, and each layer acts as one unit.'
        : `Every weight is 0, so every hidden output is ${name}(0) = 0 and no gradient reaches ` +
            'any weight: only the output biases learn, and the network can only guess the most ' +
            'common class.';
    default:
      return '';
  }
}

const ACTIVATION_NAMES = { relu: 'ReLU', tanh: 'tanh', sigmoid: 'sigmoid' };

// Cross-entropy of a uniform guess over ten classes, ln 10: the loss a healthy network starts
// near, because its logits are small and about equal.
const EVEN_GUESS_LOSS = Math.log(10);
// A network starting with a loss above this is confidently wrong on many images.
const EXPLODING_LOSS = 2 * EVEN_GUESS_LOSS;
// A layer whose outputs spread this much has logits or activations out of the useful range.
const EXPLODING_STD = 10;
// Below this a layer's outputs are close to equal on every image.
const VANISHING_STD = 1e-3;
// An activation layer is flagged when at least this fraction of its ReLU units is dead (off
// on every image) or of its tanh or sigmoid values is saturated.
const DEAD_FRACTION = 0.5;
// The gradient vanishes when it reaches the first layer this many times smaller than at the
// output, so the first layers barely learn. Four sigmoid layers of 64 units under Glorot
// uniform give a ratio of about 700, while the default ReLU network gives about 6.
const VANISHING_GRADIENT_RATIO = 100;

// Verdicts, from the worst sign found first, with their badge text.
const VERDICTS = {
  identical: 'All units identical',
  explodes: 'Explodes',
  dead: 'Mostly dead units',
  saturated: 'Saturated',
  vanishes: 'Activations vanish',
  gradientVanishes: 'Gradient vanishes',
  healthy: 'Healthy',
};

const SUPERSCRIPTS = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/**
 * Builds the panel in `container` (cards for the four initializers) and `description` (a
 * line naming the architecture). Returns { showLoading(), show(reply, initializerInUse) }.
 */
export function createInitPanel(container, description) {
  function showLoading() {
    container.dataset.state = 'loading';
    container.setAttribute('aria-busy', 'true');
    description.textContent = 'Measuring each initializer on a fresh copy of the current architecture…';
  }

  // Shows an `activationStats` reply from the worker. `initializerInUse` is the config's.
  function show(reply, initializerInUse) {
    container.removeAttribute('aria-busy');
    if (reply.error) {
      container.dataset.state = 'error';
      container.replaceChildren();
      description.textContent = `The statistics could not be measured: ${reply.error}`;
      return;
    }
    container.dataset.state = 'ready';
    const activation = ACTIVATION_NAMES[reply.activation] ?? reply.activation ?? 'ReLU';
    const widths = reply.results[0].layers.filter((layer) => layer.kind === 'dense').length;
    description.textContent =
      `Each card builds a fresh copy of the current architecture (${widths} dense ` +
      `${widths === 1 ? 'layer' : 'layers'}, ${activation} between them) with one initializer ` +
      'and runs a batch of training images through it, forward and back. The model you train ' +
      'is not changed. Bars use a log scale, so each step of the grid is a factor of 10. Dead ' +
      'units pass no gradient back for any image of the batch: ReLU outputs 0, or tanh and ' +
      'sigmoid are saturated.';

    const stdRange = logRange(reply.results.flatMap((result) => result.layers.map((layer) => layer.std)));
    const gradientRange = logRange(
      reply.results.flatMap((result) => result.layers.map((layer) => layer.gradientStd)),
    );
    const cards = reply.results.map((result) =>
      createCard(result, reply.activation ?? 'relu', reply.inputWidth, initializerInUse, stdRange, gradientRange),
    );
    container.replaceChildren(...cards);
  }

  return { showLoading, show };
}

// One card: the initializer's name and verdict, its loss, a row of bars per layer, and why.
function createCard(result, activation, inputWidth, initializerInUse, stdRange, gradientRange) {
  const info = {
    name: INITIALIZER_NAMES[result.initializer] ?? result.initializer,
    explanation: explain(result.initializer, activation, inputWidth),
  };
  const verdict = judge(result, activation);

  const card = document.createElement('article');
  card.className = 'init-card';
  card.dataset.initializer = result.initializer;
  card.dataset.verdict = verdict;
  card.dataset.loss = String(result.loss);
  const headingId = `init-${result.initializer}`;
  card.setAttribute('aria-labelledby', headingId);

  const header = document.createElement('div');
  header.className = 'init-card-header';
  const heading = document.createElement('h3');
  heading.id = headingId;
  heading.textContent = info.name;
  const badge = document.createElement('span');
  badge.className = `verdict verdict-${verdict}`;
  badge.textContent = VERDICTS[verdict];
  header.append(heading, badge);
  if (result.initializer === initializerInUse) {
    const inUse = document.createElement('span');
    inUse.className = 'in-use';
    inUse.textContent = 'in use';
    header.append(inUse);
  }

  const loss = document.createElement('p');
  loss.className = 'init-loss';
  loss.classList.toggle('is-high', !(result.loss <= EXPLODING_LOSS));
  loss.textContent = `Loss at initialization: ${formatNumber(result.loss)} (an even guess gives ln 10 ≈ 2.30)`;

  const explanation = document.createElement('p');
  explanation.className = 'init-explanation';
  explanation.textContent = info.explanation;

  card.append(header, loss, createLayerTable(result.layers, stdRange, gradientRange), explanation);
  return card;
}

// The layers of one initializer: output spread and mean, dead units and gradient spread.
function createLayerTable(layers, stdRange, gradientRange) {
  const wrapper = document.createElement('div');
  wrapper.className = 'table-scroll';
  const table = document.createElement('table');
  table.className = 'init-layers';
  const head = document.createElement('thead');
  const headings = document.createElement('tr');
  headings.append(
    heading('Layer'),
    logHeading('Output std', stdRange),
    heading('Mean'),
    heading(saturates(layers) ? 'Saturated' : 'Dead'),
    logHeading('Gradient std', gradientRange),
  );
  head.append(headings);
  const body = document.createElement('tbody');
  for (const layer of layers) {
    const row = document.createElement('tr');
    row.dataset.layer = layer.name;
    row.dataset.kind = layer.kind;
    row.dataset.std = String(layer.std);
    row.dataset.mean = String(layer.mean);
    row.dataset.dead = layer.dead === null ? '' : String(layer.dead);
    row.dataset.inactive = layer.inactive === null ? '' : String(layer.inactive);
    row.dataset.gradientStd = String(layer.gradientStd);

    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = layer.name;
    const mean = document.createElement('td');
    mean.className = 'number';
    mean.textContent = formatNumber(layer.mean);
    const dead = document.createElement('td');
    dead.className = 'number';
    const share = flaggedShare(layer);
    if (share === null) {
      dead.textContent = '–';
    } else {
      dead.textContent = `${Math.round(share * 100)} %`;
      dead.classList.toggle('is-high', share >= DEAD_FRACTION);
    }
    const std = logBarCell(layer.std, stdRange);
    std.querySelector('.log-fill').classList.toggle('is-high', layer.std > EXPLODING_STD);
    row.append(name, std, mean, dead, logBarCell(layer.gradientStd, gradientRange));
    body.append(row);
  }
  table.append(head, body);
  wrapper.append(table);
  return wrapper;
}

function heading(text) {
  const cell = document.createElement('th');
  cell.scope = 'col';
  cell.textContent = text;
  return cell;
}

// A column heading with the ends of the column's log axis below it, such as 10⁻¹ and 10³.
function logHeading(text, range) {
  const cell = heading(text);
  cell.className = 'log-heading';
  const ends = document.createElement('span');
  ends.className = 'axis-ends';
  const low = document.createElement('span');
  low.textContent = powerOfTen(range.low);
  const high = document.createElement('span');
  high.textContent = powerOfTen(range.high);
  ends.append(low, high);
  cell.append(ends);
  return cell;
}

// A table cell with `value` as text and as a bar on the log scale `range` (powers of 10).
function logBarCell(value, range) {
  const cell = document.createElement('td');
  cell.className = 'log-cell';
  const track = document.createElement('span');
  track.className = 'log-track';
  track.style.setProperty('--decades', String(range.high - range.low));
  const fill = document.createElement('span');
  fill.className = 'log-fill';
  const fraction = value > 0 ? (Math.log10(value) - range.low) / (range.high - range.low) : 0;
  fill.style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
  track.append(fill);
  const text = document.createElement('span');
  text.className = 'log-value';
  text.textContent = formatNumber(value);
  cell.append(track, text);
  return cell;
}

// Returns the decades { low, high } that cover the positive finite `values`, at least two.
function logRange(values) {
  const positive = values.filter((value) => value > 0 && Number.isFinite(value));
  if (positive.length === 0) {
    return { low: -1, high: 1 };
  }
  const low = Math.floor(Math.log10(Math.min(...positive)));
  const high = Math.max(low + 2, Math.ceil(Math.log10(Math.max(...positive))));
  return { low, high };
}

// Returns whether the layers use a saturating activation (tanh or sigmoid) instead of ReLU.
function saturates(layers) {
  return layers.some((layer) => layer.kind === 'tanh' || layer.kind === 'sigmoid');
}

// Returns the share of an activation layer the panel flags: dead units for ReLU, saturated
// values for tanh and sigmoid, whose units saturate on some images and not on others. Null
// for a dense layer.
function flaggedShare(layer) {
  if (layer.dead === null) {
    return null;
  }
  return layer.kind === 'relu' ? layer.dead : layer.inactive;
}

// Names the worst sign in one initializer's statistics, a key of VERDICTS.
function judge(result, activation) {
  // Every layer but the output layer. A network without hidden layers has none, and its
  // output layer may start at 0 and still learn.
  const inner = result.layers.slice(0, -1);
  if (inner.length > 0 && inner.every((layer) => layer.std === 0)) {
    return 'identical';
  }
  const last = result.layers[result.layers.length - 1];
  const flagged = inner.some((layer) => flaggedShare(layer) !== null && flaggedShare(layer) >= DEAD_FRACTION);
  // tanh and sigmoid outputs are bounded, so large weights saturate them rather than make
  // them explode, even though the logits after them grow.
  if (flagged && activation !== 'relu') {
    return 'saturated';
  }
  if (!(result.loss <= EXPLODING_LOSS) || !(last.std <= EXPLODING_STD)) {
    return 'explodes';
  }
  if (flagged) {
    return 'dead';
  }
  if (inner.some((layer) => layer.std < VANISHING_STD)) {
    return 'vanishes';
  }
  if (result.layers[0].gradientStd * VANISHING_GRADIENT_RATIO < last.gradientStd) {
    return 'gradientVanishes';
  }
  return 'healthy';
}

// Formats a statistic in at most about six characters: 0, 0.52, 2.31, 143, 3.1 × 10⁴.
function formatNumber(value) {
  if (value === 0) {
    return '0';
  }
  if (!Number.isFinite(value)) {
    return String(value);
  }
  const magnitude = Math.abs(value);
  if (magnitude >= 0.01 && magnitude < 1000) {
    return String(Number(value.toPrecision(magnitude >= 100 ? 3 : 2)));
  }
  const [mantissa, exponent] = value.toExponential(1).split('e');
  return `${mantissa} × ${powerOfTen(Number(exponent))}`;
}

// Writes 10 to the whole number `exponent` with superscript digits: 10⁻³.
function powerOfTen(exponent) {
  const digits = String(exponent)
    .split('')
    .map((character) => SUPERSCRIPTS[character])
    .join('');
  return `10${digits}`;
}
