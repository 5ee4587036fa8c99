// Hocvuso service worker (scope /). Nothing is queued here: the page keeps the outbox.
// Change this file (e.g. the comment below) to refresh the precached files on every phone.
// precache version: 2
'use strict';
const CACHE = 'hocvuso-pages-v1';
const KEEP = [CACHE];
const PRECACHE = ['/static/app.css', '/static/app.js', '/offline'];
const MATCH = { ignoreSearch: false, ignoreVary: true };
const TIMEOUT = 8000;

self.addEventListener('install', e => {
  // cache: 'reload' skips the HTTP cache so a new worker gets fresh copies.
  e.waitUntil(caches.open(CACHE)
    .then(c => c.addAll(PRECACHE.map(u => new Request(u, { cache: 'reload', credentials: 'same-origin' }))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', e => {
  e.waitUntil(caches.keys()
    .then(keys => Promise.all(keys.filter(k => KEEP.indexOf(k) < 0).map(k => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', e => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const p = url.pathname;
  if (p.startsWith('/api/') || p === '/app/token' || p === '/sw.js') return;
  e.respondWith(p.startsWith('/static/') ? fromCacheFirst(req) : fromNetworkFirst(e, req));
});

// /static/…: cache first, then network (and keep a copy).
function fromCacheFirst(req) {
  // By URL (not the request, whose mode and headers differ from the saved one's); any
  // version of a file does when offline.
  return caches.match(req.url, MATCH)
    .then(hit => hit || caches.match(req.url, { ignoreSearch: true, ignoreVary: true }))
    .then(hit => hit || fetch(req).then(res => {
    if (res.status === 200) {
      const copy = res.clone();
      caches.open(CACHE).then(c => c.put(req, copy)).catch(() => {});
    }
    return res;
  }));
}

// Pages: network first. A page the learner saved is refreshed in the cache.
// After 8 s without an answer the saved copy (if any) is shown; without one we keep waiting
// for the network. On a network error: saved copy, else /offline, else a plain 503.
function fromNetworkFirst(e, req) {
  let update = Promise.resolve();
  const net = fetch(req).then(res => {
    if (res.status === 200 && !res.redirected && res.type === 'basic') {
      const copy = res.clone();
      update = caches.open(CACHE)
        .then(c => c.match(req, MATCH).then(hit => hit && c.put(req, copy)))
        .catch(() => {});
    }
    return res;
  });
  e.waitUntil(net.then(() => update, () => {}));
  return new Promise(resolve => {
    let done = false;
    const give = r => { if (!done && r) { done = true; resolve(r); } };
    const timer = setTimeout(() => caches.match(req.url, MATCH).then(give, () => {}), TIMEOUT);
    net.then(res => { clearTimeout(timer); give(res); }, () => {
      clearTimeout(timer);
      fallback(req).then(give);
    });
  });
}

function fallback(req) {
  const page = req.mode === 'navigate' || (req.headers.get('Accept') || '').includes('text/html');
  return caches.match(req.url, MATCH)
    .then(hit => hit || (page ? caches.match('/offline', MATCH) : undefined))
    .catch(() => undefined)
    .then(r => r || new Response('Offline', {
      status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' }
    }));
}
