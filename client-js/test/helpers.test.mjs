// The tag's pure parts, as tsunagu.js exports them when loaded outside a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const tag = createRequire(import.meta.url)('../tsunagu.js');
const BASE = 'https://shop.example/p/1';

test('decode_serverEscapes_returnsText', () => {
  assert.equal(tag.decode('Tom &amp; Jerry &lt;b&gt; &quot;hi&quot; &#39;x&#39;'), 'Tom & Jerry <b> "hi" \'x\'');
});

test('decode_doubleEscaped_decodesOnce', () => {
  assert.equal(tag.decode('&amp;lt;script&amp;gt;'), '&lt;script&gt;');
});

test('decode_otherReferences_leftAlone', () => {
  assert.equal(tag.decode('&copy; &#60; &nbsp;'), '&copy; &#60; &nbsp;');
});

test('decode_nullAndNumbers_becomeStrings', () => {
  assert.equal(tag.decode(null), '');
  assert.equal(tag.decode(undefined), '');
  assert.equal(tag.decode(12), '12');
});

test('safeUrl_httpAndRelative_madeAbsolute', () => {
  assert.equal(tag.safeUrl('https://cdn.example/a.png', BASE), 'https://cdn.example/a.png');
  assert.equal(tag.safeUrl('http://x.example/', BASE), 'http://x.example/');
  assert.equal(tag.safeUrl('/c/coats?x=1&y=2', BASE), 'https://shop.example/c/coats?x=1&y=2');
  assert.equal(tag.safeUrl('p/2', BASE), 'https://shop.example/p/p/2');
  assert.equal(tag.safeUrl('//other.example/x', BASE), 'https://other.example/x');
});

test('safeUrl_scriptAndOtherSchemes_refused', () => {
  for (const u of ['javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)',
    '\x01javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'mailto:a@b.c', 'ftp://x/']) {
    assert.equal(tag.safeUrl(u, BASE), '', u);
  }
});

test('safeUrl_emptyOrUnparsable_refused', () => {
  assert.equal(tag.safeUrl('', BASE), '');
  assert.equal(tag.safeUrl(null, BASE), '');
  assert.equal(tag.safeUrl('http://[bad', BASE), '');
  assert.equal(tag.safeUrl('/relative'), ''); // no base: cannot resolve
});

test('badAttr_handlersAndScriptUrls_removed', () => {
  assert.equal(tag.badAttr('onclick', 'x()'), true);
  assert.equal(tag.badAttr('ONLOAD', 'x()'), true);
  assert.equal(tag.badAttr('srcdoc', '<p>'), true);
  assert.equal(tag.badAttr('href', 'javascript:alert(1)'), true);
  assert.equal(tag.badAttr('href', ' java\nscript:alert(1)'), true);
  assert.equal(tag.badAttr('xlink:href', 'JAVASCRIPT:alert(1)'), true);
  assert.equal(tag.badAttr('formaction', 'javascript:alert(1)'), true);
});

test('badAttr_ordinaryAttributes_kept', () => {
  assert.equal(tag.badAttr('href', '/sale'), false);
  assert.equal(tag.badAttr('href', 'https://shop.example/sale'), false);
  assert.equal(tag.badAttr('class', 'big'), false);
  assert.equal(tag.badAttr('style', 'color:red'), false);
});

test('clean_dropsNullUndefinedAndEmpty_keepsFalsyValues', () => {
  assert.deepEqual(tag.clean({ a: null, b: undefined, c: '', d: 0, e: false, f: [], g: 'x' }), { d: 0, e: false, f: [], g: 'x' });
});

test('readCookie_findsExactName', () => {
  const all = 'a=1; tsunagu_vid_old=zzz; tsunagu_vid=abc-123; consent=yes';
  assert.equal(tag.readCookie(all, 'tsunagu_vid'), 'abc-123');
  assert.equal(tag.readCookie(all, 'consent'), 'yes');
  assert.equal(tag.readCookie(all, 'vid'), null);
  assert.equal(tag.readCookie('', 'a'), null);
});

/* ---- consent ---- */

const cfg = extra => Object.assign({ respectDoNotTrack: false, consentCookie: null }, extra);
const nav = extra => Object.assign({ doNotTrack: null, globalPrivacyControl: undefined }, extra);

test('consented_nothingConfigured_yes', () => {
  assert.equal(tag.consented(cfg(), '', nav({ doNotTrack: '1', globalPrivacyControl: true }), null), true);
});

test('consented_explicitCall_wins', () => {
  assert.equal(tag.consented(cfg(), '', nav(), false), false);
  assert.equal(tag.consented(cfg({ consentCookie: 'ok', respectDoNotTrack: true }), '', nav({ doNotTrack: '1' }), true), true);
});

test('consented_doNotTrackRespected_no', () => {
  const c = cfg({ respectDoNotTrack: true });
  assert.equal(tag.consented(c, '', nav({ doNotTrack: '1' }), null), false);
  assert.equal(tag.consented(c, '', nav({ globalPrivacyControl: true }), null), false);
  assert.equal(tag.consented(c, '', nav({ doNotTrack: '0' }), null), true);
  assert.equal(tag.consented(c, '', nav({ doNotTrack: 'unspecified' }), null), true);
});

test('consented_consentCookie_mustBePresentAndAffirmative', () => {
  const c = cfg({ consentCookie: 'cmp_ok' });
  assert.equal(tag.consented(c, '', nav(), null), false);
  assert.equal(tag.consented(c, 'other=1', nav(), null), false);
  assert.equal(tag.consented(c, 'cmp_ok=', nav(), null), false);
  for (const v of ['0', 'false', 'FALSE', 'no', 'No']) assert.equal(tag.consented(c, `cmp_ok=${v}`, nav(), null), false, v);
  for (const v of ['1', 'true', 'yes', 'all']) assert.equal(tag.consented(c, `x=0; cmp_ok=${v}`, nav(), null), true, v);
});

test('consented_cookieYesButDoNotTrack_no', () => {
  const c = cfg({ consentCookie: 'cmp_ok', respectDoNotTrack: true });
  assert.equal(tag.consented(c, 'cmp_ok=1', nav({ globalPrivacyControl: true }), null), false);
});

/* ---- request bodies ---- */

// Just enough of a document for pageContext/slotNames: meta tags and slot elements.
function fakeDoc({ meta = {}, slots = [], title = '', referrer = '' } = {}) {
  const el = attrs => ({ getAttribute: n => (n in attrs ? attrs[n] : null) });
  return {
    title, referrer,
    querySelector(sel) {
      const m = /^meta\[name="tsunagu:(\w+)"\]$/.exec(sel);
      return m && m[1] in meta ? el({ content: meta[m[1]] }) : null;
    },
    querySelectorAll(sel) {
      assert.equal(sel, '[data-tsunagu-slot]');
      return slots.map(s => el({ 'data-tsunagu-slot': s }));
    }
  };
}

test('pageContext_metaTags_read', () => {
  const doc = fakeDoc({ meta: { type: 'product', product_id: 'P-1', brand: 'kumo', category: 'coats' }, title: 'Coat', referrer: 'https://google.example/' });
  assert.deepEqual(tag.pageContext(doc, { href: BASE }), {
    url: BASE, referrer: 'https://google.example/', title: 'Coat',
    type: 'product', product_id: 'P-1', category: 'coats', brand: 'kumo'
  });
});

test('pageContext_missingAndEmpty_omitted', () => {
  const doc = fakeDoc({ meta: { type: 'home', brand: '' } });
  assert.deepEqual(tag.pageContext(doc, { href: BASE }), { url: BASE, type: 'home' });
});

test('pageContext_extraAndReferrer_override', () => {
  const doc = fakeDoc({ meta: { type: 'home' }, referrer: 'https://ext.example/' });
  assert.deepEqual(tag.pageContext(doc, { href: BASE }, { type: 'product', product_id: 'P-9', category: null }, 'https://shop.example/'),
    { url: BASE, referrer: 'https://shop.example/', type: 'product', product_id: 'P-9' });
});

test('slotNames_distinctInDocumentOrder', () => {
  assert.deepEqual(tag.slotNames(fakeDoc({ slots: ['hero', 'recs', 'hero', '', 'footer'] })), ['hero', 'recs', 'footer']);
});

test('body_decide_omitsNullIdentity', () => {
  const page = { url: BASE };
  assert.deepEqual(tag.body({ vid: 'v-1', uid: null, sig: undefined }, { page, slots: ['hero'] }),
    { vid: 'v-1', page, slots: ['hero'] });
  assert.equal(JSON.stringify(tag.body({ vid: 'v-1', uid: 'M-1', sig: 'ab12' }, { page, slots: [] })),
    '{"vid":"v-1","uid":"M-1","uid_sig":"ab12","page":{"url":"https://shop.example/p/1"},"slots":[]}');
});

test('body_events_shape', () => {
  const events = [{ type: 'impression', ts: 1, props: { campaign: 'c', variant: 'v', slot: 'hero' } }];
  assert.deepEqual(tag.body({ vid: 'v-1', uid: 'M-1', sig: 'ab' }, { events }), { vid: 'v-1', uid: 'M-1', uid_sig: 'ab', events });
});

/* ---- batching ---- */

function batcherUnderTest() {
  const sent = [], ticks = [];
  const b = tag.batcher(list => sent.push(list), f => ticks.push(f));
  const tick = () => ticks.splice(0).forEach(f => f());
  return { b, sent, ticks, tick };
}

test('batcher_sameTick_oneRequest', () => {
  const { b, sent, ticks, tick } = batcherUnderTest();
  b.push({ type: 'a' });
  b.push({ type: 'b' });
  b.push({ type: 'c' });
  assert.equal(ticks.length, 1);
  assert.equal(sent.length, 0);
  tick();
  assert.deepEqual(sent, [[{ type: 'a' }, { type: 'b' }, { type: 'c' }]]);
  b.push({ type: 'd' });
  tick();
  assert.deepEqual(sent[1], [{ type: 'd' }]);
});

test('batcher_over100_split', () => {
  const { b, sent, tick } = batcherUnderTest();
  for (let i = 0; i < 250; i++) b.push({ type: 'x', i });
  tick();
  assert.deepEqual(sent.map(l => l.length), [100, 100, 50]);
});

test('batcher_flushEarly_thenTickSendsNothing', () => {
  const { b, sent, tick } = batcherUnderTest();
  b.push({ type: 'a' });
  b.flush();
  tick();
  assert.equal(sent.length, 1);
});

test('batcher_clear_dropsQueued', () => {
  const { b, sent, tick } = batcherUnderTest();
  b.push({ type: 'a' });
  b.clear();
  tick();
  assert.equal(sent.length, 0);
});
