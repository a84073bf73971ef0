// Static file server for the page tests and for trying the page by hand. It serves one
// directory (the repository root by default) on 127.0.0.1, with the MIME types that module
// scripts and WebAssembly streaming compilation require. `/` redirects to the page at
// `/www/`, and paths with a segment starting with a dot (`/.git/`) are not served.
//
//   node tests/e2e/server.mjs [--port 8000] [--root DIR]
//
// prints the page URL and serves until stopped. Port 0 (the default) picks a free port.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const REPOSITORY_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

const MIME_TYPES = {
  '.css': 'text/css; charset=utf-8',
  '.gz': 'application/gzip',
  '.html': 'text/html; charset=utf-8',
  '.ico': 'image/x-icon',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};
const DEFAULT_MIME_TYPE = 'application/octet-stream';
/** Path of the page under the served root. */
export const PAGE_PATH = '/www/';

/**
 * Starts serving `root` on `host`:`port` and resolves to { url, close }, where `url` is the
 * server's origin with a trailing slash and `close()` resolves once the server has stopped.
 */
export async function startServer({ root = REPOSITORY_ROOT, host = '127.0.0.1', port = 0 } = {}) {
  const base = resolve(root);
  const server = createServer((request, response) => {
    serveFile(base, request, response).catch((error) => {
      console.error(`server: ${request.method} ${request.url} failed: ${error.message}`);
      if (!response.headersSent) {
        sendText(response, 500, 'Internal server error\n');
      } else {
        response.destroy();
      }
    });
  });

  // Rejects with the listen error, such as EADDRINUSE for a port in use.
  await new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, resolveListen);
  });

  const address = server.address();
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

async function serveFile(base, request, response) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    sendText(response, 405, 'Method not allowed\n');
    return;
  }

  const { pathname } = new URL(request.url, 'http://localhost');
  // The page is in www/, and the repository root has no index.html.
  if (pathname === '/') {
    response.writeHead(302, { Location: PAGE_PATH });
    response.end();
    return;
  }

  let relativePath;
  try {
    relativePath = decodeURIComponent(pathname);
  } catch {
    sendText(response, 400, 'Bad request: invalid percent-encoding in the path\n');
    return;
  }
  // Dot directories and files (.git, .cargo, .github) are repository internals, not site files.
  if (relativePath.split('/').some((segment) => segment.startsWith('.'))) {
    sendText(response, 404, `Not found: ${pathname}\n`);
    return;
  }

  // Reject any path that resolves outside the served directory.
  let path = resolve(join(base, relativePath));
  if (path !== base && !path.startsWith(base + sep)) {
    sendText(response, 403, 'Forbidden\n');
    return;
  }

  let info = await statOrNull(path);
  if (info?.isDirectory()) {
    // A directory URL needs a trailing slash so relative links in its index.html resolve.
    if (!pathname.endsWith('/')) {
      response.writeHead(301, { Location: `${pathname}/` });
      response.end();
      return;
    }
    path = join(path, 'index.html');
    info = await statOrNull(path);
  }
  if (!info?.isFile()) {
    sendText(response, 404, `Not found: ${pathname}\n`);
    return;
  }

  response.writeHead(200, {
    'Content-Type': MIME_TYPES[extname(path).toLowerCase()] ?? DEFAULT_MIME_TYPE,
    'Content-Length': info.size,
    // Always send the files as they are on disk, so a rebuilt pkg/ is picked up on reload.
    'Cache-Control': 'no-store',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(path);
  stream.on('error', (error) => {
    console.error(`server: reading ${path} failed: ${error.message}`);
    response.destroy(error);
  });
  stream.pipe(response);
}

async function statOrNull(path) {
  try {
    return await stat(path);
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') {
      return null;
    }
    throw error;
  }
}

function sendText(response, status, text) {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}

// Command line: serve until interrupted.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      root: { type: 'string', default: REPOSITORY_ROOT },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid --port "${values.port}": expected a whole number from 0 to 65535.`);
    process.exit(2);
  }
  let server;
  try {
    server = await startServer({ root: values.root, port });
  } catch (error) {
    if (error.code === 'EADDRINUSE') {
      console.error(
        `Port ${port} on 127.0.0.1 is already in use. Stop what uses it or choose another port, ` +
          `such as --port ${port + 1} (bash scripts/serve.sh ${port + 1}).`,
      );
    } else if (error.code === 'EACCES') {
      console.error(`Not allowed to listen on port ${port}. Pass a port from 1024 to 65535, such as --port 8000.`);
    } else {
      console.error(`Failed to start the server on 127.0.0.1:${port}: ${error.message}`);
    }
    process.exit(1);
  }
  console.log(`${server.url.replace(/\/$/, '')}${PAGE_PATH}`);
}
