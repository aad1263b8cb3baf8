// The staff inventory journey in a real browser: sign in as the dev profile's demo admin,
// open Inventory, track a SKU through the API with the session, find it by SKU, adjust stock
// through the form (its CSRF token and Chromium's Sec-Fetch-Site let it through), see a
// refused write-off explained, read the ledger, and find the SKU under low stock. Leaves
// inventory.png in $SCREENSHOT_DIR (default: screenshots/ beside the binary).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launchBrowser, remoteRequests } from './support/browser.mjs';
import { Shopd, requiredEnv } from './support/shopd.mjs';

const binary = requiredEnv('SHOPD_BINARY');
const sourceDir = requiredEnv('SHOPD_SOURCE_DIR');
const screenshotDir = process.env.SCREENSHOT_DIR || path.join(path.dirname(binary), 'screenshots');

// No demo catalog: its thousands of seeded SKUs would fill the low-stock list
// this test reads.
const shopd = new Shopd({ binary, sourceDir, env: { SHOPD_CATALOG_SEED_ON_EMPTY: 'false' } });
let browser;

before(async () => {
  await shopd.start();
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

async function inventoryJourney() {
  const page = await browser.context.newPage();
  const requested = [];
  page.on('request', (request) => requested.push(request.url()));
  const admin = demoAdmin();
  const sku = `BROWSER-${process.pid}`;

  await page.goto(`${shopd.baseUrl}/admin/inventory`);
  assert.equal(new URL(page.url()).pathname, '/signin');
  await page.getByLabel('E-mail').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await Promise.all([page.waitForURL('**/admin/inventory'), page.getByRole('button', { name: 'Sign in' }).click()]);
  await page.getByRole('heading', { name: 'Inventory' }).waitFor();

  // Tracking comes from the catalog; here the signed-in session starts it through the API.
  const tracked = await page.evaluate(async (code) => {
    const response = await fetch('/api/v1/admin/inventory', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sku: code }),
    });
    return response.status;
  }, sku);
  assert.equal(tracked, 200);

  await page.getByLabel('Search by SKU').fill(sku.toLowerCase());
  // The page's own form, not the product search box in the header.
  await page.locator('main').getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: sku }).click();
  await page.getByRole('heading', { name: sku }).waitFor();

  await page.getByLabel('Change in units').fill('12');
  await page.getByLabel('Reason').fill('received PO 17');
  await Promise.all([page.waitForURL(`**/admin/inventory/${sku}?saved=1`),
    page.getByRole('button', { name: 'Record adjustment' }).click()]);
  await page.getByText('Saved.').waitFor();
  assert.equal((await page.locator('.stock-levels dd').first().innerText()).trim(), '12');

  await page.getByLabel('Change in units').fill('-20');
  await page.getByLabel('Reason').fill('write off');
  await page.getByRole('button', { name: 'Record adjustment' }).click();
  await page.getByRole('alert').getByText('below reserved').waitFor();
  assert.equal((await page.locator('.stock-levels dd').first().innerText()).trim(), '12');

  await page.getByLabel('Change in units').fill('-9');
  await page.getByLabel('Reason').fill('damaged in transit');
  await Promise.all([page.waitForURL(`**/admin/inventory/${sku}?saved=1`),
    page.getByRole('button', { name: 'Record adjustment' }).click()]);
  const rows = page.locator('table.data-table tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.first().innerText(), /adjust.*damaged in transit/s);

  await page.getByRole('link', { name: 'Inventory' }).first().click();
  await page.getByRole('link', { name: 'Low stock' }).click();
  await page.getByRole('link', { name: sku }).waitFor();

  assert.deepEqual(remoteRequests(requested), [], 'requests to hosts other than this machine');
  await page.goto(`${shopd.baseUrl}/admin/inventory/${sku}`);
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, 'inventory.png'), fullPage: true });
  await page.close();
}

test('staff adjust stock, see a refusal, read the ledger and low stock', { timeout: 120000 }, async () => {
  try {
    await inventoryJourney();
  } catch (error) {
    error.message += `\n${shopd.describe()}`;
    throw error;
  }
});
