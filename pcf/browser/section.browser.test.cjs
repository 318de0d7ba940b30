/*
 * Browser test: the built bundle.js in Debian's chromium (playwright-core, no browser download), on the
 * offline harness page (React/ReactDOM 16.14 UMD and the Fluent v9 platform library from node_modules,
 * a fake PCF context). For 1033 and 1028: render the sample opportunity, click the sync switch and a help
 * choice and check what the form gets back, keyboard, untrusted text, screenshots (wide and narrow) and
 * an axe-core scan with no serious or critical violation. Run: `npm run test:browser` (builds first).
 * Chromium: CHROMIUM_PATH (npm test finds one on the PATH), else /usr/bin/chromium (scripts/install-chromium.sh installs it).
 */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startHarnessServer, CONTROL_OUT } = require('../harness/server.cjs');

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'pcf');
const EXECUTABLE = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WIDE = { width: 1280, height: 1000 };
const NARROW = { width: 390, height: 1400 };

const TEXT = {
  1033: {
    sync: 'Sync with Partner Center',
    quotes: 'Quotes and licensing',
    poc: 'Proof of concept / demo',
    status: ['Active', 'Accepted'],
    audit: 'Sync history',
    blockers: 'Partner Center will reject this co-sell referral',
    open: 'Open referral 7a3f0c2e-91b4-4d7e-a6c1-5b2e8d4f1a90 in Partner Center',
    fix412: 'Someone changed the referral in Partner Center at the same time',
  },
  1028: {
    sync: '與合作夥伴中心同步',
    quotes: '報價與授權',
    poc: '概念驗證 / 示範',
    status: ['進行中', '已接受'],
    audit: '同步紀錄',
    blockers: '合作夥伴中心將拒絕此共同銷售推薦',
    open: '在合作夥伴中心開啟推薦 7a3f0c2e-91b4-4d7e-a6c1-5b2e8d4f1a90',
    fix412: '有人同時在合作夥伴中心變更了推薦',
  },
};

let server;
let browser;

before(async () => {
  assert.ok(
    fs.existsSync(path.join(CONTROL_OUT, 'bundle.js')),
    `no ${path.join(CONTROL_OUT, 'bundle.js')}: run \`npm run build\` in pcf/ first`,
  );
  assert.ok(
    fs.existsSync(EXECUTABLE),
    `no chromium at ${EXECUTABLE}: install it (sudo bash scripts/install-chromium.sh) or set CHROMIUM_PATH`,
  );
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  server = await startHarnessServer(0);
  browser = await chromium.launch({ executablePath: EXECUTABLE, args: ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A page on the harness that fails on any request leaving the harness origin and records console errors. */
async function open(lang, viewport = WIDE, query = '') {
  const context = await browser.newContext({ viewport, locale: lang === 1028 ? 'zh-TW' : 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  const offOrigin = [];
  const errors = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url)) return route.continue();
    offOrigin.push(url);
    return route.abort();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  await page.goto(`${server.url}/?lang=${lang}${query}`);
  await page.waitForSelector('body[data-ready="true"], body[data-error]');
  assert.equal(await page.getAttribute('body', 'data-error'), null);
  // The Web API answers after a tick: wait for the solutions list.
  await page.getByText('Contoso Copilot Onboarding').waitFor();
  return { page, context, offOrigin, errors };
}

// Callbacks given to page.evaluate run in the page, where globalThis is its window.
const outputs = (page) => page.evaluate(() => globalThis.__harness.outputs);

async function axeScan(page, name) {
  await page.addScriptTag({ url: `${server.url}/lib/axe.js` });
  const result = await page.evaluate(() => globalThis.axe.run(globalThis.document, { resultTypes: ['violations'] }));
  fs.writeFileSync(path.join(ARTIFACTS, `axe-${name}.json`), JSON.stringify(result.violations, null, 2));
  return result.violations;
}

for (const lang of [1033, 1028]) {
  const t = TEXT[lang];

  test(`${lang}: renders the sample opportunity, hands clicks back to the form, passes axe, screenshots`, async () => {
    const { page, context, offOrigin, errors } = await open(lang);
    const section = page.getByTestId('partner-center-section');

    // At a glance: switch off, status badges, link, Microsoft CRM id, help choice, solutions, audit.
    const sync = page.getByRole('switch', { name: t.sync });
    assert.equal(await sync.isChecked(), false);
    const status = page.getByRole('status');
    for (const label of t.status) assert.equal(await status.getByText(label, { exact: true }).count(), 1);
    const link = page.getByRole('link', { name: t.open });
    assert.equal(
      await link.getAttribute('href'),
      'https://partner.microsoft.com/dashboard/referrals/v2/leads/7a3f0c2e-91b4-4d7e-a6c1-5b2e8d4f1a90',
    );
    assert.equal(await page.getByText('7-3KXQ2PZ9L').count(), 1);
    assert.equal(await page.getByRole('checkbox', { name: t.poc }).isChecked(), true);
    const audit = page.getByTestId('audit-list').getByRole('listitem');
    assert.equal(await audit.count(), 5);
    assert.match(await audit.nth(0).innerText(), /Microsoft referral Active\/Accepted/);
    assert.equal(await audit.nth(1).getAttribute('data-level'), 'error');
    assert.match(await audit.nth(1).innerText(), new RegExp(t.fix412));

    // Untrusted text stays text: no element made from it, nothing ran.
    assert.equal(await section.locator('script, img, b').count(), 0);
    assert.equal(await page.evaluate(() => globalThis.__pwned), undefined);
    assert.equal(await page.getByText('<script>window.__pwned = true</script>', { exact: false }).count(), 1);

    // Blockers are only shown with sync on.
    assert.equal(await page.getByTestId('blockers').count(), 0);
    await page.screenshot({ path: path.join(ARTIFACTS, `section-${lang}-wide-before.png`), fullPage: true, animations: 'disabled' });

    // Click the switch: the form gets SyncWithPartnerCenter = true, and the blockers appear.
    await sync.click();
    await page.waitForFunction(() => globalThis.__harness.outputs.length === 1);
    assert.deepEqual(await outputs(page), [{ SyncWithPartnerCenter: true }]);
    assert.equal(await sync.isChecked(), true);
    const blockers = page.getByTestId('blockers');
    await blockers.waitFor();
    assert.match(await blockers.innerText(), new RegExp(t.blockers));
    assert.deepEqual(
      await blockers.locator('[data-blocker]').evaluateAll((items) => items.map((item) => item.getAttribute('data-blocker'))),
      ['Blocker_CountryCode', 'Blocker_Contact'],
    );

    // Tick a help choice: the form gets the whole selection.
    await page.getByRole('checkbox', { name: t.quotes }).click();
    await page.waitForFunction(() => globalThis.__harness.outputs.length === 2);
    assert.deepEqual((await outputs(page))[1], { HowCanMicrosoftHelp: [104370002, 104370003] });
    assert.deepEqual(await page.evaluate(() => globalThis.__harness.values.HowCanMicrosoftHelp), [104370002, 104370003]);

    await page.screenshot({ path: path.join(ARTIFACTS, `section-${lang}-wide.png`), fullPage: true, animations: 'disabled' });
    const violations = await axeScan(page, `${lang}-wide`);
    const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    assert.deepEqual(
      serious.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length})`),
      [],
    );

    // Narrow form (phone): same content, no horizontal scrolling.
    await page.setViewportSize(NARROW);
    await page.waitForTimeout(100);
    const overflow = await page.evaluate(() => {
      const root = globalThis.document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    assert.ok(overflow <= 0, `the narrow form scrolls sideways by ${overflow}px`);
    await page.screenshot({ path: path.join(ARTIFACTS, `section-${lang}-narrow.png`), fullPage: true, animations: 'disabled' });
    const narrowViolations = await axeScan(page, `${lang}-narrow`);
    assert.deepEqual(
      narrowViolations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
      [],
    );

    assert.deepEqual(offOrigin, [], 'nothing may load from the internet');
    assert.deepEqual(errors, [], 'no console errors or warnings (React dev build)');
    await context.close();
  });
}

test('keyboard: Tab reaches the switch, Space toggles it, the help choices are reachable', async () => {
  const { page, context, errors } = await open(1033);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => globalThis.document.activeElement && globalThis.document.activeElement.getAttribute('role'));
  assert.equal(focused, 'switch');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => globalThis.__harness.outputs.length === 1);
  assert.deepEqual(await outputs(page), [{ SyncWithPartnerCenter: true }]);
  const names = [];
  for (let step = 0; step < 12 && names.at(-1) !== 'checkbox:Quotes and licensing'; step += 1) {
    await page.keyboard.press('Tab');
    names.push(
      await page.evaluate(() => {
        const element = globalThis.document.activeElement;
        return element
          ? `${element.getAttribute('role') || (element.tagName === 'INPUT' ? element.type : element.tagName.toLowerCase())}:${element.getAttribute('aria-label') || (element.labels && element.labels[0] ? element.labels[0].textContent : element.textContent || '').trim()}`
          : '';
      }),
    );
  }
  assert.equal(names.at(-1), 'checkbox:Quotes and licensing', names.join(' | '));
  await page.keyboard.press('Space');
  await page.waitForFunction(() => globalThis.__harness.outputs.length === 2);
  assert.deepEqual((await outputs(page))[1], { HowCanMicrosoftHelp: [104370002, 104370003] });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a read-only form: every input disabled, and still no serious axe violation', async () => {
  const { page, context, errors } = await open(1033, WIDE, '&disabled=1');
  assert.equal(await page.getByRole('switch', { name: 'Sync with Partner Center' }).isDisabled(), true);
  for (const box of await page.getByRole('checkbox').all()) assert.equal(await box.isDisabled(), true);
  const violations = await axeScan(page, '1033-disabled');
  assert.deepEqual(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    [],
  );
  await page.screenshot({ path: path.join(ARTIFACTS, 'section-1033-disabled.png'), fullPage: true, animations: 'disabled' });
  assert.deepEqual(errors, []);
  await context.close();
});

test("pcf-start harness, offline: React from node_modules, nothing but the harness UI's icon fonts asks for another host (and CSP blocks those)", async () => {
  const { startPcfStartOffline } = require('../harness/pcf-start-offline.cjs');
  const harness = await startPcfStartOffline({ port: 8191, watch: false });
  const context = await browser.newContext({ viewport: WIDE });
  const page = await context.newPage();
  const external = [];
  const errors = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(harness.url)) return route.continue();
    external.push(url);
    return route.abort();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(harness.url);
    // pcf-start fills every property with a placeholder ("val"); the control still draws its section.
    await page.getByRole('switch').first().waitFor({ timeout: 15000 });
    const section = page.getByTestId('partner-center-section');
    const facts = section.locator('dd');
    assert.deepEqual([await facts.nth(0).innerText(), await facts.nth(2).innerText()], ['val', 'val']);
    assert.equal(
      await facts.nth(1).getByRole('link').getAttribute('href'),
      'https://partner.microsoft.com/dashboard/referrals/v2/leads/val',
    );
    const audit = section.getByTestId('audit-list').getByRole('listitem');
    assert.equal(await audit.count(), 1);
    assert.equal(await audit.getByText('val', { exact: true }).count(), 1);
    assert.deepEqual(
      external.filter((url) => !/^https:\/\/res(-1)?\.cdn\.office\.net\/files\/fabric-cdn-prod_[^/]+\/assets\/fonts\//.test(url)),
      [],
    );
    assert.deepEqual(errors, []);
    await page.screenshot({ path: path.join(ARTIFACTS, 'pcf-start-offline.png'), animations: 'disabled' });
  } finally {
    await context.close();
    await harness.close();
  }
});
