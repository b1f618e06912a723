// The whole tag in a node:vm context with hand-written stand-ins for the few browser objects its
// start-up and requests touch (no slots: rendering is covered by the Chromium end-to-end tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const SOURCE = readFileSync(new URL('../tsunagu.js', import.meta.url), 'utf8');

function classList() {
  const set = new Set();
  return { add: c => set.add(c), remove: c => set.delete(c), contains: c => set.has(c) };
}

function element() {
  const attrs = {};
  return {
    classList: classList(),
    setAttribute: (n, v) => { attrs[n] = String(v); },
    getAttribute: n => (n in attrs ? attrs[n] : null),
    removeAttribute: n => { delete attrs[n]; },
    insertAdjacentHTML() {}
  };
}

/** A page: cookie jar, requests seen, and the window the tag runs in. */
function browser({ config, cookies = {}, queue = [], fetchFails = false, doNotTrack = null } = {}) {
  const jar = Object.assign({}, cookies);
  const requests = [];
  const cookieWrites = [];
  const document = {
    documentElement: element(), head: element(), readyState: 'complete', title: 'Home', referrer: '',
    currentScript: { src: 'https://tags.example/tag.js?v=1' },
    get cookie() { return Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; '); },
    set cookie(s) {
      cookieWrites.push(s);
      const [pair] = s.split(';');
      const [k, v] = pair.split('=');
      if (/Max-Age=0(;|$)/.test(s)) delete jar[k]; else jar[k] = v;
    },
    querySelector: () => null, querySelectorAll: () => [],
    addEventListener() {}, dispatchEvent() {}
  };
  const window = {
    document, location: { href: 'https://shop.example/', origin: 'https://shop.example', protocol: 'https:' },
    navigator: {
      doNotTrack,
      sendBeacon: (url, blob) => { requests.push({ url, blob }); return true; }
    },
    history: { pushState() {}, replaceState() {} },
    addEventListener() {},
    fetch: async (url, init) => {
      requests.push({ url, init });
      if (fetchFails) throw new TypeError('Failed to fetch');
      return { ok: true, json: async () => ({ vid: 'x', decisions: [] }) };
    },
    tsunaguConfig: config,
    crypto: globalThis.crypto, Blob, URL, Promise, setTimeout, clearTimeout, CustomEvent: class {}
  };
  window.window = window;
  if (queue.length) {
    window.tsunagu = function () { (window.tsunagu.q = window.tsunagu.q || []).push(arguments); };
    for (const args of queue) window.tsunagu(...args);
  }
  vm.createContext(window);
  return { window, jar, requests, cookieWrites, run: () => vm.runInContext(SOURCE, window) };
}

const settle = () => new Promise(r => setTimeout(r, 20));
const text = async blob => JSON.parse(await blob.text());

test('start_consented_setsCookieAndPostsDecideAsTextPlain', async () => {
  const b = browser();
  b.run();
  await settle();
  const vid = b.jar.tsunagu_vid;
  assert.match(vid, /^[\w-]{36}$/);
  assert.match(b.cookieWrites[0], /^tsunagu_vid=[\w-]+; Max-Age=31536000; Path=\/; SameSite=Lax; Secure$/);
  assert.equal(b.requests.length, 1);
  const { url, init } = b.requests[0];
  assert.equal(url, 'https://tags.example/v1/decide'); // the tag's own origin
  assert.equal(init.method, 'POST');
  assert.equal(init.headers['Content-Type'], 'text/plain;charset=UTF-8');
  assert.deepEqual(JSON.parse(init.body), { vid, page: { url: 'https://shop.example/', title: 'Home' }, slots: [] });
  assert.equal(b.window.document.documentElement.getAttribute('data-tsunagu'), 'done');
});

test('start_existingCookieAndConfig_reused', async () => {
  const b = browser({ cookies: { my_vid: 'v-12345678' },
    config: { endpoint: 'https://api.example/', cookie: 'my_vid', uid: 'M-1', uidSig: 'ab', slots: ['hero'], page: () => ({ type: 'home' }) } });
  b.run();
  await settle();
  assert.equal(b.requests[0].url, 'https://api.example/v1/decide');
  assert.deepEqual(JSON.parse(b.requests[0].init.body), {
    vid: 'v-12345678', uid: 'M-1', uid_sig: 'ab', page: { url: 'https://shop.example/', title: 'Home', type: 'home' }, slots: ['hero']
  });
});

test('queue_replayed_identifyAndTrackBeforeTheFirstDecide', async () => {
  const b = browser({ queue: [['identify', 'M-7', 'sig7'], ['track', 'signup', { plan: 'gold' }], ['track', 'add_to_cart', { id: 'P-1' }]] });
  b.run();
  await settle();
  assert.equal(typeof b.window.tsunagu.track, 'function');
  const decide = b.requests.find(r => r.url.endsWith('/v1/decide'));
  assert.equal(JSON.parse(decide.init.body).uid, 'M-7');
  const beacons = b.requests.filter(r => r.url === 'https://tags.example/v1/events');
  assert.equal(beacons.length, 1, 'events of one tick share one request');
  assert.equal(beacons[0].blob.type, 'text/plain;charset=utf-8');
  const body = await text(beacons[0].blob);
  assert.equal(body.vid, b.jar.tsunagu_vid);
  assert.equal(body.uid_sig, 'sig7');
  assert.deepEqual(body.events.map(e => [e.type, e.props]), [['signup', { plan: 'gold' }], ['add_to_cart', { id: 'P-1' }]]);
  assert.ok(body.events.every(e => typeof e.ts === 'number'));
});

test('consent_falseQueued_noCookieNoRequests', async () => {
  const b = browser({ cookies: { tsunagu_vid: 'v-old-123456' }, queue: [['consent', false], ['track', 'x']] });
  b.run();
  b.window.tsunagu.track('y');
  await settle();
  assert.deepEqual(b.requests, []);
  assert.equal(b.jar.tsunagu_vid, undefined, 'an existing visitor cookie is deleted');
  assert.equal(b.window.document.documentElement.getAttribute('data-tsunagu'), 'off');
  assert.equal(b.window.document.documentElement.classList.contains('tsunagu-pending'), false);
});

test('consent_cookieMissing_noRequestsUntilConsentTrue', async () => {
  const b = browser({ config: { consentCookie: 'cmp' } });
  b.run();
  await settle();
  assert.deepEqual(b.requests, []);
  assert.equal(b.jar.tsunagu_vid, undefined);
  b.window.tsunagu.consent(true);
  await settle();
  assert.equal(b.requests.length, 1);
  assert.ok(b.jar.tsunagu_vid);
});

test('consent_doNotTrackRespected_noRequests', async () => {
  const b = browser({ config: { respectDoNotTrack: true }, doNotTrack: '1' });
  b.run();
  await settle();
  assert.deepEqual(b.requests, []);
});

test('consent_withdrawn_cookieDeletedAndEventsDropped', async () => {
  const b = browser();
  b.run();
  await settle();
  b.window.tsunagu.track('before');
  b.window.tsunagu.consent(false);
  b.window.tsunagu.track('after');
  await settle();
  assert.equal(b.requests.length, 1, 'only the first decide');
  assert.equal(b.jar.tsunagu_vid, undefined);
});

test('network_down_noThrowAndErrorReported', async () => {
  const b = browser({ fetchFails: true });
  const errors = [];
  b.run();
  b.window.tsunagu.on('error', e => errors.push(e.message));
  await settle();
  assert.equal(b.window.document.documentElement.getAttribute('data-tsunagu'), 'error');
  assert.equal(b.window.document.documentElement.classList.contains('tsunagu-pending'), false);
  b.window.tsunagu.on('error', () => { throw new Error('a listener bug'); });
  b.window.tsunagu.page();
  await settle();
  assert.deepEqual(errors, ['Failed to fetch', 'Failed to fetch']);
});

test('api_callableAsFunction_andLoadedTwiceKeepsTheFirst', async () => {
  const b = browser();
  b.run();
  const api = b.window.tsunagu;
  b.run();
  assert.equal(b.window.tsunagu, api);
  await settle();
  assert.equal(b.requests.length, 1);
  api('track', 'custom', { a: 1 });
  assert.equal(api('nope'), undefined);
  await settle();
  assert.equal((await text(b.requests[1].blob)).events[0].type, 'custom');
});
