// The dashboard in a real Chromium against the real service (the CLI, real processes): it loads, shows a job
// running live, runs a job with the token, shows the new run with its output escaped, pauses and resumes, and fits
// a phone. Screenshots are written to test-artifacts/ for people to look at.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { makeTempDir, removeTempDir, ServiceProcess } from '../support/cli-process.ts';
import { launchChromium } from '../support/launch-chromium.ts';
import { writeJobFolder, writeServiceFolder } from '../support/service-folder.ts';

const TOKEN = 'dashboard-test-token-0123456789';
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';

describe('dashboard in Chromium', () => {
  let root: string;
  let service: ServiceProcess;
  let browser: Browser;
  let base: string;
  const problems: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    root = await makeTempDir();
    const folder = writeServiceFolder(root, '[Control]\nSOCKET =', ['LISTEN = 127.0.0.1:0', `TOKEN = ${TOKEN}`]);
    writeJobFolder(folder.jobs, 'tick', '*/2 * * * * *', 'echo tick');
    writeJobFolder(folder.jobs, 'manual', 'none', `printf '%s\\n' '${HOSTILE}'; echo 'to stderr' >&2`);
    writeJobFolder(folder.jobs, 'broken', 'every banana', 'echo never');
    service = new ServiceProcess(['-c', folder.config], { cwd: root });
    const line = await service.waitForLog(/HTTP API listening on http:\/\/127\.0\.0\.1:\d+/);
    base = /http:\/\/127\.0\.0\.1:\d+/.exec(line)![0];
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await service?.kill();
    if (root) await removeTempDir(root);
  });

  async function open(width: number, height: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // A refused action shows in the console as a failed request; everything else counts (CSP violations too).
      if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(message.text());
    });
    await page.goto(`${base}/`);
    await page.waitForSelector('body[data-ready]');
    return page;
  }

  it('lists the jobs and the invalid folder, and shows runs as they happen without a reload', async () => {
    const page = await open(1280, 800);
    await page.waitForSelector('.job-row[data-job="tick"]');
    assert.ok(await page.isVisible('.job-row[data-job="manual"]'));
    const problemsText = await page.textContent('.problems');
    assert.match(problemsText ?? '', /broken\/schedule/);
    assert.match(problemsText ?? '', /every banana/);
    assert.match((await page.textContent('.job-row[data-job="tick"] .job-schedule')) ?? '', /every 2 seconds/);
    assert.match((await page.textContent('.job-row[data-job="tick"] .job-next')) ?? '', /^(in \d+s|now)$/);

    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const barsNow = await page.locator('.job-row[data-job="tick"] .bar-ok').count();
    await page.waitForFunction(
      (before) => document.querySelectorAll('.job-row[data-job="tick"] .bar-ok').length > before,
      barsNow,
      { timeout: 10_000 },
    );
    assert.equal(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), true);
    assert.match((await page.textContent('.job-row[data-job="tick"] .job-last')) ?? '', /ok/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-laptop.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-laptop-dark.png') });
    await page.close();
  });

  it('runs a job with the token, shows the new run live, and its output as text', async () => {
    const page = await open(1280, 800);
    const row = page.locator('.job-row[data-job="manual"]');
    assert.match((await row.locator('.job-last').textContent()) ?? '', /never run/);

    // A wrong token is refused and asked for again.
    await page.evaluate(() => sessionStorage.setItem('pycron.token', 'wrong-token-wrong-token'));
    await row.getByRole('button', { name: /Run/ }).click();
    await page.waitForSelector('#token-dialog[open]');
    assert.match((await page.textContent('#token-reason')) ?? '', /refused/);
    await page.fill('#token-input', TOKEN);
    await page.click('#token-save');
    await page.waitForSelector('.toast-ok');
    assert.match((await page.textContent('.toast-ok')) ?? '', /manual: started/);
    await row.locator('.badge-ok').waitFor({ timeout: 10_000 });

    await row.locator('a.name').click();
    await page.waitForSelector('.run-row');
    assert.equal(await page.locator('.run-row').count(), 1);
    await page.locator('.run-row').first().click();
    const stdout = page.locator('.output-stdout pre');
    await stdout.waitFor();
    assert.equal(((await stdout.textContent()) ?? '').trim(), HOSTILE);
    assert.match((await page.textContent('.output-stderr pre')) ?? '', /to stderr/);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('img[src="x"]').count(), 0);

    // Run it again from its own page: the new run appears at the top without a reload.
    await page.locator('.job-header').getByRole('button', { name: /Run/ }).click();
    await page.waitForFunction(() => document.querySelectorAll('.run-row').length === 2, undefined, {
      timeout: 10_000,
    });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-job.png'), fullPage: true });
    await page.close();
  });

  it('pauses and resumes a job', async () => {
    const page = await open(1280, 800);
    await page.evaluate((token) => sessionStorage.setItem('pycron.token', token), TOKEN);
    const row = page.locator('.job-row[data-job="tick"]');
    await row.getByRole('button', { name: 'Pause' }).click();
    await page.waitForSelector('.job-row[data-job="tick"][data-state="paused"]', { timeout: 10_000 });
    assert.match((await row.locator('.job-next').textContent()) ?? '', /paused/);
    const paused = (await (await fetch(`${base}/api/v1/jobs/tick`)).json()) as { paused: boolean };
    assert.equal(paused.paused, true);
    await row.getByRole('button', { name: 'Resume' }).click();
    await page.waitForFunction(
      () => document.querySelector('.job-row[data-job="tick"]')?.getAttribute('data-state') !== 'paused',
      undefined,
      { timeout: 10_000 },
    );
    const resumed = (await (await fetch(`${base}/api/v1/jobs/tick`)).json()) as { paused: boolean };
    assert.equal(resumed.paused, false);
    await page.close();
  });

  it('fits a phone-width window', async () => {
    const page = await open(390, 844);
    await page.waitForSelector('.job-row[data-job="tick"] .bar');
    const overflow = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the window`);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    await page.close();
  });

  it('survives a malformed address and keeps the focus on a job page while its countdowns tick', async () => {
    const page = await open(1280, 800);
    await page.goto(`${base}/#/jobs/%E0%A4%A`);
    await page.waitForSelector('.job-row[data-job="tick"]');
    await page.goto(`${base}/#/jobs/tick`);
    await page.waitForSelector('.job-header .job-actions button');
    await page.focus('.job-header .job-actions button');
    await page.waitForTimeout(2200);
    assert.equal(await page.evaluate(() => document.activeElement?.closest('.job-header') !== null), true);
    await page.close();
  });

  it('logged no page errors and no content security policy violations', () => {
    assert.deepEqual(problems, []);
  });
});
