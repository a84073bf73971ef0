// Architecture editor: the list of hidden-layer widths in the settings form (add a layer,
// remove one, a width each), and the marks that show which settings changed since the
// current model was built and so wait for a Reset.

// Hidden layers the user can make with Add and Remove. The Trainer accepts up to 8, and a
// config from a link or a model file with 0 or more than 4 layers is shown as it is.
export const MIN_EDITOR_LAYERS = 1;
export const MAX_EDITOR_LAYERS = 4;
// Width of a layer added after the last one when there is none to copy.
const NEW_LAYER_WIDTH = 64;

/** Returns the width inputs of the hidden-layer list in `form`, in layer order. */
export function layerInputs(form) {
  return [...form.querySelectorAll('#hidden-list input[name="hidden"]')];
}

/**
 * Wires the hidden-layer list of `form`: the Add layer button and each row's Remove button.
 * `onChange()` is called after a layer is added or removed.
 */
export function createLayerEditor(form, { onChange }) {
  const list = form.querySelector('#hidden-list');
  const addButton = form.querySelector('#add-layer');

  addButton.addEventListener('click', () => {
    const inputs = layerInputs(form);
    const last = inputs.at(-1);
    const width = last && last.value.trim() !== '' ? last.value.trim() : String(NEW_LAYER_WIDTH);
    list.append(createLayerRow(width));
    renumberLayers(form);
    layerInputs(form).at(-1).focus();
    onChange();
  });

  list.addEventListener('click', (event) => {
    const button = event.target.closest('button.remove-layer');
    if (!button || button.disabled) {
      return;
    }
    const row = button.closest('li');
    // Focus moves to the row that takes the removed one's place, or to the row before, so
    // a keyboard user stays in the list.
    const next = row.nextElementSibling ?? row.previousElementSibling;
    row.remove();
    renumberLayers(form);
    if (next) {
      const nextButton = next.querySelector('button.remove-layer');
      (nextButton.disabled ? next.querySelector('input') : nextButton).focus();
    } else {
      addButton.focus();
    }
    onChange();
  });

  renumberLayers(form);
}

/** Replaces the rows of the hidden-layer list in `form` with one per width in `widths`. */
export function setLayerWidths(form, widths) {
  const list = form.querySelector('#hidden-list');
  list.replaceChildren(...widths.map((width) => createLayerRow(String(width))));
  renumberLayers(form);
}

// Builds one row: a labelled width input, its Remove button and a place for its error.
function createLayerRow(width) {
  const row = document.createElement('li');
  row.className = 'layer-row';
  const label = document.createElement('label');
  const input = document.createElement('input');
  input.type = 'number';
  input.name = 'hidden';
  input.min = '1';
  input.step = '1';
  input.inputMode = 'numeric';
  input.value = width;
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'remove-layer';
  remove.textContent = 'Remove';
  const error = document.createElement('p');
  error.className = 'field-error';
  error.hidden = true;
  row.append(label, input, remove, error);
  return row;
}

// Gives every row its number in ids and labels, and enables Add and Remove within the
// editor's limits.
function renumberLayers(form) {
  const rows = [...form.querySelectorAll('#hidden-list > li')];
  rows.forEach((row, index) => {
    const number = index + 1;
    const input = row.querySelector('input');
    const label = row.querySelector('label');
    const remove = row.querySelector('button.remove-layer');
    const error = row.querySelector('.field-error');
    input.id = `hidden-${number}`;
    label.htmlFor = input.id;
    label.textContent = `Layer ${number} width`;
    error.id = `hidden-${number}-error`;
    remove.setAttribute('aria-label', `Remove layer ${number}`);
    remove.disabled = rows.length <= MIN_EDITOR_LAYERS;
  });
  form.querySelector('#add-layer').disabled = rows.length >= MAX_EDITOR_LAYERS;
  form.querySelector('#no-hidden-layers').hidden = rows.length > 0;
}

/**
 * Tracks which settings differ from those of the current model. `snapshot()` returns the
 * form's field texts keyed by config name, and `labelOf(field)` a field's visible label.
 * Changed fields get `data-changed="true"` on their `.field`, `badge` shows while any field
 * changed, and `note` lists them. Returns `{ setBaseline(snapshot), update() }`: the
 * baseline is the snapshot of the settings the current model was built with.
 */
export function createPendingTracker(form, { snapshot, labelOf, badge, note }) {
  let baseline = null;

  function update() {
    const current = snapshot();
    const changed = baseline === null ? [] : Object.keys(current).filter((field) => current[field] !== baseline[field]);
    for (const field of Object.keys(current)) {
      const container = fieldContainer(form, field);
      if (container) {
        container.dataset.changed = String(changed.includes(field));
      }
    }
    badge.hidden = changed.length === 0;
    note.hidden = changed.length === 0;
    note.textContent =
      changed.length === 0
        ? ''
        : `Changed since the current model was built: ${changed.map(labelOf).join(', ')}. ` +
          'These changes take effect when you press Apply and reset.';
  }

  form.addEventListener('input', update);
  form.addEventListener('change', update);

  return {
    setBaseline(value) {
      baseline = value;
      update();
    },
    update,
  };
}

// Returns the element that wraps field `field`'s control and label.
function fieldContainer(form, field) {
  if (field === 'hidden') {
    return form.querySelector('#hidden-layers');
  }
  return form.elements[field]?.closest('.field') ?? null;
}
