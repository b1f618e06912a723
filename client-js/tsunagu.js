/*! Tsunagu browser tag; see client-js/README.md */
(root => {
'use strict';
const TEXT = 'text/plain;charset=UTF-8';
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
// dropped from trusted HTML (SVG animate/set can set a javascript: href)
const DROP = 'script,iframe,object,embed,base,meta,link,animate,set';

// pure helpers, exported for the Node tests

// the five references the server escapes with
const decode = s => s == null ? '' : String(s).replace(/&(amp|lt|gt|quot|#39);/g, (m, e) => ENTITIES[e]);

// an http(s) or relative URL made absolute, else ''
const safeUrl = (u, base) => {
  try {
    const url = u != null && u !== '' && new URL(u, base);
    return url && /^https?:$/.test(url.protocol) ? url.href : '';
  } catch (e) {
    return '';
  }
};

// handlers and script URLs (URL parsers skip blanks)
const badAttr = (name, value) =>
  /^on|^srcdoc$/i.test(name) || /^javascript:/i.test(String(value).replace(/[\0- ]+/g, ''));

const clean = o => {
  const r = {};
  for (const k in o) if (o[k] != null && o[k] !== '') r[k] = o[k];
  return r;
};

const readCookie = (all, name) => {
  const c = String(all || '').split(/; */).find(c => c.startsWith(name + '='));
  return c ? c.slice(name.length + 1) : null;
};

// a consent(bool) call wins, else every configured check must pass
const consented = (cfg, cookies, nav, explicit) => {
  if (explicit != null) return !!explicit;
  if (cfg.respectDoNotTrack && (nav.doNotTrack === '1' || nav.globalPrivacyControl === true)) return false;
  const v = cfg.consentCookie && readCookie(cookies, cfg.consentCookie);
  return !cfg.consentCookie || (!!v && !/^(0|false|no)$/i.test(v.trim()));
};

const pageContext = (doc, loc, extra, referrer) => {
  const p = { url: loc.href, referrer: referrer == null ? doc.referrer : referrer, title: doc.title };
  for (const n of ['type', 'product_id', 'category', 'brand']) {
    const m = doc.querySelector(`meta[name="tsunagu:${n}"]`);
    if (m) p[n] = m.getAttribute('content');
  }
  return clean(Object.assign(p, extra));
};

const slotNames = doc => [...new Set([...doc.querySelectorAll('[data-tsunagu-slot]')]
  .map(e => e.getAttribute('data-tsunagu-slot')).filter(Boolean))];

const body = (ids, more) => clean(Object.assign({ vid: ids.vid, uid: ids.uid, uid_sig: ids.sig }, more));

// one request per tick, up to 100 events (the server's limit)
const batcher = (send, defer) => {
  const q = [];
  const flush = () => { while (q.length) send(q.splice(0, 100)); };
  return { push: e => q.push(e) === 1 && defer(flush), flush, clear: () => { q.length = 0; } };
};

const d = root.document;
if (typeof module === 'object' && !d) {
  module.exports = { decode, safeUrl, badAttr, clean, readCookie, consented, pageContext, slotNames, body, batcher };
}
if (!d || (root.tsunagu && root.tsunagu.track)) return; // not a browser, or loaded twice

const html = d.documentElement, loc = root.location, nav = root.navigator, script = d.currentScript;
const cfg = Object.assign({ endpoint: null, timeout: 300, cookie: 'tsunagu_vid', consentCookie: null,
  respectDoNotTrack: false, slots: null, uid: null, uidSig: null, page: null }, root.tsunaguConfig);
const endpoint = String(cfg.endpoint || new URL(script && script.src || loc.href).origin).replace(/\/+$/, '');
const ids = { vid: null, uid: cfg.uid, sig: cfg.uidSig };
const listeners = {};
const events = batcher(list => ids.vid && allowed() && send('/v1/events', { events: list }, true),
  f => Promise.resolve().then(f).catch(report));
let explicit = null, started = false, round = 0, lastUrl = null, hideTimer = 0, observer = null, seen = {};

const allowed = () => consented(cfg, d.cookie, nav, explicit);
const slots = () => [...d.querySelectorAll('[data-tsunagu-slot]')];
const get = (e, name) => e.getAttribute('data-tsunagu-' + name);
const attr = (e, name, v) => v == null ? e.removeAttribute('data-tsunagu-' + name) : e.setAttribute('data-tsunagu-' + name, v);
const status = s => html.setAttribute('data-tsunagu', s);
const emit = (name, arg) => (listeners[name] || []).forEach(fn => {
  try { fn(arg); } catch (e) { /* theirs */ }
});
const report = e => emit('error', e);
const guard = fn => function () {
  try { return fn.apply(this, arguments); } catch (e) { report(e); }
};

const setCookie = (v, age) => {
  d.cookie = `${cfg.cookie}=${v}; Max-Age=${age}; Path=/; SameSite=Lax${loc.protocol === 'https:' ? '; Secure' : ''}`;
};

const ensureVid = () => {
  const v = readCookie(d.cookie, cfg.cookie), c = root.crypto;
  ids.vid = /^[\w-]{8,64}$/.test(v) ? v : ids.vid || (c.randomUUID ? c.randomUUID()
    : [...c.getRandomValues(new Uint8Array(16))].map(x => (x + 256).toString(16).slice(1)).join(''));
  setCookie(ids.vid, 31536000);
};

// text/plain: no CORS preflight
const send = (path, more, beacon) => {
  const json = JSON.stringify(body(ids, more));
  try {
    if (beacon && nav.sendBeacon(endpoint + path, new Blob([json], { type: TEXT }))) return;
  } catch (e) { /* fetch then */ }
  const r = root.fetch(endpoint + path, { method: 'POST', keepalive: !!beacon, body: json, headers: { 'Content-Type': TEXT } });
  return beacon ? r.catch(report) : r;
};

const hide = () => {
  if (hideTimer || !(cfg.timeout > 0)) return; // keep the first deadline
  html.classList.add('tsunagu-pending');
  hideTimer = setTimeout(() => {
    hideTimer = 0;
    if (html.getAttribute('data-tsunagu') === 'pending') settle('timeout');
    else unhide();
  }, cfg.timeout);
};

const unhide = () => {
  clearTimeout(hideTimer);
  hideTimer = 0;
  html.classList.remove('tsunagu-pending');
};

const settle = s => {
  unhide();
  for (const e of slots()) if (get(e, 'state') === 'pending') { setContent(e, null); attr(e, 'state', 'default'); }
  status(s);
};

const mk = (parent, tag, cls) => {
  const e = d.createElement(tag);
  e.className = 'tsunagu-' + cls;
  return parent ? parent.appendChild(e) : e;
};

const trustedHtml = s => {
  const t = d.createElement('template'); // inert while cleaned
  t.innerHTML = s;
  t.content.querySelectorAll(DROP).forEach(n => n.remove());
  for (const e of t.content.querySelectorAll('*')) {
    for (const a of [...e.attributes]) if (badAttr(a.name, a.value)) e.removeAttribute(a.name);
  }
  return d.importNode(t.content, true);
};

const field = (parent, c, name, tag, cls) => {
  const v = c[name];
  if (v == null || v === '') return;
  const e = mk(parent, tag, cls || name);
  if ([].concat(c.trusted).includes(name)) e.appendChild(trustedHtml(String(v)));
  else e.textContent = typeof v === 'number' ? v.toLocaleString() : decode(v);
};

const url = u => safeUrl(decode(u), loc.href);

const link = (parent, href, u = url(href)) => {
  if (!u) return parent;
  const a = mk(parent, 'a', 'link');
  a.href = u;
  return a;
};

const image = (parent, src, u = url(src)) => {
  if (!u) return;
  const i = mk(parent, 'img', 'image');
  i.src = u;
  i.alt = '';
  i.loading = 'lazy';
};

const render = c => {
  if (!c || !['banner', 'coupon', 'message', 'recommend'].includes(c.template)) return null;
  const box = mk(null, 'div', c.template + ' tsunagu-content'), a = link(box, c.link);
  box._tsunagu = 1;
  image(a, c.image);
  field(a, c, 'title', 'strong');
  field(a, c, 'message', 'p', 'text');
  field(a, c, 'code', 'code');
  if (c.template === 'recommend') {
    const ul = mk(box, 'ul', 'items');
    for (const it of Array.isArray(c.items) ? c.items : []) {
      const li = mk(ul, 'li', 'item');
      li.setAttribute('data-tsunagu-item', decode(it.id));
      const a = link(li, it.url);
      image(a, it.image);
      for (const f of ['name', 'brand', 'price']) field(a, it, f, 'span');
    }
  }
  return box;
};

// default content stays (a framework may own it); CSS hides its elements while "rendered"
const setContent = (slot, node) => {
  for (const n of [...slot.children]) if (n._tsunagu) n.remove();
  if (node) slot.appendChild(node);
};

const props = s => ({ campaign: get(s, 'campaign'), variant: get(s, 'variant'), slot: get(s, 'slot') });

// impressions: once per decision per page view, at half visible; one observer, so one request
const watch = s => {
  const fire = () => {
    const p = props(s), key = JSON.stringify(p);
    if (!seen[key]) api.track('impression', p);
    seen[key] = 1;
  };
  if (!root.IntersectionObserver) return fire();
  observer = observer || new IntersectionObserver(list => list.forEach(e => {
    if (e.intersectionRatio >= 0.5) {
      observer.unobserve(e.target);
      e.target._fire();
    }
  }), { threshold: 0.5 });
  s._fire = fire;
  observer.observe(s);
};

const apply = res => {
  const list = (res && Array.isArray(res.decisions) ? res.decisions : []).filter(Boolean);
  const bySlot = {};
  for (const x of list) bySlot[x.slot] = x;
  for (const s of slots()) {
    const x = bySlot[get(s, 'slot')];
    let node = null;
    try { node = x && render(x.content); } catch (e) { report(e); }
    setContent(s, node);
    attr(s, 'campaign', x && x.campaign);
    attr(s, 'variant', x && x.variant);
    attr(s, 'state', node ? 'rendered' : 'default');
    if (x && (node || !x.content)) watch(s); // incl. holdouts
  }
  api.decisions = list;
  unhide();
  for (const x of list) {
    emit('decision', x);
    d.dispatchEvent(new CustomEvent('tsunagu:decision', { detail: x }));
  }
};

const stop = () => {
  round++; // an answer in flight is dropped
  setCookie('', 0);
  ids.vid = null;
  events.clear();
  apply(null);
  status('off');
};

const decide = async ctx => {
  const view = ++round;
  try {
    if (observer) observer.disconnect();
    observer = null;
    seen = {};
    if (!allowed()) return stop();
    ensureVid();
    const ref = lastUrl == null ? d.referrer : lastUrl;
    lastUrl = loc.href;
    const page = pageContext(d, loc, Object.assign({}, typeof cfg.page === 'function' ? cfg.page() : cfg.page, ctx), ref);
    for (const s of slots()) attr(s, 'state', 'pending');
    status('pending');
    const r = await send('/v1/decide', { page, slots: cfg.slots || slotNames(d) });
    if (!r.ok) throw new Error('tsunagu: /v1/decide answered ' + r.status);
    const res = await r.json();
    // late answers render; stale ones (an earlier page view) don't
    if (view !== round) return;
    apply(res);
    status('done');
  } catch (e) {
    if (view === round) settle('error');
    report(e);
  }
};

// hide now; decide when the new route's DOM has been still for 100 ms (its data may come first)
const navigated = guard(() => {
  if (!started || loc.href === lastUrl) return;
  if (allowed()) hide();
  const t0 = Date.now(), mo = new MutationObserver(() => wait());
  let timer;
  const wait = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      mo.disconnect();
      if (loc.href !== lastUrl) decide();
    }, Date.now() - t0 > 1000 ? 0 : 100);
  };
  mo.observe(html, { childList: true, subtree: true });
  wait();
});

const api = (cmd, ...args) => typeof api[cmd] === 'function' ? api[cmd](...args) : undefined;
Object.assign(api, {
  decisions: [],
  track(type, p) {
    if (type && allowed()) events.push(clean({ type: String(type), ts: Date.now(), props: p }));
  },
  identify(uid, sig) {
    ids.uid = uid;
    ids.sig = sig;
    if (started) decide();
  },
  consent: guard(yes => {
    explicit = !!yes;
    if (started && !yes) stop();
    else if (started && !ids.vid) decide();
  }),
  on(name, fn) {
    (listeners[name] = listeners[name] || []).push(fn);
    if (name === 'decision') api.decisions.forEach(x => { try { fn(x); } catch (e) { /* theirs */ } });
  },
  page(ctx) {
    started = true;
    decide(ctx);
  }
});

guard(() => {
  const queued = root.tsunagu && root.tsunagu.q || [];
  root.tsunagu = api;
  (d.head || html).insertAdjacentHTML('beforeend', '<style>html.tsunagu-pending [data-tsunagu-slot]{visibility:hidden!important}'
    + '[data-tsunagu-state=rendered]>:not(.tsunagu-content){display:none!important}</style>');
  for (const args of queued) api(...args);
  if (allowed()) hide();
  for (const m of ['pushState', 'replaceState']) {
    const orig = root.history[m];
    root.history[m] = function () {
      const r = orig.apply(this, arguments);
      navigated();
      return r;
    };
  }
  root.addEventListener('popstate', navigated);
  root.addEventListener('pagehide', guard(events.flush));
  d.addEventListener('click', guard(e => {
    const t = e.target, s = t.closest && t.closest('[data-tsunagu-state="rendered"]');
    if (!s) return;
    const p = props(s), item = t.closest('[data-tsunagu-item]');
    if (item && s.contains(item)) p.item = get(item, 'item');
    api.track('click', p);
  }), true);
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', () => started || api.page());
  else api.page();
})();
})(typeof window === 'undefined' ? this : window);
