// The demo shop: a small single-page shop over the catalog in memory. Pages change with
// history.pushState, as in a real single-page app, so the tag decides again on every navigation.
// Everything is built with the DOM API and textContent: product data never becomes markup.
(function () {
  'use strict';

  var CATEGORIES = ['shirts', 'knit', 'pants', 'outerwear', 'shoes', 'bags', 'accessories'];
  var view = document.getElementById('view');

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  function api(path, options) {
    return fetch(path, options).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.message || r.statusText);
        return body;
      });
    });
  }

  function yen(price) {
    return price == null ? '' : '¥' + Number(price).toLocaleString('en');
  }

  function member() {
    try { return JSON.parse(localStorage.getItem('demo-member') || 'null'); } catch (e) { return null; }
  }

  function cart() {
    try { return JSON.parse(localStorage.getItem('demo-cart') || '[]'); } catch (e) { return []; }
  }

  function saveCart(items) {
    localStorage.setItem('demo-cart', JSON.stringify(items));
    document.getElementById('cart-count').textContent = String(items.length);
  }

  // The page context the tag reads on each navigation.
  function setMeta(ctx) {
    ['type', 'product_id', 'category', 'brand'].forEach(function (name) {
      var m = document.querySelector('meta[name="tsunagu:' + name + '"]');
      if (ctx[name] == null) {
        if (m) m.remove();
        return;
      }
      if (!m) {
        m = el('meta', { name: 'tsunagu:' + name });
        document.head.appendChild(m);
      }
      m.setAttribute('content', ctx[name]);
    });
  }

  function slot(name, defaultText) {
    return el('section', { class: 'slot ' + name, 'data-tsunagu-slot': name },
      defaultText ? [el('p', { class: 'default', text: defaultText })] : []);
  }

  function card(p) {
    return el('a', { class: 'card', href: '/demo/products/' + encodeURIComponent(p.product_id || p.id), 'data-link': '' }, [
      el('img', { src: p.image || '/demo/img/' + p.category + '.svg', alt: '' }),
      el('span', { class: 'name', text: p.name || p.id }),
      el('span', { class: 'meta', text: (p.brand || '') + ' · ' + yen(p.price) })
    ]);
  }

  function grid(products) {
    return el('div', { class: 'grid' }, products.map(card));
  }

  function show(title, nodes, ctx) {
    setMeta(ctx);
    document.title = title + ' · Tsunagu demo shop';
    view.replaceChildren.apply(view, nodes);
  }

  // ---- pages ----------------------------------------------------------------------------------

  function home() {
    return api('/demo/api/products?limit=8').then(function (body) {
      show('Home', [
        slot('member_coupon'),
        el('h1', { text: 'New arrivals' }),
        grid(body.products),
        slot('history'),
        slot('recommendations', 'Our picks are on their way.')
      ], { type: 'home' });
    });
  }

  function category(name) {
    return api('/demo/api/products?limit=24&category=' + encodeURIComponent(name)).then(function (body) {
      show(name, [el('h1', { text: name }), slot('recommendations'), grid(body.products)], { type: 'category', category: name });
    });
  }

  function product(id) {
    return api('/demo/api/products/' + encodeURIComponent(id)).then(function (p) {
      var add = el('button', { type: 'button', id: 'add-to-cart', text: 'Add to cart' });
      add.addEventListener('click', function () {
        var items = cart();
        items.push({ id: p.id, name: p.name, brand: p.brand, category: p.category, price: p.price });
        saveCart(items);
        window.tsunagu('track', 'add_to_cart', { product_id: p.id, brand: p.brand, category: p.category, price: p.price });
        add.textContent = 'Added ✓';
      });
      show(p.name || p.id, [
        el('div', { class: 'product' }, [
          el('img', { src: p.image || '/demo/img/' + p.category + '.svg', alt: '' }),
          el('div', {}, [
            el('h1', { text: p.name || p.id }),
            el('p', { class: 'meta', text: (p.brand || '') + ' · ' + (p.category || '') }),
            el('p', { class: 'price', text: yen(p.price) }),
            add
          ])
        ]),
        slot('complements'),
        slot('recommendations')
      ], { type: 'product', product_id: p.id, category: p.category, brand: p.brand });
    });
  }

  function login() {
    return api('/demo/api/members').then(function (body) {
      var list = el('ul', { class: 'members' }, body.members.map(function (m) {
        var b = el('button', { type: 'button', 'data-uid': m.uid, text: 'Log in as ' + m.name + ' (' + m.uid + ')' });
        b.addEventListener('click', function () { signIn(m.uid); });
        return el('li', {}, [b, el('span', { text: m.story })]);
      }));
      var input = el('input', { name: 'uid', placeholder: 'member id, e.g. C-00042', autocomplete: 'off' });
      var form = el('form', { class: 'any-member' }, [input, el('button', { type: 'submit', text: 'Log in' })]);
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        signIn(input.value.trim());
      });
      show('Log in', [
        el('h1', { text: 'Log in as a demo member' }),
        el('p', { text: 'The shop signs the member id on the server, as a real site does for its logged-in members.' }),
        list,
        el('p', { text: 'Or any member of the imported demo retailer:' }),
        form
      ], { type: 'login' });
    });
  }

  function signIn(uid) {
    api('/demo/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ uid: uid }) })
      .then(function (m) {
        localStorage.setItem('demo-member', JSON.stringify(m));
        showMember();
        window.tsunagu('identify', m.uid, m.uid_sig);
        navigate('/demo/');
      })
      .catch(function (e) { alert(e.message); });
  }

  function cartPage() {
    var items = cart();
    var total = items.reduce(function (s, i) { return s + (Number(i.price) || 0); }, 0);
    var buy = el('button', { type: 'button', id: 'buy', text: 'Buy now' });
    buy.disabled = items.length === 0;
    buy.addEventListener('click', function () {
      items.forEach(function (i) {
        window.tsunagu('track', 'purchase', { channel: 'web', product_id: i.id, brand: i.brand, category: i.category, amount: i.price });
      });
      saveCart([]);
      show('Thank you', [el('h1', { text: 'Thank you for your order' })], { type: 'confirmation' });
    });
    show('Cart', [
      el('h1', { text: 'Your cart' }),
      items.length ? el('ul', { class: 'cart' }, items.map(function (i) {
        return el('li', { text: (i.name || i.id) + ' — ' + yen(i.price) });
      })) : el('p', { text: 'Your cart is empty.' }),
      el('p', { class: 'price', text: 'Total ' + yen(total) }),
      buy
    ], { type: 'cart' });
    return Promise.resolve();
  }

  // ---- routing --------------------------------------------------------------------------------

  var tagLoaded = false;

  // After the first page is drawn: the tag then finds its slots and page context on load.
  function loadTag() {
    if (tagLoaded) return;
    tagLoaded = true;
    var s = document.createElement('script');
    s.async = true;
    s.src = '/tag.js';
    document.head.appendChild(s);
  }

  function route() {
    var path = location.pathname.replace(/^\/demo\/?/, '');
    var parts = path.split('/').map(decodeURIComponent);
    var page = parts[0] === 'products' && parts[1] ? product(parts[1])
      : parts[0] === 'category' && parts[1] ? category(parts[1])
      : parts[0] === 'login' ? login()
      : parts[0] === 'cart' ? cartPage()
      : home();
    return page.catch(function (e) {
      show('Not found', [el('h1', { text: 'Not found' }), el('p', { text: e.message })], { type: 'other' });
    });
  }

  function navigate(url) {
    history.pushState(null, '', url);
    route();
    window.scrollTo(0, 0);
  }

  function showMember() {
    var m = member();
    document.getElementById('who').textContent = m ? 'Member ' + m.uid : 'Guest';
    document.getElementById('login-link').hidden = !!m;
    document.getElementById('logout').hidden = !m;
  }

  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[data-link]');
    if (a && !e.ctrlKey && !e.metaKey && !e.shiftKey && e.button === 0) {
      e.preventDefault();
      navigate(a.getAttribute('href'));
    }
  });
  window.addEventListener('popstate', route);
  document.getElementById('logout').addEventListener('click', function () {
    localStorage.removeItem('demo-member');
    location.href = '/demo/';
  });

  var nav = document.getElementById('categories');
  CATEGORIES.forEach(function (c) {
    nav.appendChild(el('a', { href: '/demo/category/' + c, 'data-link': '', text: c }));
  });
  saveCart(cart());
  showMember();
  route().then(loadTag);
})();
