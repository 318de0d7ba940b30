/*
 * The harness page's static server (node:http, no dependency): the page, React/ReactDOM 16.14 UMD
 * from node_modules, the Fluent UI v9 platform library pcf-start ships (node_modules/pcf-start/lib,
 * exposing the `FluentUIReactv940` global the bundle expects), the built control and the fake context.
 * Nothing comes from the internet. `node harness/server.cjs [port]` serves it for a developer
 * (default port 8182); the browser test starts it on a free port.
 */
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const PCF = path.resolve(__dirname, '..');
const CONTROL_OUT = path.join(PCF, 'out', 'controls', 'PartnerCenterSection');

/** URL prefix → folder, or exact URL → file. */
const FILES = {
  '/': path.join(__dirname, 'index.html'),
  '/lib/react.js': require.resolve('react/umd/react.development.js', { paths: [PCF] }),
  '/lib/react-dom.js': require.resolve('react-dom/umd/react-dom.development.js', { paths: [PCF] }),
  '/lib/fluent9.js': path.join(path.dirname(require.resolve('pcf-start/package.json', { paths: [PCF] })), 'lib', 'fluent_9_4_0.js'),
  '/lib/axe.js': require.resolve('axe-core/axe.min.js', { paths: [PCF] }),
};
const FOLDERS = { '/harness/': __dirname, '/control/': CONTROL_OUT };
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.resx': 'application/xml; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function resolve(urlPath) {
  if (Object.prototype.hasOwnProperty.call(FILES, urlPath)) return FILES[urlPath];
  for (const [prefix, folder] of Object.entries(FOLDERS)) {
    if (!urlPath.startsWith(prefix)) continue;
    const file = path.resolve(folder, '.' + path.posix.normalize('/' + urlPath.slice(prefix.length)));
    return file.startsWith(folder + path.sep) ? file : undefined;
  }
  return undefined;
}

/** Starts the server; resolves to { url, close() }. Port 0 picks a free one. */
function startHarnessServer(port = 0) {
  const server = http.createServer((request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const file = resolve(urlPath);
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end(urlPath.startsWith('/control/') ? `not built: ${urlPath} (run npm run build in pcf/)` : `not found: ${urlPath}`);
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolvePromise({ url: `http://127.0.0.1:${address.port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

module.exports = { startHarnessServer, CONTROL_OUT };

if (require.main === module) {
  if (!fs.existsSync(path.join(CONTROL_OUT, 'bundle.js'))) console.warn('pcf/out has no build yet: run `npm run build` in pcf/ first');
  startHarnessServer(Number(process.argv[2] || 8182)).then(({ url }) => {
    console.log(`harness: ${url}/?lang=1033  (also ?lang=1028)`);
  });
}
