// The shopper's browsing journey in a real browser on the dev profile's demo catalog:
// open a category from the header, search with a one-letter typo and get the corrected
// results, open a product and pick another variant. Leaves category.png, search.png and
// product.png in $SCREENSHOT_DIR (default: screenshots/ beside the binary).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launchBrowser, remoteRequests } from './support/browser.mjs';
import { Shopd, requiredEnv } from './support/shopd.mjs';

const binary = requiredEnv('SHOPD_BINARY');
const sourceDir = requiredEnv('SHOPD_SOURCE_DIR');
const screenshotDir = process.env.SCREENSHOT_DIR || path.join(path.dirname(binary), 'screenshots');

const shopd = new Shopd({ binary, sourceDir });
let browser;

before(async () => {
  await shopd.start({ timeoutMs: 120000 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await shopd.cleanup();
});

// A word of a published product's name with one letter changed ("stories" → "storaes").
function withTypo(word) {
  const at = Math.floor(word.length / 2);
  const replacement = word[at] === 'a' ? 'e' : 'a';
  return word.slice(0, at) + replacement + word.slice(at + 1);
}

async function waitForIndexed(word) {
  // The index is built in the background at first start; search answers 503 until then.
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const response = await fetch(`${shopd.baseUrl}/api/v1/search?q=${encodeURIComponent(word)}`);
    if (response.status === 200 && (await response.json()).total > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the search index never found "${word}"`);
}

async function browseJourney() {
  const listing = await (await fetch(`${shopd.baseUrl}/api/v1/products?limit=1&sort=name`)).json();
  assert.ok(listing.items.length === 1, 'the demo catalog is empty');
  const word = listing.items[0].name.split(' ').filter((w) => w.length >= 6).pop()
    ?? listing.items[0].name.split(' ').pop();
  await waitForIndexed(word.toLowerCase());

  const page = await browser.context.newPage();
  const requested = [];
  page.on('request', (request) => requested.push(request.url()));
  await mkdir(screenshotDir, { recursive: true });

  // A category from the header navigation.
  await page.goto(`${shopd.baseUrl}/`);
  const categoryLink = page.locator('.main-nav a[href^="/c/"]').first();
  const categoryName = (await categoryLink.textContent()).trim();
  await Promise.all([page.waitForURL('**/c/**'), categoryLink.click()]);
  await page.getByRole('heading', { level: 1, name: categoryName }).waitFor();
  assert.ok(await page.locator('.product-card').count() > 0, 'the category page lists no products');
  await page.screenshot({ path: path.join(screenshotDir, 'category.png'), fullPage: true });

  // Search with a typo from the header box: the correction is shown with its results.
  const typo = withTypo(word.toLowerCase());
  await page.locator('#header-q').fill(typo);
  await Promise.all([page.waitForURL('**/search?**'), page.locator('#header-q').press('Enter')]);
  await page.locator('.did-you-mean').waitFor();
  assert.match(await page.locator('.did-you-mean').textContent(), new RegExp(word.toLowerCase(), 'i'));
  const hits = page.locator('.search-results .product-card');
  assert.ok(await hits.count() > 0, `no results for the corrected query of "${typo}"`);
  await page.screenshot({ path: path.join(screenshotDir, 'search.png'), fullPage: true });

  // A product page, then another variant from the picker.
  const firstName = (await hits.first().locator('.product-name').textContent()).trim();
  await Promise.all([page.waitForURL('**/p/**'), hits.first().locator('a').first().click()]);
  await page.getByRole('heading', { level: 1, name: firstName }).waitFor();
  await page.locator('#price').waitFor();
  const variants = page.locator('.variant-picker a');
  if (await variants.count() > 1) {
    const second = variants.nth(1);
    const href = await second.getAttribute('href');
    await Promise.all([page.waitForURL((url) => url.search.includes('sku=')), second.click()]);
    assert.equal(new URL(page.url()).search, new URL(href, shopd.baseUrl).search);
    assert.equal(await page.locator('.variant-picker a[aria-current="true"]').getAttribute('href'), href);
  }
  await page.locator('.availability').waitFor();
  await page.screenshot({ path: path.join(screenshotDir, 'product.png'), fullPage: true });

  assert.deepEqual(remoteRequests(requested), [], 'requests to hosts other than this machine');
  await page.close();
}

test('browse a category, search with a typo, open a product and pick a variant', { timeout: 180000 }, async () => {
  try {
    await browseJourney();
  } catch (error) {
    error.message += `\n${shopd.describe()}`;
    throw error;
  }
  const exit = await shopd.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, `exit after SIGTERM\n${shopd.describe()}`);
});
