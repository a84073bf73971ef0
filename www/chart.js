// Loss and accuracy curves, drawn with uPlot against the number of epochs trained.
// Training points arrive per slice and held-out points per evaluation. Both series of a
// chart share one x array, with null where a series has no value. For screen readers each
// plot is an image named by a summary of its curves, and the legend entries, which show
// and hide a curve, are switches that the keyboard reaches too.

import uPlot from './vendor/uplot/uPlot.esm.js';

// Plot height in CSS pixels, including the axes but not the legend.
const CHART_HEIGHT = 200;
const TRAINING_COLOR = '#1f5fbf';
const HELD_OUT_COLOR = '#b54708';
const AXIS_COLOR = '#57606a';
const GRID_COLOR = '#e4e8ec';

function axis(label, tickFormat) {
  return {
    label,
    stroke: AXIS_COLOR,
    grid: { stroke: GRID_COLOR, width: 1 },
    ticks: { stroke: GRID_COLOR, width: 1 },
    values: tickFormat ? (_, ticks) => ticks.map(tickFormat) : undefined,
  };
}

// Accuracy axis: from the lowest multiple of 10 below the data up to 100 %.
function accuracyRange(_, min) {
  const low = Number.isFinite(min) ? Math.max(0, Math.floor(min / 10) * 10) : 0;
  return [Math.min(low, 90), 100];
}

// Loss axis: from 0 to a little above the highest loss seen.
function lossRange(_, __, max) {
  return [0, Number.isFinite(max) && max > 0 ? max * 1.05 : 1];
}

// Loss tick label in at most about five characters, so a loss in the millions does not run
// into the axis title: 0.25, 12.5, 250, 4.5K, 125K, then 2e6 or 2.5e6.
const compactNumber = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });
function formatLossTick(value) {
  const magnitude = Math.abs(value);
  if (magnitude < 1000) {
    return String(Number(value.toPrecision(3)));
  }
  if (magnitude < 1e6) {
    return compactNumber.format(value);
  }
  return value.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
}

// Index of each curve in a chart's data, after the shared epochs at 0.
const TRAINING = 1;
const HELD_OUT = 2;

class Curves {
  constructor(container, { title, yLabel, yRange, tickFormat, valueFormat }) {
    this.container = container;
    this.options = { title, yLabel, yRange, tickFormat, valueFormat };
    this.data = [[], [], []];
    this.ends = this.emptyEnds();
    this.plot = this.createPlot();
    new ResizeObserver(() => this.plot.setSize({ width: this.width(), height: CHART_HEIGHT })).observe(
      container,
    );
  }

  createPlot() {
    const { yLabel, yRange, tickFormat } = this.options;
    const plot = new uPlot(
      {
        width: this.width(),
        height: CHART_HEIGHT,
        scales: { x: { time: false }, y: { range: yRange } },
        axes: [axis('epoch'), axis(yLabel, tickFormat)],
        series: [
          { label: 'epoch' },
          { label: 'training', stroke: TRAINING_COLOR, width: 1.5, spanGaps: true },
          {
            label: 'held-out',
            stroke: HELD_OUT_COLOR,
            width: 2,
            spanGaps: true,
            points: { show: true, size: 6, fill: HELD_OUT_COLOR },
          },
        ],
        // The legend names the series. Values at the cursor would repeat the statistics above.
        legend: { live: false },
        hooks: { setSeries: [updateLegendSwitches] },
      },
      this.data,
      this.container,
    );
    // Without data uPlot leaves the x scale unset and draws no x axis. Epochs 0 to 1 show
    // an empty axis until the first points arrive.
    plot.setScale('x', { min: 0, max: 1 });
    plot.root.querySelector('.u-wrap').setAttribute('role', 'img');
    makeLegendSwitches(plot);
    this.describe(plot);
    return plot;
  }

  // First and latest point of each curve as { epoch, value }, and its number of points.
  emptyEnds() {
    return {
      [TRAINING]: { first: null, latest: null, count: 0 },
      [HELD_OUT]: { first: null, latest: null, count: 0 },
    };
  }

  // Names the plot with its title and where each curve starts and ends. The name is read
  // on request and not announced, so it can change with every frame.
  describe(plot = this.plot) {
    const { title, valueFormat } = this.options;
    const curve = (index, name) => {
      const { first, latest, count } = this.ends[index];
      if (count === 0) {
        return `${name}: no points yet.`;
      }
      const at = (point) => `${valueFormat(point.value)} at epoch ${point.epoch.toFixed(2)}`;
      return count === 1 ? `${name}: ${at(latest)}.` : `${name}: from ${at(first)} to ${at(latest)}.`;
    };
    plot.root
      .querySelector('.u-wrap')
      .setAttribute('aria-label', `${title} by epoch. ${curve(TRAINING, 'Training')} ${curve(HELD_OUT, 'Held-out')}`);
  }

  width() {
    return Math.max(200, Math.floor(this.container.clientWidth));
  }

  push(epoch, training, heldOut) {
    this.data[0].push(epoch);
    this.data[TRAINING].push(training);
    this.data[HELD_OUT].push(heldOut);
    for (const [index, value] of [[TRAINING, training], [HELD_OUT, heldOut]]) {
      if (value !== null) {
        const ends = this.ends[index];
        ends.latest = { epoch, value };
        ends.first ??= ends.latest;
        ends.count += 1;
      }
    }
  }

  // Starts a new plot, because uPlot keeps the last x range when given empty data.
  clear() {
    this.data = [[], [], []];
    this.ends = this.emptyEnds();
    this.plot.destroy();
    this.plot = this.createPlot();
  }

  render() {
    this.plot.setData(this.data);
    this.describe();
  }
}

// Turns uPlot's legend entries, which show or hide their curve on a click, into switches
// that Enter and Space work too. The legend table then only lays them out.
function makeLegendSwitches(plot) {
  const legend = plot.root.querySelector('.u-legend');
  if (!legend) {
    return;
  }
  for (const element of [legend, ...legend.querySelectorAll('tbody, tr')]) {
    element.setAttribute('role', 'presentation');
  }
  // uPlot gives no legend row to the x series (index 0) when the legend is not live.
  const rows = legend.querySelectorAll('.u-series');
  rows.forEach((row, position) => {
    const index = position + 1;
    const entry = row.querySelector('th');
    entry.setAttribute('role', 'switch');
    entry.tabIndex = 0;
    entry.dataset.series = String(index);
    entry.setAttribute('aria-label', `${plot.series[index].label} curve`);
    entry.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        plot.setSeries(index, { show: !plot.series[index].show });
      }
    });
  });
  updateLegendSwitches(plot);
}

// Marks each legend switch on while its curve is shown. uPlot calls this after every
// setSeries, a click on the legend included.
function updateLegendSwitches(plot) {
  for (const entry of plot.root.querySelectorAll('.u-legend th[data-series]')) {
    entry.setAttribute('aria-checked', String(plot.series[Number(entry.dataset.series)].show));
  }
}

/**
 * Creates the loss and accuracy charts in the two containers. Added points are drawn on the
 * next animation frame, at most once per frame.
 */
export function createCharts(lossContainer, accuracyContainer) {
  const loss = new Curves(lossContainer, {
    title: 'Cross-entropy loss',
    yLabel: 'cross-entropy loss',
    yRange: lossRange,
    tickFormat: formatLossTick,
    valueFormat: formatLossTick,
  });
  const accuracy = new Curves(accuracyContainer, {
    title: 'Accuracy',
    yLabel: 'accuracy (%)',
    yRange: accuracyRange,
    tickFormat: (value) => value.toFixed(0),
    valueFormat: (value) => `${value.toFixed(1)} %`,
  });
  let frameRequested = false;

  function scheduleRender() {
    if (!frameRequested) {
      frameRequested = true;
      requestAnimationFrame(() => {
        frameRequested = false;
        loss.render();
        accuracy.render();
      });
    }
  }

  return {
    /** Adds the training loss and accuracy (a fraction) of one slice. */
    addProgress({ epoch, loss: lossValue, accuracy: accuracyValue }) {
      loss.push(epoch, lossValue, null);
      accuracy.push(epoch, accuracyValue * 100, null);
      scheduleRender();
    },

    /** Adds the held-out loss and accuracy (a fraction) of one evaluation. */
    addEvaluation({ epoch, loss: lossValue, accuracy: accuracyValue }) {
      loss.push(epoch, null, lossValue);
      accuracy.push(epoch, null, accuracyValue * 100);
      scheduleRender();
    },

    clear() {
      loss.clear();
      accuracy.clear();
      scheduleRender();
    },
  };
}
