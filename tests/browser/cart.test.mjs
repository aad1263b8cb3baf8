// The cart in a real browser on a small demo catalog: add two products from their
// product pages, see the lines and totals on /cart, change a quantity, remove a line.
// The page's totals are checked against the cart API's own computation. Leaves cart.png in
// $SCREENSHOT_DIR (default: screenshots/ beside the binary).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launchBrowser, remoteRequests } from './support/browser.mjs';
import { Shopd, requiredEnv } from './support/shopd.mjs';

const binary = requiredEnv('SHOPD_BINARY');
const sourceDir = requiredEnv('SHOPD_SOURCE_DIR');
const screenshotDir = process.env.SCREENSHOT_DIR || path.join(path.dirname(binary), 'screenshots');

const shopd = new Shopd({ binary, sourceDir, env: { SHOPD_CATALOG_SEED_PRODUCTS: '40' } });
let browser;

before(async () => {
  await shopd.start({ timeoutMs: 120000 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await shopd.cleanup();
});

// Two published products with a variant in stock.
async function twoProducts() {
  const listing = await (await fetch(`${shopd.baseUrl}/api/v1/products?limit=40&sort=name`)).json();
  const picks = [];
  for (const item of listing.items) {
    const product = await (await fetch(`${shopd.baseUrl}/api/v1/products/${item.slug}`)).json();
    const variant = product.variants.find((v) => v.available > 2);
    if (variant) picks.push({ slug: product.slug, name: product.name, sku: variant.sku });
    if (picks.length === 2) return picks;
  }
  throw new Error('the demo catalog has fewer than two products in stock');
}

async function apiCart(page) {
  const cookie = (await browser.context.cookies(shopd.baseUrl)).find((c) => c.name === 'shop_cart');
  assert.ok(cookie, 'no shop_cart cookie after adding to the cart');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Lax');
  return (await fetch(`${shopd.baseUrl}/api/v1/carts/${cookie.value}`)).json();
}

function euros(money) {
  return `€${Math.floor(money.amount / 100)}.${String(money.amount % 100).padStart(2, '0')}`;
}

async function cartJourney() {
  const [first, second] = await twoProducts();
  const page = await browser.context.newPage();
  const requested = [];
  page.on('request', (request) => requested.push(request.url()));
  await mkdir(screenshotDir, { recursive: true });

  for (const product of [first, second]) {
    await page.goto(`${shopd.baseUrl}/p/${product.slug}?sku=${encodeURIComponent(product.sku)}`);
    await Promise.all([page.waitForURL('**/cart'), page.locator('.add-to-cart button').click()]);
  }
  assert.equal(await page.locator('.cart-line').count(), 2);
  let cart = await apiCart(page);
  assert.deepEqual(cart.lines.map((l) => [l.sku, l.quantity]), [[first.sku, 1], [second.sku, 1]]);
  assert.equal((await page.locator('#cart-subtotal').textContent()).trim(), euros(cart.subtotal));
  assert.equal((await page.locator('#cart-total').textContent()).trim(), euros(cart.total));

  // Two of the first product.
  const line = page.locator(`.cart-line[data-sku="${first.sku}"]`);
  await line.locator('input[name="quantity"]').fill('2');
  await Promise.all([page.waitForURL('**/cart'), line.locator('.quantity-form button').click()]);
  cart = await apiCart(page);
  assert.equal(cart.lines[0].quantity, 2);
  assert.equal((await page.locator(`.cart-line[data-sku="${first.sku}"] .line-total`).textContent()).trim(),
    euros(cart.lines[0].line_total));
  assert.equal((await page.locator('#cart-total').textContent()).trim(), euros(cart.total));
  await page.screenshot({ path: path.join(screenshotDir, 'cart.png'), fullPage: true });

  // Remove the second.
  await Promise.all([page.waitForURL('**/cart'),
    page.locator(`.cart-line[data-sku="${second.sku}"] button`, { hasText: 'Remove' }).click()]);
  assert.equal(await page.locator('.cart-line').count(), 1);
  cart = await apiCart(page);
  assert.deepEqual(cart.lines.map((l) => l.sku), [first.sku]);
  assert.equal((await page.locator('#cart-total').textContent()).trim(), euros(cart.total));

  assert.deepEqual(remoteRequests(requested), [], 'requests to hosts other than this machine');
  await page.close();
}

test('add two products, see totals, change a quantity, remove a line', { timeout: 180000 }, async () => {
  try {
    await cartJourney();
  } catch (error) {
    error.message += `\n${shopd.describe()}`;
    throw error;
  }
});
