// The shopper's buying journey and the staff refund in a real browser on the dev profile's
// demo catalog: a guest adds two in-stock products to the cart, changes a quantity, checks out
// with the paying test card and watches the order page turn PAID by itself; the declined test
// card leaves a clear error and no PAID; the demo admin refunds 5.00 of the paid order and sees
// it PARTIALLY_REFUNDED. Leaves cart.png, checkout.png, order-paid.png, order-declined.png,
// admin-order.png and admin-refunded.png in $SCREENSHOT_DIR (default: screenshots/ beside the binary).
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
let paidOrderId = null;

before(async () => {
  await shopd.start({ timeoutMs: 120000 });
  browser = await launchBrowser();
  await mkdir(screenshotDir, { recursive: true });
});

after(async () => {
  await browser?.close();
  await shopd.cleanup();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const shot = (page, name) => page.screenshot({ path: path.join(screenshotDir, name), fullPage: true });

function demoAdmin() {
  const found = shopd.output.match(/Demo admin created: (\S+) \/ (\S+)/);
  assert.ok(found, `no demo admin in the output:\n${shopd.output}`);
  return { email: found[1], password: found[2] };
}

function trackedPage(page, requested) {
  page.on('request', (request) => requested.push(request.url()));
  return page;
}

async function emptyCart(page) {
  await page.goto(`${shopd.baseUrl}/cart`);
  for (let i = 0; i < 20; i += 1) {
    const remove = page.locator('.cart-line').first().getByRole('button', { name: 'Remove' });
    if (await remove.count() === 0) return;
    await Promise.all([page.waitForURL('**/cart'), page.waitForEvent('load'), remove.click()]);
  }
}

// Product pages of the demo catalog whose selected variant offers "Add to cart".
async function inStockProductPaths(page, wanted) {
  const listing = await (await fetch(`${shopd.baseUrl}/api/v1/products?limit=50`)).json();
  assert.ok(listing.items?.length > 0, `the demo catalog is empty: ${JSON.stringify(listing)}`);
  const found = [];
  for (const item of listing.items) {
    const href = item.href ?? `/p/${item.slug}`;
    await page.goto(`${shopd.baseUrl}${href}`);
    if (await page.getByRole('button', { name: 'Add to cart' }).count() > 0) found.push(href);
    if (found.length === wanted) return found;
  }
  throw new Error(`only ${found.length} of the listed products are in stock`);
}

async function addToCart(page, href) {
  await page.goto(`${shopd.baseUrl}${href}`);
  const name = (await page.locator('h1').first().textContent()).trim();
  await Promise.all([page.waitForURL('**/cart'), page.getByRole('button', { name: 'Add to cart' }).click()]);
  return name;
}

async function checkout(page, { email, card }) {
  await page.goto(`${shopd.baseUrl}/checkout`);
  await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
  await page.locator('#checkout-email').fill(email);
  await page.locator('#checkout-name').fill('Erika Mustermann');
  await page.locator('#checkout-line1').fill('Heidestraße 17');
  await page.locator('#checkout-city').fill('Köln');
  await page.locator('#checkout-postal-code').fill('51147');
  const country = page.locator('#checkout-country');
  if ((await country.inputValue()) !== 'DE') {
    await country.fill('DE');
    await Promise.all([page.waitForEvent('load'),
      page.getByRole('button', { name: 'Update shipping for this country' }).click()]);
    // The GET form keeps what was typed; fill again in case it did not.
    await page.locator('#checkout-email').fill(email);
    await page.locator('#checkout-name').fill('Erika Mustermann');
    await page.locator('#checkout-line1').fill('Heidestraße 17');
    await page.locator('#checkout-city').fill('Köln');
    await page.locator('#checkout-postal-code').fill('51147');
    await page.locator('#checkout-country').fill('DE');
  }
  const methods = page.locator('input[name="shipping_method"]');
  assert.ok(await methods.count() > 0, 'no shipping method to DE');
  if (await page.locator('input[name="shipping_method"]:checked').count() === 0) await methods.first().check();
  await page.locator('#card-number').fill(card);
  await page.locator('#card-exp-month').fill('12');
  await page.locator('#card-exp-year').fill('2031');
  await page.locator('#card-cvc').fill('123');
  return methods;
}

async function placeOrder(page) {
  await Promise.all([page.waitForURL(/\/orders\/[^/?]+(\?.*)?$/, { timeout: 15000 }),
    page.getByRole('button', { name: 'Place order and pay' }).click()]);
  await page.locator('#order-status').waitFor();
  return new URL(page.url()).pathname.split('/').pop();
}

async function withContext(fn) {
  try {
    await fn();
  } catch (error) {
    error.message += `\n${shopd.describe()}`;
    throw error;
  }
}

test('a guest buys two products with the paying test card and sees the order PAID', { timeout: 180000 }, () => withContext(async () => {
  const requested = [];
  const page = trackedPage(await browser.context.newPage(), requested);
  const [first, second] = await inStockProductPaths(page, 2);
  await emptyCart(page);
  const firstName = await addToCart(page, first);
  const secondName = await addToCart(page, second);

  const lines = page.locator('.cart-line');
  assert.equal(await lines.count(), 2, 'the cart does not show both lines');
  const cartText = await page.locator('.cart-table').innerText();
  assert.ok(cartText.includes(firstName) && cartText.includes(secondName), `cart lines: ${cartText}`);
  const subtotalBefore = (await page.locator('#cart-subtotal').textContent()).trim();
  assert.match(subtotalBefore, /\d/);
  assert.match((await page.locator('#cart-total').textContent()).trim(), /\d/);

  // Two of the first product.
  const firstLine = lines.first();
  const lineTotalBefore = (await firstLine.locator('.line-total').textContent()).trim();
  await firstLine.locator('input[name="quantity"]').fill('2');
  await Promise.all([page.waitForURL('**/cart'), page.waitForEvent('load'),
    firstLine.getByRole('button', { name: 'Update' }).click()]);
  assert.equal(await page.locator('.cart-line').first().locator('input[name="quantity"]').inputValue(), '2');
  assert.notEqual((await page.locator('.cart-line').first().locator('.line-total').textContent()).trim(), lineTotalBefore,
    'the line total did not change with the quantity');
  assert.notEqual((await page.locator('#cart-subtotal').textContent()).trim(), subtotalBefore,
    'the subtotal did not change with the quantity');
  await shot(page, 'cart.png');

  await checkout(page, { email: `guest-paid-${process.pid}@example.com`, card: '4242 4242 4242 4242' });
  await shot(page, 'checkout.png');
  const orderId = await placeOrder(page);

  // The page polls itself while the payment is being confirmed.
  await page.locator('#order-status', { hasText: /^\s*PAID\s*$/ }).waitFor({ timeout: 10000 })
    .catch(async (error) => {
      await shot(page, 'order-paid.png');
      throw new Error(`#order-status is "${(await page.locator('#order-status').textContent()).trim()}" after 10 s ` +
        `(data-status ${await page.locator('#order-page').getAttribute('data-status')}): ${error.message}`);
    });
  await shot(page, 'order-paid.png');
  paidOrderId = orderId;

  assert.deepEqual(remoteRequests(requested), [], 'requests to hosts other than this machine');
  await page.close();
}));

test('the declined test card leaves a clear error and no PAID order', { timeout: 180000 }, () => withContext(async () => {
  const requested = [];
  const page = trackedPage(await browser.context.newPage(), requested);
  const [product] = await inStockProductPaths(page, 1);
  await emptyCart(page);
  await addToCart(page, product);
  await checkout(page, { email: `guest-declined-${process.pid}@example.com`, card: '4000 0000 0000 0002' });
  await placeOrder(page);

  const error = page.locator('.payment-error, #order-page .form-error');
  await error.first().waitFor({ timeout: 10000 }).catch(async (e) => {
    await shot(page, 'order-declined.png');
    throw new Error(`no error on the order page within 10 s (status ${(await page.locator('#order-status').textContent()).trim()}): ${e.message}`);
  });
  assert.match((await error.first().innerText()).trim(), /\w/, 'the error is empty');
  assert.notEqual((await page.locator('#order-status').textContent()).trim(), 'PAID');
  await shot(page, 'order-declined.png');

  assert.deepEqual(remoteRequests(requested), [], 'requests to hosts other than this machine');
  await page.close();
}));

test('the demo admin refunds 5.00 of the paid order', { timeout: 180000 }, () => withContext(async () => {
  assert.ok(paidOrderId, 'no paid order from the first test to refund');
  const requested = [];
  const page = trackedPage(await browser.context.newPage(), requested);
  const admin = demoAdmin();

  await page.goto(`${shopd.baseUrl}/admin/orders`);
  if (new URL(page.url()).pathname === '/signin') {
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await Promise.all([page.waitForURL('**/admin/orders'), page.getByRole('button', { name: 'Sign in' }).click()]);
  }
  await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
  const link = page.locator(`.orders-table a[href="/admin/orders/${paidOrderId}"]`);
  assert.equal(await link.count(), 1, 'the paid order is not in the admin list');
  await Promise.all([page.waitForURL(`**/admin/orders/${paidOrderId}`), link.click()]);
  await page.locator('#refund-amount').waitFor();
  await shot(page, 'admin-order.png');

  await page.locator('#refund-amount').fill('5.00');
  await page.locator('#refund-reason').fill('Scratched on arrival');
  await Promise.all([page.waitForURL(/\?done=refund$/), page.getByRole('button', { name: 'Refund', exact: true }).click()]);
  await page.locator('.notice', { hasText: 'Refund requested.' }).waitFor();

  const badge = page.locator('h1 .badge');
  const deadline = Date.now() + 5000;
  let status = await badge.getAttribute('data-status');
  while (status !== 'PARTIALLY_REFUNDED' && Date.now() < deadline) {
    await sleep(300);
    await page.reload();
    status = await badge.getAttribute('data-status');
  }
  await shot(page, 'admin-refunded.png');
  assert.equal(status, 'PARTIALLY_REFUNDED', 'the order is not partially refunded within 5 s');

  assert.deepEqual(remoteRequests(requested), [], 'requests to hosts other than this machine');
  await page.close();
}));
