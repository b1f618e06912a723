// What every browser test shares: Debian's Chromium driven by playwright-core, the server under test
// (started by the JUnit test that runs these scripts, given in TSUNAGU_URL) and a folder for artifacts.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const BASE = required('TSUNAGU_URL');
export const ADMIN_TOKEN = process.env.TSUNAGU_ADMIN_TOKEN;
export const ARTIFACTS = process.env.TSUNAGU_ARTIFACTS || 'target/e2e-artifacts';

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: these tests run from the server module's JUnit tests`);
  return v;
}

/**
 * Headless Chromium, quiet on a machine without internet (no background networking). With
 * {backForwardCache: true} Back and Forward restore pages from memory, as in a browser people use
 * (playwright turns that cache off by default).
 */
export function launch({ backForwardCache = false } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    ignoreDefaultArgs: backForwardCache ? ['--disable-back-forward-cache'] : [],
  });
}

/** A saved screenshot's path; the folder is made if needed. */
export function artifact(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/**
 * Runs fn with a page in a fresh browser profile (no cookies, no storage) of the given context
 * options, then checks that the page threw nothing (script errors, Content-Security-Policy breaches).
 */
export async function inFreshContext(browser, options, fn) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = collectErrors(page);
  try {
    await fn({ context, page });
    assert.deepEqual(errors, [], 'errors in the page');
  } finally {
    await context.close();
  }
}

/** Page errors and console errors of a page, to assert that none happened. */
export function collectErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Failed requests the test provoked itself (a server that is down) are logged by Chromium as
    // console errors; only script errors count here.
    if (m.type() === 'error' && !/Failed to load resource|net::ERR_/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** The admin API's view of a profile. */
export async function adminProfile(id) {
  const r = await fetch(`${BASE}/admin/v1/profiles/${encodeURIComponent(id)}`, {
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  if (!r.ok) throw new Error(`GET /admin/v1/profiles/${id}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** Polls until fn returns a truthy value (or throws the last error after timeoutMs). */
export async function eventually(fn, timeoutMs = 5000, what = 'the condition') {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
