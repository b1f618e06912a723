// The browser tag on the demo shop, in Chromium, against a real server (BrowserTagTest starts it with
// the example rules, a small catalog and the demo members, and runs this file).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, artifact, inFreshContext, adminProfile, eventually } from './lib/browser.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const SLOT = (name) => `[data-tsunagu-slot="${name}"]`;

/** Runs fn with a page in a fresh browser profile, desktop-sized; the page must throw nothing. */
function inFreshPage(fn) {
  return inFreshContext(browser, { viewport: { width: 1100, height: 900 } }, fn);
}

/** Waits for the next answer of /v1/decide (for a page of the given type, if given) and returns its JSON. */
function nextDecision(page, type) {
  return page.waitForResponse((r) => r.url().endsWith('/v1/decide') && r.request().method() === 'POST'
    && (!type || JSON.parse(r.request().postData()).page.type === type)).then((r) => r.json());
}

/** Whether the element is shown: laid out and not hidden by the anti-flicker style. */
function shown(selector) {
  return (sel) => {
    const e = document.querySelector(sel);
    if (!e) return false;
    const s = getComputedStyle(e);
    return s.visibility !== 'hidden' && s.display !== 'none' && s.opacity !== '0';
  };
}

async function waitShown(page, selector, timeout = 5000) {
  await page.waitForFunction(shown(selector), selector, { timeout, polling: 10 });
}

/** Logs in on the shop's login page; returns the decision for the home page the shop then shows. */
async function logIn(page, uid) {
  await page.goto(`${BASE}/demo/login`);
  const home = nextDecision(page, 'home');
  await page.click(`button[data-uid="${uid}"]`);
  await page.waitForURL(`${BASE}/demo/`);
  const body = await home;
  assert.equal(body.identified, true, `the signed member id was accepted: ${JSON.stringify(body)}`);
  await page.waitForFunction(() => document.documentElement.dataset.tsunagu === 'done', null, { timeout: 5000 });
  return body;
}

/** The slot's markup, for a message when something is missing. */
function markup(page, name) {
  return page.locator(SLOT(name)).evaluate((e) => e.outerHTML).catch((e) => e.message);
}

test('an anonymous visitor sees the default hero, no store coupon, and gets a first-party visitor cookie', () => inFreshPage(async ({ context, page }) => {
  const decided = nextDecision(page);
  await page.goto(`${BASE}/demo/`);
  const body = await decided;
  assert.equal(body.identified, false);
  assert.ok(!body.decisions.some((d) => d.content?.template === 'coupon'), JSON.stringify(body.decisions));
  await waitShown(page, SLOT('hero'));
  assert.equal(await page.locator(`${SLOT('hero')} .tsunagu-code`).count(), 0);
  assert.match(await page.locator(SLOT('hero')).innerText(), /Free shipping/);
  assert.doesNotMatch(await page.locator('body').innerText(), /tsunaguConfig|function/, 'no script text on the page');

  const cookie = (await context.cookies()).find((c) => c.name === 'tsunagu_vid');
  assert.ok(cookie, 'the visitor cookie is set');
  assert.equal(cookie.value, body.vid, 'the cookie holds the visitor id the server answered for');
  assert.equal(cookie.sameSite, 'Lax');
  const days = (cookie.expires * 1000 - Date.now()) / 86_400_000;
  assert.ok(days > 360 && days <= 366, `expires in ${days} days`);
}));

test('a Shibuya store visitor who logs in sees the store coupon, and same-brand new arrivals on a product page', () => inFreshPage(async ({ context, page }) => {
  const home = await logIn(page, 'M-1002');
  assert.equal(home.decisions.find((d) => d.slot === 'hero')?.campaign, 'shibuya-store-coupon', JSON.stringify(home));
  const code = page.locator(`${SLOT('hero')} .tsunagu-code`);
  assert.equal(await code.count(), 1, await markup(page, 'hero'));
  assert.equal(await code.innerText(), 'SHIBUYA10');
  assert.match(await page.locator(SLOT('hero')).innerText(), /Thanks for visiting Shibuya, Aiko!/);

  // A kumo product page: new arrivals from kumo, the brand she buys in the store, without the page's product.
  const decided = nextDecision(page, 'product');
  await page.click('a.card[href="/demo/products/K-101"]');
  const body = await decided;
  assert.equal(body.identified, true);
  const recs = body.decisions.find((d) => d.slot === 'recommendations');
  assert.equal(recs?.campaign, 'same-brand-new-arrivals', JSON.stringify(body.decisions));
  const items = page.locator(`${SLOT('recommendations')} .tsunagu-item`);
  await items.first().waitFor({ timeout: 5000 });
  assert.equal(recs.content.strategy, 'same_brand_new');
  const links = await page.locator(`${SLOT('recommendations')} .tsunagu-item a`).evaluateAll(
    (as) => as.map((a) => new URL(a.href).pathname));
  assert.deepEqual(links, recs.content.items.map((i) => i.url), 'rendered in the server\'s order');
  assert.deepEqual(links, ['K-100', 'K-102', 'K-103', 'K-104', 'K-105', 'K-106', 'K-107'].map((id) => `/demo/products/${id}`),
    'kumo, newest first, without the product on the page');
  assert.match(await page.locator(SLOT('recommendations')).innerText(), /New from kumo/);
  await page.screenshot({ path: artifact('demo-member-product-page.png'), fullPage: true });
}));

test('a single-page navigation asks for a new decision with the new page\'s context', () => inFreshPage(async ({ context, page }) => {
  const first = nextDecision(page);
  await page.goto(`${BASE}/demo/`);
  await first;
  const sent = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/v1/decide')) sent.push({ type: r.headers()['content-type'], body: JSON.parse(r.postData()) });
  });
  await page.click('#categories a[href="/demo/category/knit"]');
  await eventually(() => sent.length >= 1, 5000, 'a decision after pushState');
  await page.waitForTimeout(400);
  assert.equal(sent.length, 1, 'one decision per navigation');
  assert.match(sent[0].type, /^text\/plain/, 'a simple request: no CORS preflight');
  assert.equal(sent[0].body.page.type, 'category');
  assert.equal(sent[0].body.page.category, 'knit');
  assert.equal(sent[0].body.page.url, `${BASE}/demo/category/knit`);
  assert.ok(sent[0].body.slots.includes('recommendations'), JSON.stringify(sent[0].body.slots));

  await page.goBack();
  await eventually(() => sent.length >= 2, 5000, 'a decision after popstate');
  assert.equal(sent[1].body.page.type, 'home');
}));

test('server down: the page\'s default content shows within the timeout and nothing throws', () => inFreshPage(async ({ context, page }) => {
  await context.route('**/v1/**', (route) => route.abort('connectionrefused'));
  await page.goto(`${BASE}/demo/`);
  await page.waitForFunction(() => typeof window.tsunagu?.track === 'function', null, { timeout: 5000 });
  await waitShown(page, SLOT('hero'), 1000);
  assert.match(await page.locator(SLOT('hero')).innerText(), /Free shipping/);
  assert.equal(await page.locator('[class^="tsunagu-"]').count(), 0, 'nothing rendered');
  // The API keeps working for the page, and throws nothing.
  assert.equal(await page.evaluate(() => {
    window.tsunagu.track('custom_thing', { a: 1 });
    window.tsunagu.page();
    return 'ok';
  }), 'ok');
  await page.waitForTimeout(300);
}));

test('server too slow: slots are hidden, at most for the anti-flicker timeout', () => inFreshPage(async ({ context, page }) => {
  await context.route('**/v1/decide', () => { /* never answered */ });
  await page.goto(`${BASE}/demo/`);
  const loaded = await (await page.waitForFunction((sel) => typeof window.tsunagu?.track === 'function'
    && { at: performance.now(), hidden: getComputedStyle(document.querySelector(sel)).visibility === 'hidden' },
  SLOT('hero'), { timeout: 5000, polling: 5 })).jsonValue();
  assert.equal(loaded.hidden, true, 'slots are hidden while the decision is on its way (no flicker)');
  const loadedAt = loaded.at;
  const shownAt = await (await page.waitForFunction((sel) => {
    const s = getComputedStyle(document.querySelector(sel));
    return s.visibility !== 'hidden' && s.opacity !== '0' && performance.now();
  }, SLOT('hero'), { timeout: 3000, polling: 5 })).jsonValue();
  assert.ok(shownAt - loadedAt < 300 + 200, `shown ${Math.round(shownAt - loadedAt)} ms after the tag loaded`);
  assert.match(await page.locator(SLOT('hero')).innerText(), /Free shipping/);
}));

test('impressions and clicks reach the member\'s profile', () => inFreshPage(async ({ context, page }) => {
  const home = await logIn(page, 'M-2001');
  assert.equal(home.decisions.find((d) => d.slot === 'banner')?.campaign, 'vip-banner', JSON.stringify(home));
  const banner = page.locator(`${SLOT('banner')} .tsunagu-banner`);
  assert.equal(await banner.count(), 1, await markup(page, 'banner'));
  assert.match(await banner.innerText(), /Welcome back, Yui/);
  const events = async (type) => (await adminProfile('M-2001')).events
    .filter((e) => e.type === type && e.props?.campaign === 'vip-banner');
  await eventually(async () => (await events('impression')).length > 0, 5000, 'the impression on the profile');
  const impression = (await events('impression'))[0];
  assert.equal(impression.props.slot, 'banner');

  await banner.click();
  await eventually(async () => (await events('click')).length > 0, 5000, 'the click on the profile');
}));

test('a site on another origin: decisions and events cross with CORS, the cookie stays first-party', () =>
  inFreshPage(async ({ context, page }) => {
    // The shop at localhost, the server at 127.0.0.1: two origins, as a shop and its Tsunagu are.
    const shop = BASE.replace('127.0.0.1', 'localhost');
    await context.addInitScript((endpoint) => { window.tsunaguConfig = { endpoint }; }, BASE);
    const preflights = [];
    page.on('request', (r) => { if (r.method() === 'OPTIONS') preflights.push(r.url()); });
    const decided = nextDecision(page);
    await page.goto(`${shop}/demo/`);
    const body = await decided;
    assert.equal(body.identified, false);
    await page.locator(`${SLOT('recommendations')} .tsunagu-item`).first().waitFor({ timeout: 5000 });
    assert.deepEqual(preflights, [], 'text/plain bodies need no preflight');
    assert.ok((await context.cookies(shop)).some((c) => c.name === 'tsunagu_vid' && c.value === body.vid),
      'the visitor cookie belongs to the shop');
    assert.equal((await context.cookies(BASE)).length, 0, 'and none to the server\'s origin');
    await page.waitForTimeout(500);
    assert.ok(!(await adminProfile('~' + body.vid)).events.some((e) => e.type === 'impression'),
      'no impression while the slot is below the fold');
    await page.locator(SLOT('recommendations')).scrollIntoViewIfNeeded();
    await eventually(async () => (await adminProfile('~' + body.vid)).events.some((e) => e.type === 'impression'), 5000,
      'the impression sent across origins');
  }));

test('consent off: no cookie and no requests', () => inFreshPage(async ({ context, page }) => {
  await context.addInitScript(() => {
    window.tsunagu = function () { (window.tsunagu.q = window.tsunagu.q || []).push(arguments); };
    window.tsunagu('consent', false);
  });
  const calls = [];
  page.on('request', (r) => { if (r.url().includes('/v1/')) calls.push(r.url()); });
  await page.goto(`${BASE}/demo/`);
  await page.waitForFunction(() => typeof window.tsunagu?.track === 'function', null, { timeout: 5000 });
  await page.evaluate(() => window.tsunagu.track('add_to_cart', { product_id: 'K-100' }));
  await page.click('#categories a[href="/demo/category/bags"]');
  await waitShown(page, SLOT('hero'), 1000);
  await page.waitForTimeout(500);
  assert.deepEqual(calls, []);
  assert.equal((await context.cookies()).filter((c) => c.name === 'tsunagu_vid').length, 0);
}));

test('tsunagu.on(\'decision\') hands every decision to the page', () => inFreshPage(async ({ context, page }) => {
  await context.addInitScript(() => {
    window.seen = [];
    window.tsunagu = function () { (window.tsunagu.q = window.tsunagu.q || []).push(arguments); };
    window.tsunagu('on', 'decision', (d) => window.seen.push(`${d.slot}:${d.campaign}`));
  });
  const decided = nextDecision(page);
  await page.goto(`${BASE}/demo/`);
  const body = await decided;
  const expected = body.decisions.map((d) => `${d.slot}:${d.campaign}`);
  assert.ok(expected.length > 0, 'the anonymous home page gets some decision');
  await eventually(() => page.evaluate((n) => window.seen.length >= n, expected.length), 3000, 'the listener called');
  assert.deepEqual(await page.evaluate(() => window.seen), expected);
}));
