// The staff catalog journey in a real browser on the dev profile's demo catalog: sign in as
// the demo admin, create a draft product with its first variant, upload an image, check
// that shoppers find nothing yet, publish it, and find it through the storefront search
// within the read model's 2 s promise, then open it. Leaves admin-product.png and
// admin-published-search.png in $SCREENSHOT_DIR (default: screenshots/ beside the binary).
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

function demoAdmin() {
  const found = shopd.output.match(/Demo admin created: (\S+) \/ (\S+)/);
  assert.ok(found, `no demo admin in the output:\n${shopd.output}`);
  return { email: found[1], password: found[2] };
}

async function searchApiTotal(word) {
  const response = await fetch(`${shopd.baseUrl}/api/v1/search?q=${encodeURIComponent(word)}`);
  return response.status === 200 ? (await response.json()).total : -1;
}

async function waitForIndexReady() {
  // The demo catalog is indexed in the background at first start; search answers 503 until then.
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if ((await searchApiTotal('the')) >= 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the search index never became ready');
}

// A PNG drawn by the browser itself, so the upload is a real image of a real size.
async function drawnPng(page) {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 480;
    canvas.height = 360;
    const context = canvas.getContext('2d');
    context.fillStyle = '#2a6f97';
    context.fillRect(0, 0, 480, 360);
    context.fillStyle = '#f4d35e';
    context.beginPath();
    context.arc(240, 180, 120, 0, Math.PI * 2);
    context.fill();
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

async function adminCatalogJourney() {
  await waitForIndexReady();
  const page = await browser.context.newPage();
  const requested = [];
  page.on('request', (request) => requested.push(request.url()));
  await mkdir(screenshotDir, { recursive: true });
  const admin = demoAdmin();
  // A made-up word no demo product uses, so the search can only find this product.
  const word = `quillonbrae${process.pid}`;
  const name = `Lantern ${word}`;
  const sku = `LANTERN-${process.pid}`;

  await page.goto(`${shopd.baseUrl}/admin/products/new`);
  assert.equal(new URL(page.url()).pathname, '/signin');
  await page.getByLabel('E-mail').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await Promise.all([page.waitForURL('**/admin/products/new'), page.getByRole('button', { name: 'Sign in' }).click()]);
  await page.getByRole('heading', { name: 'New product' }).waitFor();

  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Description', { exact: true }).fill('A storm lantern with a brass handle and a glass chimney.');
  await page.getByLabel('Category', { exact: true }).selectOption({ index: 1 });
  await page.getByLabel('Brand', { exact: true }).selectOption({ index: 1 });
  await page.getByLabel('Status', { exact: true }).selectOption('draft');
  await page.getByLabel('SKU', { exact: true }).fill(sku);
  await page.getByLabel('Price', { exact: true }).fill('34.90');
  await page.locator('#options').fill('colour=Brass');
  await Promise.all([page.waitForURL(/\/admin\/products\/[^/]+\?saved=1$/),
    page.getByRole('button', { name: 'Create' }).click()]);
  await page.getByRole('heading', { name }).waitFor();
  assert.match(await page.locator('main').innerText(), new RegExp(sku));

  // An image through the page's own upload form; the page reloads showing its thumbnail.
  await page.locator('#image-file').setInputFiles({ name: 'lantern.png', mimeType: 'image/png', buffer: await drawnPng(page) });
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Upload', exact: true }).click()]);
  const thumbnail = page.locator('main img').first();
  await thumbnail.waitFor();
  assert.ok(await thumbnail.evaluate((img) => img.complete && img.naturalWidth > 0), 'the thumbnail does not load');
  await page.screenshot({ path: path.join(screenshotDir, 'admin-product.png'), fullPage: true });

  // A draft is never public.
  assert.equal(await searchApiTotal(word), 0, 'a draft product is searchable');

  await Promise.all([page.waitForURL(/\?saved=1$/), page.getByRole('button', { name: 'Publish' }).click()]);
  await page.getByRole('button', { name: 'Unpublish' }).waitFor();
  const publishedAt = Date.now();

  // The storefront search finds it once the read model has caught up (promised within 2 s).
  // The storefront page is the same for everyone; a new tab in this context will do.
  const storefront = await browser.context.newPage();
  storefront.on('request', (request) => requested.push(request.url()));
  let found = 0;
  while (Date.now() - publishedAt < 2000 && found === 0) {
    await storefront.goto(`${shopd.baseUrl}/search?q=${encodeURIComponent(word)}`);
    found = await storefront.locator('.search-results .product-card').count();
    if (found === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(found, 1, `the published product was not in the storefront search within 2 s`);
  await storefront.screenshot({ path: path.join(screenshotDir, 'admin-published-search.png'), fullPage: true });
  await Promise.all([storefront.waitForURL('**/p/**'), storefront.locator('.search-results .product-card a').first().click()]);
  await storefront.getByRole('heading', { level: 1, name }).waitFor();
  assert.match(await storefront.locator('main').innerText(), /34[.,]90/);

  assert.deepEqual(remoteRequests(requested), [], 'requests to hosts other than this machine');
  await storefront.close();
  await page.close();
}

test('staff create and publish a product that shoppers then find in search', { timeout: 180000 }, async () => {
  try {
    await adminCatalogJourney();
  } catch (error) {
    error.message += `\n${shopd.describe()}`;
    throw error;
  }
});
