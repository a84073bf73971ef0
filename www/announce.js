// Polite announcements for screen readers of events that change no visible status line: a
// cleared pad, a held-out evaluation, a chosen confusion cell or gallery page, files being
// decoded. They go to one visually hidden role="status" element of index.html.

// Delay between emptying the region and writing the text, in milliseconds. Screen readers
// announce a change of the region's text, so emptying it first makes a repeated message,
// such as a second "Pad cleared.", heard again.
const REWRITE_DELAY_MS = 50;

let pending = 0;

/** Announces `text` through the #announcer live region, replacing any message not yet written. */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (!region) {
    return;
  }
  clearTimeout(pending);
  region.textContent = '';
  pending = setTimeout(() => {
    region.textContent = text;
  }, REWRITE_DELAY_MS);
}
