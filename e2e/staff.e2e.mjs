// The staff page in Chromium on a tablet-sized screen, against a real server (StaffBrowserTest starts it
// with a staff account, a small catalog and the demo members, and runs this file).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, artifact, inFreshContext, adminProfile } from './lib/browser.mjs';

const USER = process.env.TSUNAGU_STAFF_USER;
const PASSWORD = process.env.TSUNAGU_STAFF_PASSWORD;
const MEMBER = process.env.TSUNAGU_MEMBER;
const HOSTILE = process.env.TSUNAGU_HOSTILE_MEMBER;

let browser;

before(async () => {
  assert.ok(USER && PASSWORD && MEMBER, 'TSUNAGU_STAFF_USER, TSUNAGU_STAFF_PASSWORD and TSUNAGU_MEMBER are set');
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Runs fn with a page in a fresh browser profile on a tablet's screen (iPad-sized, landscape). */
function inFreshTablet(fn) {
  return inFreshContext(browser, { viewport: { width: 1180, height: 820 }, hasTouch: true }, fn);
}

async function signIn(page, user, password) {
  await page.goto(`${BASE}/staff/`);
  await page.locator('#login-user').fill(user);
  await page.locator('#login-password').fill(password);
  await page.locator('#login-submit').click();
}

async function lookUp(page, uid) {
  await page.locator('#search-uid').fill(uid);
  await page.locator('#search-uid').press('Enter');
}

test('a wrong password shows an error and no member data', async () => {
  await inFreshTablet(async ({ context, page }) => {
    await signIn(page, USER, 'not-the-password');
    await page.locator('#login-error').filter({ hasText: 'Wrong user name or password' }).waitFor({ timeout: 5000 });
    assert.equal(await page.locator('#lookup-view').isVisible(), false);
    assert.equal((await context.cookies()).length, 0, 'no session cookie');
  });
});

test('staff sign in, look up the demo member, and see recently viewed products and the timeline', async () => {
  await inFreshTablet(async ({ context, page }) => {
    await signIn(page, USER, PASSWORD);
    await page.locator('#lookup-view').waitFor({ state: 'visible', timeout: 5000 });
    const cookie = (await context.cookies()).find((c) => c.name === 'tsunagu_staff');
    assert.ok(cookie, 'the session cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the session cookie');

    // The membership card's value, as a scanner types it (with its trailing whitespace).
    await lookUp(page, `  ${MEMBER} `);
    await page.locator('#customer').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('#customer-name').innerText(), 'Aiko');
    assert.match(await page.locator('#customer-rank').innerText(), /silver/i);

    // Recently viewed: newest first, names and pictures from the catalog.
    const profile = await adminProfile(MEMBER);
    const views = profile.events.filter((e) => e.type === 'page_view'); // the admin API lists newest first
    assert.ok(views.length >= 3, `the member has page views: ${JSON.stringify(profile.events.map((e) => e.type))}`);
    const cards = page.locator('#recent-views .product');
    assert.ok(await cards.count() >= 3);
    assert.equal(await cards.nth(0).locator('.name').innerText(), views[0].props.title);
    assert.equal(await cards.nth(1).locator('.name').innerText(), views[1].props.title);
    assert.match(await cards.nth(0).locator('.meta').first().innerText(), new RegExp(views[0].props.brand));
    assert.match(await cards.nth(0).locator('time').innerText(), /ago/);
    await page.waitForFunction(() => {
      const img = document.querySelector('#recent-views .product img');
      return img && img.complete && img.naturalWidth > 0;
    }, null, { timeout: 5000 });

    assert.match(await page.locator('#interest-brands li').first().innerText(), /kumo/);
    assert.ok(await page.locator('#store-purchases li').count() >= 2, 'her store purchases');
    assert.match(await page.locator('#customer-visits').innerText(), /Booked: shibuya/);

    // The timeline: web and store events, newest first, an icon per kind, older ones on request.
    const items = page.locator('#timeline li');
    assert.equal(await items.count(), 20);
    const kinds = await items.evaluateAll((lis) => lis.map((li) => li.dataset.kind));
    assert.equal(kinds[0], 'reservation', 'the visit booked for tomorrow comes first');
    assert.ok(kinds.includes('web_view'), kinds.join());
    assert.equal(await items.locator('svg').count(), 20, 'every event has its icon');
    await page.locator('#timeline-more').click();
    await page.waitForFunction(() => document.querySelectorAll('#timeline li').length > 20, null, { timeout: 5000 });
    const all = await items.evaluateAll((lis) => lis.map((li) => li.dataset.kind));
    assert.ok(all.includes('store_purchase') && all.includes('store_visit'), all.join());
    assert.equal(await page.locator('#timeline-more').isVisible(), false, 'nothing older left');
    const times = await page.locator('#timeline li time').evaluateAll((ts) => ts.map((t) => Date.parse(t.dateTime)));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: artifact('staff-lookup.png'), fullPage: true });
  });
});

test('an unknown member id says so, and signing out clears the screen and ends the session', async () => {
  await inFreshTablet(async ({ context, page }) => {
    await signIn(page, USER, PASSWORD);
    await page.locator('#lookup-view').waitFor({ state: 'visible', timeout: 5000 });
    await lookUp(page, 'M-0000000');
    await page.locator('#lookup-message').filter({ hasText: 'no member with this id' }).waitFor({ timeout: 5000 });
    assert.equal(await page.locator('#customer').isVisible(), false);

    await lookUp(page, MEMBER);
    await page.locator('#customer').waitFor({ state: 'visible', timeout: 5000 });
    await page.locator('#logout').click();
    await page.locator('#login-view').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('#customer-name').innerText().catch(() => ''), '', 'the member is off the screen');
    const r = await page.evaluate(async (uid) => (await fetch(`/staff/api/customers/${uid}`)).status, MEMBER);
    assert.equal(r, 401, 'the session ended on the server too');
    await page.reload();
    await page.locator('#login-view').waitFor({ state: 'visible', timeout: 5000 });
  });
});

test('a member whose events hold markup and odd shapes is shown, as plain text', async () => {
  await inFreshTablet(async ({ page }) => {
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    await signIn(page, USER, PASSWORD);
    await page.locator('#lookup-view').waitFor({ state: 'visible', timeout: 5000 });
    await lookUp(page, HOSTILE);
    // A visitor's page title of 42 or a prop {"toString": …} must not stop the page drawing the member.
    await page.locator('#customer').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('#lookup-message').innerText(), '');
    assert.ok(await page.locator('#recent-views .product').count() >= 2, 'both page views');
    assert.ok(await page.locator('#timeline li').count() >= 5, 'every event');
    const text = await page.locator('#customer').innerText();
    assert.match(text, /<img src=x onerror=/, 'markup shows as text');
    assert.match(text, /42/);
    assert.equal(await page.locator('#customer img[src="x"], #customer [onerror], #customer [onload]').count(), 0,
      'no element came from the data');
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.deepEqual(dialogs, []);
  });
});

test('Back after the session ended elsewhere shows the sign-in, not the member', async () => {
  const cached = await launch({ backForwardCache: true });
  try {
    await inFreshContext(cached, { viewport: { width: 1180, height: 820 } }, async ({ context, page }) => {
      await signIn(page, USER, PASSWORD);
      await page.locator('#lookup-view').waitFor({ state: 'visible', timeout: 5000 });
      await lookUp(page, MEMBER);
      await page.locator('#customer').waitFor({ state: 'visible', timeout: 5000 });
      await page.evaluate(() => addEventListener('pageshow', (e) => { window.restored = e.persisted; }));

      // The tablet goes to another page; meanwhile the session ends (signed out in another tab).
      await page.goto(`${BASE}/health`);
      const other = await context.newPage();
      await other.goto(`${BASE}/staff/`);
      await other.locator('#logout').click();
      await other.locator('#login-view').waitFor({ state: 'visible', timeout: 5000 });
      await other.close();

      await page.goBack({ waitUntil: 'commit' });
      await page.locator('#login-view').waitFor({ state: 'visible', timeout: 5000 });
      assert.equal(await page.evaluate(() => window.restored), true, 'the page came back from the back/forward cache');
      assert.equal(await page.locator('#customer').isVisible(), false);
      assert.equal(await page.locator('#customer-name').evaluate((e) => e.textContent), '', 'no member left in the page');
      assert.equal(await page.locator('#search-uid').inputValue(), '', 'nor their id');
    });
  } finally {
    await cached.close();
  }
});
