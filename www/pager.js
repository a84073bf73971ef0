// Previous and Next buttons of the paged views (mistakes, first-layer weights).

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
