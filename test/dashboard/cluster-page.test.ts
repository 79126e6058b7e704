// The dashboard's cluster page in a real Chromium against two real instances sharing the real PostgreSQL: the link
// shows in cluster mode, the page lists both instances (this one marked), the workers, and who ran each firing; a
// job stored through the category API is in the job list. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startHttpCluster, type HttpCluster } from '../cluster/http-cluster.ts';
import { launchChromium } from '../support/launch-chromium.ts';

const TOKEN = 'cluster-page-token';
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

describe('dashboard cluster page in Chromium (real PostgreSQL, two instances)', () => {
  let cluster: HttpCluster;
  let base: string;
  let browser: Browser;
  const problems: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    cluster = await startHttpCluster({
      prefix: 'dashboard',
      token: TOKEN,
      jobs: [{ name: 'beat', schedule: 'every 1s', script: 'true' }],
    });
    base = cluster.urls[0]!;
    const put = await fetch(`${base}/api/v1/categories/reports`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ jobs: [{ name: 'Daily Sales', schedule: '0 6 * * *', command: 'true' }] }),
    });
    assert.equal(put.status, 200, await put.text());
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await cluster?.close();
  });

  async function open(width: number, height: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${base}/`);
    await page.waitForSelector('body[data-ready]');
    return page;
  }

  it('shows the stored job, then both instances and who ran each firing of beat', async () => {
    const page = await open(1280, 800);
    await page.waitForSelector('.job-row[data-job="reports/Daily Sales"]');
    // No invalid job here: the summary has no item for them (it once said "null").
    await page.waitForSelector('#summary .stat-jobs');
    assert.doesNotMatch((await page.textContent('#summary')) ?? '', /null/);
    await page.waitForSelector('#cluster-link:not([hidden])');
    await page.click('#cluster-link');
    await page.waitForSelector('tr[data-instance="node2"][data-state="alive"]');
    assert.match((await page.textContent('tr[data-instance="node1"]')) ?? '', /node1this one.*alive/);
    assert.doesNotMatch((await page.textContent('tr[data-instance="node2"]')) ?? '', /this one/);
    assert.match((await page.textContent('.cluster-header h1')) ?? '', /2 of 2 instances alive/);
    // The firings refresh every 2 s: wait for a few, each with the instance that ran it.
    await page.waitForFunction(() => document.querySelectorAll('tr[data-job="beat"]').length >= 3, undefined, {
      timeout: 15_000,
    });
    const ranOn = await page.$$eval('tr[data-job="beat"]', (rows) =>
      rows.map((row) => row.getAttribute('data-instance')),
    );
    assert.ok(
      ranOn.every((id) => id === 'node1' || id === 'node2'),
      `firings ran on ${ranOn.join(', ')}`,
    );
    assert.match((await page.textContent('main')) ?? '', /No worker yet/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-cluster.png'), fullPage: true });

    // A job's firings alone, from the filter.
    await page.fill('.section-head .search', 'beat');
    await page.press('.section-head .search', 'Enter');
    await page.waitForFunction(() => location.hash === '#/cluster?job=beat');
    await page.waitForSelector('text=Latest firings of beat');
    await page.close();
    assert.deepEqual(problems, []);
  });

  it('fits a phone-width window', async () => {
    const page = await open(390, 844);
    await page.goto(`${base}/#/cluster`);
    await page.waitForSelector('tr[data-instance="node1"]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow} px wider than the window`);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-cluster-phone.png'), fullPage: true });
    await page.close();
    assert.deepEqual(problems, []);
  });
});
