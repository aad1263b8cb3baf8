// The storefront home page in a real browser: shopd serves it with the configured shop
// name in the title and a visible heading, its stylesheet loads, nothing is fetched from
// outside the machine, and shopd stops cleanly on SIGTERM. Leaves home.png in
// $SCREENSHOT_DIR (default: screenshots/ beside the binary) for a person to look at.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launchBrowser, remoteRequests } from './support/browser.mjs';
import { Shopd, requiredEnv } from './support/shopd.mjs';

const binary = requiredEnv('SHOPD_BINARY');
const sourceDir = requiredEnv('SHOPD_SOURCE_DIR');
const screenshotDir = process.env.SCREENSHOT_DIR || path.join(path.dirname(binary), 'screenshots');
// A name no template could contain by accident, set through the environment override of [shop] name.
const shopName = `Browser Test Shop ${process.pid}`;

const shopd = new Shopd({ binary, sourceDir, env: { SHOPD_SHOP_NAME: shopName } });
let browser;

before(async () => {
  await shopd.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await shopd.cleanup();
});

async function checkHomePage() {
  const page = await browser.context.newPage();
  const requested = [];
  const statusOf = new Map();
  page.on('request', (request) => requested.push(request.url()));
  page.on('response', (response) => statusOf.set(new URL(response.url()).pathname, response.status()));

  const response = await page.goto(`${shopd.baseUrl}/`, { waitUntil: 'load' });
  assert.equal(response.status(), 200, 'GET / status');

  const title = await page.title();
  assert.ok(title.includes(shopName), `title "${title}" names the shop "${shopName}"`);
  const heading = page.locator('h1, h2').filter({ hasText: shopName }).first();
  await heading.waitFor({ state: 'visible', timeout: 5000 });

  assert.equal(statusOf.get('/static/css/site.css'), 200, '/static/css/site.css status');
  const cssRules = await page.evaluate(() => {
    const sheet = [...document.styleSheets].find((s) => s.href && s.href.endsWith('/static/css/site.css'));
    return sheet ? sheet.cssRules.length : 0;
  });
  assert.ok(cssRules > 0, 'site.css is applied to the page');

  assert.deepEqual(remoteRequests(requested), [], 'requests to hosts other than this machine');

  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, 'home.png'), fullPage: true });
  await page.close();
}

test('home page shows the shop, styled, from this host only', { timeout: 90000 }, async () => {
  try {
    await checkHomePage();
  } catch (error) {
    error.message += `\n${shopd.describe()}`;
    throw error;
  }
  const exit = await shopd.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, `exit after SIGTERM\n${shopd.describe()}`);
});
