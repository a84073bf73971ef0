// Drawing pad: one pointer at a time (mouse, touch or pen) draws round-capped strokes in dark
// ink on white. Strokes are kept in pad-relative coordinates so a resize redraws them sharply.

// Stroke width as a fraction of the pad width. The Trainer's preprocessing brings drawn
// strokes into MNIST's range of widths, but a wide pen still closes the loops of a small 8.
// examples/drawn_digits.rs renders held-out digits as pad drawings from a quarter of the pad
// to all of it; of pens from 1/12 to 1/28 of the pad, 1/24 read them best over all sizes.
const STROKE_WIDTH_FRACTION = 1 / 24;
const INK_COLOR = '#15191e';
const PAPER_COLOR = '#ffffff';
// The backing store is at most this many device pixels per CSS pixel, to bound the size of
// the image sent to the worker on each frame.
const MAX_PIXEL_RATIO = 2;

// Keys that clear the pad while it has focus. Backspace is the key labelled "delete" on Mac
// keyboards.
const CLEAR_KEYS = new Set(['Escape', 'Delete', 'Backspace']);

/**
 * Turns `canvas` into a drawing pad. `onChange()` is called after every added point, at the
 * end of a stroke and after Clear. The pad's `revision` counts those changes.
 * `onClearedByKey()`, if given, is called after a clearing key has cleared the pad. The
 * canvas needs a tabindex for the clearing keys to reach it.
 */
export function createDrawingPad(canvas, { onChange, onClearedByKey = () => {} }) {
  const context = canvas.getContext('2d', { willReadFrequently: true });
  // Each stroke is a list of { x, y } points, both in units of the pad width.
  let strokes = [];
  let activeStroke = null;
  let activePointerId = null;
  let revision = 0;

  function changed() {
    revision += 1;
    canvas.dataset.revision = String(revision);
    onChange();
  }

  // Drawing

  function lineWidth() {
    return canvas.width * STROKE_WIDTH_FRACTION;
  }

  function toPixels(point) {
    return { x: point.x * canvas.width, y: point.y * canvas.width };
  }

  function paintPaper() {
    context.fillStyle = PAPER_COLOR;
    context.fillRect(0, 0, canvas.width, canvas.height);
  }

  function drawDot(point) {
    const p = toPixels(point);
    context.beginPath();
    context.arc(p.x, p.y, lineWidth() / 2, 0, 2 * Math.PI);
    context.fill();
  }

  // Draws the part of `stroke` that its point at `index` adds. Between points the path is a
  // quadratic curve through the midpoints, with each point as the control point, so corners
  // from sparse pointer events come out rounded.
  function drawSegment(stroke, index) {
    if (index === 0) {
      drawDot(stroke[0]);
      return;
    }
    const current = toPixels(stroke[index]);
    const previous = toPixels(stroke[index - 1]);
    const from = index === 1 ? previous : midpoint(toPixels(stroke[index - 2]), previous);
    const to = midpoint(previous, current);
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.quadraticCurveTo(previous.x, previous.y, to.x, to.y);
    context.stroke();
  }

  // Draws the straight piece from the last midpoint to the point where the stroke ended.
  function drawStrokeEnd(stroke) {
    if (stroke.length < 2) {
      return;
    }
    const last = toPixels(stroke[stroke.length - 1]);
    const from = midpoint(toPixels(stroke[stroke.length - 2]), last);
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(last.x, last.y);
    context.stroke();
  }

  function setInkStyle() {
    context.fillStyle = INK_COLOR;
    context.strokeStyle = INK_COLOR;
    context.lineWidth = lineWidth();
    context.lineCap = 'round';
    context.lineJoin = 'round';
  }

  function redraw() {
    paintPaper();
    setInkStyle();
    for (const stroke of strokes) {
      stroke.forEach((_, index) => drawSegment(stroke, index));
      if (stroke !== activeStroke) {
        drawStrokeEnd(stroke);
      }
    }
  }

  // Sizing: match the backing store to the displayed size, then redraw the kept strokes.

  function resize() {
    const ratio = Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO);
    const size = Math.max(1, Math.round(canvas.getBoundingClientRect().width * ratio));
    if (canvas.width !== size || canvas.height !== size) {
      canvas.width = size;
      canvas.height = size;
      redraw();
    }
  }

  new ResizeObserver(resize).observe(canvas);
  resize();
  redraw();

  // Pointer input

  function pointFromEvent(event) {
    const box = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - box.left) / box.width,
      y: (event.clientY - box.top) / box.width,
    };
  }

  function addPoint(event) {
    activeStroke.push(pointFromEvent(event));
    drawSegment(activeStroke, activeStroke.length - 1);
  }

  canvas.addEventListener('pointerdown', (event) => {
    // Ignore a second finger while one is drawing, and mouse buttons other than the main one.
    if (activePointerId !== null || event.button !== 0) {
      return;
    }
    event.preventDefault();
    // preventDefault() also stops the focus change a press would make, and the clearing keys
    // need the pad focused. focusVisible: false skips the keyboard focus ring in browsers that
    // support the option (Chromium 156 does); others draw the ring.
    canvas.focus({ preventScroll: true, focusVisible: false });
    canvas.setPointerCapture(event.pointerId);
    activePointerId = event.pointerId;
    activeStroke = [];
    strokes.push(activeStroke);
    setInkStyle();
    addPoint(event);
    changed();
  });

  canvas.addEventListener('pointermove', (event) => {
    if (event.pointerId !== activePointerId) {
      return;
    }
    // Coalesced events carry the points the browser merged into this one, which keeps fast
    // pen and finger strokes smooth.
    const events = event.getCoalescedEvents?.() ?? [];
    for (const sample of events.length > 0 ? events : [event]) {
      addPoint(sample);
    }
    changed();
  });

  function endStroke(event) {
    if (event.pointerId !== activePointerId) {
      return;
    }
    drawStrokeEnd(activeStroke);
    activeStroke = null;
    activePointerId = null;
    changed();
  }

  canvas.addEventListener('pointerup', endStroke);
  canvas.addEventListener('pointercancel', endStroke);

  function clear() {
    strokes = [];
    activeStroke = null;
    activePointerId = null;
    redraw();
    changed();
  }

  canvas.addEventListener('keydown', (event) => {
    if (CLEAR_KEYS.has(event.key) && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      clear();
      onClearedByKey();
    }
  });

  return {
    get revision() {
      return revision;
    },

    hasInk() {
      return strokes.length > 0;
    },

    /** Returns the pad's pixels as ImageData, at the backing-store resolution. */
    imageData() {
      return context.getImageData(0, 0, canvas.width, canvas.height);
    },

    clear,
  };
}

function midpoint(a, b) {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}
