// Small images for the views inside the network: held-out digits as thumbnails, and colour
// scales shared by the confusion matrix and the weight images.

/**
 * Creates a canvas with one backing pixel per network input and draws image `index` of
 * `pixels` (side × side values in [0, 1] per image) on it: 0 as white, 1 (ink) as black,
 * as the drawing pad shows digits. CSS scales the canvas up.
 */
export function createThumbnail(pixels, index, side, label) {
  const canvas = document.createElement('canvas');
  canvas.width = side;
  canvas.height = side;
  canvas.className = 'thumbnail';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const context = canvas.getContext('2d');
  const image = context.createImageData(side, side);
  const start = index * side * side;
  for (let i = 0; i < side * side; i += 1) {
    const gray = Math.round(255 * (1 - pixels[start + i]));
    image.data[4 * i] = gray;
    image.data[4 * i + 1] = gray;
    image.data[4 * i + 2] = gray;
    image.data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

/** Returns the colour `t` of the way from `from` to `to`, both [r, g, b], as [r, g, b]. */
export function mix(from, to, t) {
  return from.map((channel, index) => Math.round(channel + (to[index] - channel) * t));
}

/** Returns `rgb` as a CSS colour. */
export function cssColor([r, g, b]) {
  return `rgb(${r} ${g} ${b})`;
}

// Relative luminance as WCAG 2 defines it, from sRGB channels 0 to 255.
function luminance(rgb) {
  const [r, g, b] = rgb.map((channel) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * Returns black or white, whichever contrasts more with the background `rgb`. One of the two
 * always reaches at least 4.58 : 1, above the 4.5 : 1 that WCAG AA requires for normal text.
 */
export function textColorOn(rgb) {
  const background = luminance(rgb);
  const withBlack = (background + 0.05) / 0.05;
  const withWhite = 1.05 / (background + 0.05);
  return withBlack >= withWhite ? '#000000' : '#ffffff';
}
