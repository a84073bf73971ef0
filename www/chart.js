// Loss and accuracy curves, drawn with uPlot against the number of epochs trained.
// Training points arrive per slice and held-out points per evaluation. Both series of a
// chart share one x array, with null where a series has no value.

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

class Curves {
  constructor(container, { yLabel, yRange, tickFormat }) {
    this.container = container;
    this.options = { yLabel, yRange, tickFormat };
    this.data = [[], [], []];
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
      },
      this.data,
      this.container,
    );
    // Without data uPlot leaves the x scale unset and draws no x axis. Epochs 0 to 1 show
    // an empty axis until the first points arrive.
    plot.setScale('x', { min: 0, max: 1 });
    return plot;
  }

  width() {
    return Math.max(200, Math.floor(this.container.clientWidth));
  }

  push(epoch, training, heldOut) {
    this.data[0].push(epoch);
    this.data[1].push(training);
    this.data[2].push(heldOut);
  }

  // Starts a new plot, because uPlot keeps the last x range when given empty data.
  clear() {
    this.data = [[], [], []];
    this.plot.destroy();
    this.plot = this.createPlot();
  }

  render() {
    this.plot.setData(this.data);
  }
}

/**
 * Creates the loss and accuracy charts in the two containers. Added points are drawn on the
 * next animation frame, at most once per frame.
 */
export function createCharts(lossContainer, accuracyContainer) {
  const loss = new Curves(lossContainer, {
    yLabel: 'cross-entropy loss',
    yRange: lossRange,
    tickFormat: formatLossTick,
  });
  const accuracy = new Curves(accuracyContainer, {
    yLabel: 'accuracy (%)',
    yRange: accuracyRange,
    tickFormat: (value) => value.toFixed(0),
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
