// Previous and Next buttons of the paged views (mistakes, first-layer weights).

/**
 * Builds a pager: a group with a Previous and a Next button, whose accessible names end in
 * `items` ("Previous mistakes"). Returns { controls, previous, next }.
 */
export function createPager(items) {
  const controls = document.createElement('div');
  controls.className = 'controls pager';
  const [previous, next] = ['Previous', 'Next'].map((text) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = text;
    button.setAttribute('aria-label', `${text} ${items}`);
    return button;
  });
  controls.append(previous, next);
  return { controls, previous, next };
}

/**
 * Runs `update()`, which enables or disables the buttons `previous` and `next`. If it
 * disables the one that has focus, as Next on reaching the last page, focus moves to the
 * other one, so a keyboard user stays at the pager instead of at the top of the page.
 */
export function keepFocusInPager(previous, next, update) {
  const focused = [previous, next].find((button) => button === document.activeElement);
  update();
  if (focused?.disabled) {
    const other = focused === previous ? next : previous;
    if (!other.disabled) {
      other.focus();
    }
  }
}
