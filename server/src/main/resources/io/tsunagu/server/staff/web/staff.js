// Tsunagu staff page: sign in, look up a member, see their web browsing, store history and timeline.
// Plain JavaScript, no framework. Data is only ever put into the page as text (textContent, attributes
// set one by one), never as HTML, so a product name or a survey comment cannot inject markup.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  let session = null; // {user, store, role, restricted_to_store, csrf, ...}
  let current = null; // the member on screen: {uid, nextBefore, now}

  // ---- helpers ------------------------------------------------------------------------------

  /**
   * Any JSON value as text. Event props come from visitors in any shape: a title of 42, a list, or
   * {"toString": "…"}, on which String() and join() throw and the member could not be shown.
   */
  function text(v) {
    if (v === undefined || v === null) return '';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }

  /** The parts that are there, as text, joined with a dot. */
  function joined(parts) {
    return parts.filter((x) => x !== undefined && x !== null && x !== '' && x !== false).map(text).join(' \u00b7 ');
  }

  function el(tag, className, content) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (content !== undefined && content !== null) e.textContent = text(content);
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && session) headers['X-CSRF-Token'] = session.csrf;
    let res;
    try {
      res = await fetch(path, {
        method, headers, credentials: 'same-origin', cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      return { status: 0, data: { message: 'The server cannot be reached. Check the connection.' } };
    }
    let data = null;
    if (res.status !== 204) {
      try { data = await res.json(); } catch (e) { data = null; }
    }
    return { status: res.status, data: data || {} };
  }

  const UNITS = [['year', 365 * 86400], ['month', 30 * 86400], ['week', 7 * 86400], ['day', 86400], ['hour', 3600], ['minute', 60]];

  /** "3 days ago", "in 2 days", "just now": relative to the server's clock, not the tablet's. */
  function ago(ts, now) {
    const s = Math.round((now - ts) / 1000);
    const abs = Math.abs(s);
    if (abs < 60) return 'just now';
    for (const [unit, size] of UNITS) {
      if (abs >= size) {
        const n = Math.floor(abs / size);
        const words = n + ' ' + unit + (n === 1 ? '' : 's');
        return s >= 0 ? words + ' ago' : 'in ' + words;
      }
    }
    return 'just now';
  }

  function when(ts) {
    return new Date(ts).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }

  function timeEl(ts, now) {
    const t = el('time', null, ago(ts, now));
    t.dateTime = new Date(ts).toISOString();
    t.title = when(ts);
    return t;
  }

  function yen(amount) {
    if (typeof amount !== 'number') return '';
    return '¥' + amount.toLocaleString('ja-JP', { maximumFractionDigits: 0 });
  }

  function label(name) {
    return text(name).replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
  }

  /** Only plain web addresses and paths of this site become links or images. */
  function safeUrl(u) {
    return typeof u === 'string' && (/^https:\/\//i.test(u) || /^\/(?!\/)/.test(u)) ? u : null;
  }

  // ---- icons (inline SVG built node by node: no markup strings, nothing fetched) -------------

  const ICONS = {
    web_view: ['M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z', 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z'],
    web_cart: ['M3 4h2l2.4 11h11l2-8H6.2', 'M9 20a1 1 0 1 0 0 .1z', 'M18 20a1 1 0 1 0 0 .1z'],
    web_purchase: ['M3 4h2l2.4 11h11l2-8H6.2', 'M10 10l2 2 4-4'],
    store_purchase: ['M6 7h12l-1 13H7L6 7z', 'M9 7a3 3 0 0 1 6 0'],
    store_visit: ['M3 10l9-6 9 6', 'M5 10v10h14V10', 'M10 20v-6h4v6'],
    reservation: ['M4 6h16v14H4z', 'M4 10h16', 'M8 3v4', 'M16 3v4', 'M9 15l2 2 4-4'],
    call: ['M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2'],
    email_sent: ['M3 6h18v12H3z', 'M3 6l9 7 9-7'],
    email_open: ['M3 10l9-6 9 6v10H3z', 'M3 10l9 6 9-6'],
    survey: ['M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z'],
    signup: ['M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', 'M4 21a8 8 0 0 1 16 0'],
    other: ['M12 8v5', 'M12 16v.1', 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z'],
  };

  function icon(kind) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    for (const d of ICONS[kind] || ICONS.other) {
      const p = document.createElementNS(ns, 'path');
      p.setAttribute('d', d);
      svg.appendChild(p);
    }
    const wrap = el('span', 'icon');
    wrap.appendChild(svg);
    return wrap;
  }

  // ---- views --------------------------------------------------------------------------------

  function showLogin(message) {
    session = null;
    current = null;
    clearCustomer();
    $('who').hidden = true;
    $('lookup-view').hidden = true;
    $('login-view').hidden = false;
    $('login-password').value = '';
    $('login-error').textContent = message || '';
    $('login-user').focus();
  }

  function showLookup(s) {
    session = s;
    $('who-name').textContent = s.user + ' · ' + s.store + (s.restricted_to_store ? ' (this store\u2019s customers)' : '');
    $('who').hidden = false;
    $('login-view').hidden = true;
    $('lookup-view').hidden = false;
    $('scan').hidden = !('BarcodeDetector' in window && navigator.mediaDevices);
    $('search-uid').focus();
  }

  function message(words, bad) {
    const m = $('lookup-message');
    m.textContent = words || '';
    m.className = 'notice' + (bad ? ' bad' : '');
  }

  function clearCustomer() {
    $('customer').hidden = true;
    for (const id of ['customer-attributes', 'customer-segments', 'customer-visits', 'recent-views',
      'interest-brands', 'interest-categories', 'store-purchases', 'timeline']) clear($(id));
    $('customer-name').textContent = '';
    $('customer-uid').textContent = '';
    $('customer-rank').textContent = '';
  }

  /** Answers every view handles alike; true when handled. */
  function handled(r) {
    if (r.status === 401) { showLogin('Your session has ended. Please sign in again.'); return true; }
    if (r.status !== 200) { message(r.data.message || 'Something went wrong (' + r.status + ').', true); return true; }
    return false;
  }

  function renderCustomer(c) {
    const a = c.attributes || {};
    const name = [a.first_name, a.last_name].filter(Boolean).map(text).join(' ') || a.name || 'Member';
    $('customer-name').textContent = name;
    $('customer-uid').textContent = 'Member ' + c.uid;
    const rank = $('customer-rank');
    rank.textContent = a.member_rank || '';
    rank.className = 'rank ' + (typeof a.member_rank === 'string' ? a.member_rank.toLowerCase() : '');
    rank.hidden = !a.member_rank;

    const dl = $('customer-attributes');
    for (const [k, v] of Object.entries(a)) {
      if (k === 'first_name' || k === 'last_name' || k === 'name' || k === 'member_rank') continue;
      const row = el('div');
      row.appendChild(el('dt', null, label(k)));
      row.appendChild(el('dd', null, typeof v === 'boolean' ? (v ? 'yes' : 'no') : v));
      dl.appendChild(row);
    }
    const chips = $('customer-segments');
    for (const s of c.segments || []) chips.appendChild(el('span', 'chip', label(s)));

    const visits = $('customer-visits');
    const v = c.store_visits || {};
    for (const u of v.upcoming || []) {
      const p = el('p');
      p.appendChild(el('strong', null, 'Booked: '));
      p.appendChild(document.createTextNode(text(u.store_id || 'a store') + ', ' + ago(u.ts, c.now) + ' (' + when(u.ts) + ')'));
      visits.appendChild(p);
    }
    const last = el('p');
    last.appendChild(el('strong', null, 'Last store visit: '));
    last.appendChild(document.createTextNode(v.last ? text(v.last.store_id || 'a store') + ', ' + ago(v.last.ts, c.now) : 'none'));
    const visitCount = v.count_365d || 0;
    last.appendChild(document.createTextNode(' · ' + visitCount + (visitCount === 1 ? ' visit' : ' visits') + ' in the last year'));
    visits.appendChild(last);

    const views = $('recent-views');
    if (!c.recent_views || c.recent_views.length === 0) views.appendChild(el('p', 'empty', 'No web browsing recorded.'));
    for (const view of c.recent_views || []) views.appendChild(productCard(view, c.now));

    bars($('interest-brands'), (c.interests || {}).brands);
    bars($('interest-categories'), (c.interests || {}).categories);

    const lines = $('store-purchases');
    if (!c.store_purchases || c.store_purchases.length === 0) lines.appendChild(el('li', 'empty', 'No store purchases.'));
    for (const p of c.store_purchases || []) {
      const li = el('li');
      const left = el('div');
      const prod = p.product || {};
      left.appendChild(el('div', 'title', prod.name || label(p.brand || p.category || prod.id || 'item')));
      left.appendChild(el('div', 'muted', joined([prod.brand || (prod.name ? p.brand : null), p.category, p.store_id,
        p.quantity > 1 ? '×' + text(p.quantity) : null])));
      const right = el('div');
      right.appendChild(el('div', null, yen(p.amount)));
      right.appendChild(timeEl(p.ts, c.now));
      li.appendChild(left);
      li.appendChild(right);
      lines.appendChild(li);
    }
  }

  function productCard(view, now) {
    const card = el('article', 'product');
    const prod = view.product || {};
    const src = safeUrl(prod.image);
    const placeholder = el('div', 'image', text(prod.category || prod.name || view.title || '?').slice(0, 1).toUpperCase());
    if (src) {
      const img = el('img');
      img.alt = '';
      img.loading = 'lazy';
      img.referrerPolicy = 'no-referrer';
      img.addEventListener('error', () => img.replaceWith(placeholder));
      img.src = src;
      card.appendChild(img);
    } else {
      card.appendChild(placeholder);
    }
    const info = el('div', 'text');
    info.appendChild(el('div', 'name', prod.name || view.title || view.url || 'Page'));
    const meta = joined([prod.brand, prod.category]) || text(view.page_type);
    if (meta) info.appendChild(el('div', 'meta', meta));
    const when = el('div', 'meta');
    when.appendChild(timeEl(view.ts, now));
    info.appendChild(when);
    card.appendChild(info);
    return card;
  }

  function bars(list, items) {
    if (!items || items.length === 0) { list.appendChild(el('li', 'empty', 'Not enough to tell yet.')); return; }
    const top = items[0].score || 1;
    for (const it of items) {
      const li = el('li');
      li.appendChild(el('span', null, it.value));
      const track = el('span', 'track');
      const fill = el('span', 'fill');
      fill.style.width = Math.max(4, Math.round(100 * it.score / top)) + '%';
      fill.style.display = 'block';
      track.appendChild(fill);
      li.appendChild(track);
      li.appendChild(el('span', 'count', text(it.views) + ' views · ' + text(it.purchases) + ' bought'));
      list.appendChild(li);
    }
  }

  const TITLES = {
    web_view: 'Viewed on the web', web_cart: 'Added to cart', web_purchase: 'Bought online',
    store_purchase: 'Bought in store', store_visit: 'Visited a store', reservation: 'Booked a visit',
    call: 'Called customer service', email_sent: 'E-mail sent', email_open: 'Opened an e-mail',
    survey: 'Answered a survey', signup: 'Signed up', other: 'Event',
  };

  function timelineItem(e, now) {
    const li = el('li', e.channel || 'other');
    li.dataset.kind = e.kind;
    li.appendChild(icon(e.kind));
    const body = el('div');
    body.appendChild(el('div', 'title', e.kind === 'other' ? label(e.type) : TITLES[e.kind] || label(e.type)));
    const p = e.props || {};
    const prod = e.product || {};
    let detail;
    switch (e.kind) {
      case 'web_view': detail = joined([prod.name || p.title || p.url, prod.brand]); break;
      case 'web_cart': case 'web_purchase': case 'store_purchase':
        detail = joined([prod.name || prod.id, prod.brand || p.brand, p.store_id, yen(p.amount)]); break;
      case 'store_visit': case 'reservation': detail = joined([p.store_id, p.kind]); break;
      case 'call': detail = joined([p.reason, typeof p.duration_s === 'number' ? Math.round(p.duration_s / 60) + ' min' : null]); break;
      case 'email_sent': case 'email_open': detail = text(p.campaign); break;
      case 'survey': detail = joined([p.survey, p.score !== undefined ? 'score ' + text(p.score) : null, p.comment]); break;
      default: detail = joined(Object.entries(p).slice(0, 4).map(([k, v]) => k + ': ' + text(v)));
    }
    if (detail) body.appendChild(el('div', 'detail', detail));
    li.appendChild(body);
    li.appendChild(timeEl(e.ts, now));
    return li;
  }

  function renderTimeline(t) {
    const list = $('timeline');
    if (t.events.length === 0 && list.childElementCount === 0) list.appendChild(el('li', 'empty', 'Nothing recorded yet.'));
    for (const e of t.events) list.appendChild(timelineItem(e, t.now));
    current.nextBefore = t.next_before;
    $('timeline-more').hidden = !t.next_before;
  }

  // ---- actions ------------------------------------------------------------------------------

  async function lookUp(raw) {
    const uid = String(raw || '').trim();
    if (!uid) return;
    if (!/^[A-Za-z0-9._:@+=-]{1,128}$/.test(uid)) { message('That is not a member id.', true); return; }
    clearCustomer();
    message('Looking up ' + uid + ' \u2026');
    $('search-submit').disabled = true;
    const path = '/staff/api/customers/' + encodeURIComponent(uid);
    try {
      const [c, t] = await Promise.all([api('GET', path), api('GET', path + '/timeline?limit=20')]);
      if (handled(c)) return;
      current = { uid, nextBefore: null };
      renderCustomer(c.data);
      if (!handled(t)) renderTimeline(t.data);
      $('customer').hidden = false;
      message('');
      $('search-uid').select();
    } finally {
      $('search-submit').disabled = false;
    }
  }

  async function more() {
    if (!current || !current.nextBefore) return;
    const btn = $('timeline-more');
    btn.disabled = true;
    const r = await api('GET', '/staff/api/customers/' + encodeURIComponent(current.uid) + '/timeline?limit=20&before='
      + encodeURIComponent(current.nextBefore));
    btn.disabled = false;
    if (!handled(r)) renderTimeline(r.data);
  }

  async function login(ev) {
    ev.preventDefault();
    const btn = $('login-submit');
    btn.disabled = true;
    $('login-error').textContent = '';
    const r = await api('POST', '/staff/api/login', { user: $('login-user').value.trim(), password: $('login-password').value });
    btn.disabled = false;
    $('login-password').value = '';
    if (r.status === 200) { message(''); showLookup(r.data); return; }
    $('login-error').textContent = r.status === 401 ? 'Wrong user name or password.'
      : r.data.message || 'Cannot sign in right now (' + r.status + ').';
    $('login-password').focus();
  }

  async function logout() {
    await api('POST', '/staff/api/logout');
    showLogin('Signed out.');
  }

  // A membership card: the camera and the browser's barcode detector, where the tablet has them.
  // (A handheld scanner needs nothing: it types the id into the field and presses Enter.)
  let scanning = null;
  async function scan() {
    const video = $('scanner-video');
    try {
      const detector = new window.BarcodeDetector();
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      scanning = stream;
      video.srcObject = stream;
      $('scanner').hidden = false;
      await video.play();
      while (scanning === stream) {
        const codes = await detector.detect(video).catch(() => []);
        if (codes.length > 0) {
          stopScan();
          $('search-uid').value = codes[0].rawValue.trim();
          lookUp($('search-uid').value);
          return;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    } catch (e) {
      stopScan();
      message('The camera cannot be used here; type the member id instead.', true);
    }
  }

  function stopScan() {
    if (scanning) scanning.getTracks().forEach((t) => t.stop());
    scanning = null;
    $('scanner').hidden = true;
  }

  async function start() {
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', logout);
    $('search-form').addEventListener('submit', (ev) => { ev.preventDefault(); lookUp($('search-uid').value); });
    $('timeline-more').addEventListener('click', more);
    $('scan').addEventListener('click', scan);
    $('scanner-stop').addEventListener('click', stopScan);
    await checkSession();
  }

  async function checkSession() {
    const r = await api('GET', '/staff/api/session');
    if (r.status === 200) showLookup(r.data); else showLogin(r.status === 0 ? r.data.message : '');
  }

  // Back and Forward restore a page as it was left, from memory, even after the session ended: so no
  // member stays in the page once it is left, and a restored page asks the server who is signed in.
  function leave() {
    stopScan();
    current = null;
    clearCustomer();
    message('');
    $('search-uid').value = '';
  }

  document.addEventListener('DOMContentLoaded', start);
  window.addEventListener('pagehide', leave);
  window.addEventListener('pageshow', (ev) => {
    if (ev.persisted) {
      $('lookup-view').hidden = true;
      checkSession();
    }
  });
})();
