/*
 * pcf-start's harness (its index.html, harness.js and lib/ platform libraries, port 8181) without the
 * internet: pcf-start's page loads React and ReactDOM 16.14 from unpkg.com, so this serves the same page
 * with those two URLs pointing at node_modules, and a Content-Security-Policy that lets nothing else
 * leave localhost (the Office CDN icon fonts of the harness's own UI then show as boxes). Same browser-sync
 * set-up as node_modules/pcf-start/bin/pcf-start.js, without its telemetry.
 *   node harness/pcf-start-offline.cjs [codePath] [port]     (npm run start:offline builds first)
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const PCF = path.resolve(__dirname, '..');
const PCF_START = path.dirname(require.resolve('pcf-start/package.json', { paths: [PCF] }));
const REACT_UMD = path.dirname(require.resolve('react/umd/react.development.js', { paths: [PCF] }));
const REACT_DOM_UMD = path.dirname(require.resolve('react-dom/umd/react-dom.development.js', { paths: [PCF] }));

const CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:";

/** pcf-start's index.html with React from node_modules and the CSP. */
function offlineIndexHtml() {
  const html = fs.readFileSync(path.join(PCF_START, 'index.html'), 'utf8');
  const rewritten = html
    .replace('https://unpkg.com/react@16.14.0/umd/react.development.js', '/offline/react/react.development.js')
    .replace('https://unpkg.com/react-dom@16.14.0/umd/react-dom.development.js', '/offline/react-dom/react-dom.development.js')
    .replace('<head>', `<head><meta http-equiv="Content-Security-Policy" content="${CSP}">`);
  if (/https?:\/\/unpkg\.com/.test(rewritten))
    throw new Error('pcf-start index.html still names unpkg.com: its React version changed, update pcf-start-offline.cjs');
  return rewritten;
}

/** Starts browser-sync; resolves to { url, close() }. */
function startPcfStartOffline({ codePath = path.join(PCF, 'out', 'controls', 'PartnerCenterSection'), port = 8181, watch = true } = {}) {
  const bs = require('browser-sync').create('pcf-start-offline');
  const html = offlineIndexHtml();
  return new Promise((resolve, reject) => {
    bs.init(
      {
        online: false,
        open: false,
        notify: false,
        ui: false,
        logLevel: 'silent',
        port,
        reloadDelay: 1000,
        watch,
        server: {
          baseDir: path.resolve(codePath),
          routes: { '/offline/react': REACT_UMD, '/offline/react-dom': REACT_DOM_UMD, '/': PCF_START },
        },
        middleware: [
          (request, response, next) => {
            const url = (request.url || '/').split('?')[0];
            if (url !== '/' && url !== '/index.html') return next();
            response.setHeader('content-type', 'text/html; charset=utf-8');
            response.setHeader('content-security-policy', CSP);
            response.end(html);
          },
        ],
      },
      (error, instance) => {
        if (error) return reject(error);
        const actual = instance.getOption('port');
        resolve({ url: `http://localhost:${actual}`, close: () => bs.exit() });
      },
    );
  });
}

module.exports = { startPcfStartOffline, offlineIndexHtml };

if (require.main === module) {
  const codePath = process.argv[2] || path.join(PCF, 'out', 'controls', 'PartnerCenterSection');
  if (!fs.existsSync(path.join(codePath, 'ControlManifest.xml'))) {
    console.error(`${codePath} has no built control: run \`npm run build\` in pcf/ first`);
    process.exit(1);
  }
  startPcfStartOffline({ codePath, port: Number(process.argv[3] || 8181) }).then(({ url }) =>
    console.log(`pcf-start harness (offline): ${url}`),
  );
}
