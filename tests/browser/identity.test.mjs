// The shopper's account journey in a real browser, with no JavaScript of ours: sign up,
// sign out, sign in, edit the profile, add an address, and see it all on the account page.
// Every form carries the session's CSRF token and Chromium sends Sec-Fetch-Site, so this
// also proves the CSRF defence lets same-origin forms through. Leaves account.png in
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

const shopd = new Shopd({ binary, sourceDir });
let browser;

before(async () => {
  await shopd.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await shopd.cleanup();
});

async function accountJourney() {
  const page = await browser.context.newPage();
  const requested = [];
  page.on('request', (request) => requested.push(request.url()));
  const email = `browser-${process.pid}-${Date.now()}@example.com`;
  const password = 'correct horse battery';

  // Anonymous: the account page sends us to sign in.
  await page.goto(`${shopd.baseUrl}/account`);
  assert.equal(new URL(page.url()).pathname, '/signin');
  await page.getByRole('link', { name: 'Create an account' }).click();

  await page.getByLabel('Name').fill('Browser Shopper');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL('**/account'), page.getByRole('button', { name: 'Create account' }).click()]);
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
  assert.equal(await page.getByLabel('E-mail', { exact: true }).first().inputValue(), email);

  await Promise.all([page.waitForURL(`${shopd.baseUrl}/`), page.getByRole('button', { name: 'Sign out' }).click()]);
  await page.getByRole('link', { name: 'Sign in' }).waitFor();

  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('not my password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('E-mail or password is incorrect.').waitFor();
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL('**/account'), page.getByRole('button', { name: 'Sign in' }).click()]);

  await page.locator('#profile-name').fill('Renamed Shopper');
  await Promise.all([page.waitForURL('**/account?saved=profile'), page.getByRole('button', { name: 'Save profile' }).click()]);
  await page.getByText('Your profile was saved.').waitFor();
  assert.equal(await page.locator('#profile-name').inputValue(), 'Renamed Shopper');

  await page.locator('#new-name').fill('Renamed Shopper');
  await page.locator('#new-line1').fill('Main Street 1');
  await page.locator('#new-city').fill('Berlin');
  await page.locator('#new-postal-code').fill('10115');
  await page.locator('#new-country').fill('DE');
  await Promise.all([page.waitForURL('**/account?saved=address'), page.getByRole('button', { name: 'Add address' }).click()]);
  await page.locator('.address-list').getByText('Main Street 1').waitFor();

  assert.deepEqual(remoteRequests(requested), [], 'requests to hosts other than this machine');
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, 'account.png'), fullPage: true });
  await page.close();
}

test('sign up, sign out, sign in, edit the profile, see the account page', { timeout: 120000 }, async () => {
  try {
    await accountJourney();
  } catch (error) {
    error.message += `\n${shopd.describe()}`;
    throw error;
  }
  const exit = await shopd.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, `exit after SIGTERM\n${shopd.describe()}`);
});
