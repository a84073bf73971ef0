// Headless Chromium as every page test, benchmark and measuring script starts it: the same
// binary, the same flags, and a fresh profile removed on close.

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// No sandbox because the tests run as root. The other flags keep Chromium from contacting
// any host but the test server.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Starts Chromium with a persistent context in a new temporary profile. `extraArgs` are
 * added to CHROMIUM_ARGS; `options` go to launchPersistentContext (viewport, for one).
 * The returned context's close() also deletes the profile.
 */
export async function launchChromium({ extraArgs = [], profilePrefix = 'lazynet-', ...options } = {}) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; install it or set CHROMIUM_PATH`);
  }
  const profile = await mkdtemp(join(tmpdir(), profilePrefix));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      ...options,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  const close = context.close.bind(context);
  context.close = async () => {
    await close();
    await rm(profile, { recursive: true, force: true });
  };
  return context;
}

/**
 * Records what a page test must check at the end: requests to any origin but `origin`,
 * console errors and uncaught errors, from the pages and their workers.
 */
export function watchContext(context, origin) {
  const record = { paths: [], foreignRequests: [], consoleErrors: [], pageErrors: [] };
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === origin) {
      record.paths.push(url.pathname);
    } else {
      record.foreignRequests.push(request.url());
    }
  });
  context.on('console', (message) => {
    if (message.type() === 'error') {
      record.consoleErrors.push(`${message.text()} (${message.location().url})`);
    }
  });
  context.on('weberror', (error) => record.pageErrors.push(error.error().message));
  return record;
}
