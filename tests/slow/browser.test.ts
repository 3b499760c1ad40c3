/**
 * The try-it page in a real Chromium (Debian's, driven by playwright-core; never a
 * downloaded browser) against the local gateway. Where Chromium is missing these tests are
 * reported as pending, with the reason; .ci/run installs it.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildPage } from 'sam-local-websocket';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = 'test-results';

if (!existsSync(CHROMIUM)) {
  describe('the try-it page in Chromium', () => {
    // A test without a body is pending in mocha: the run lists it, and says why.
    it(`is not run: no Chromium at ${CHROMIUM} (apt-get install -y chromium, as .ci/run does)`);
  });
} else {
  describe('the try-it page in Chromium', function () {
    this.timeout(60_000);
    let local: LocalGateway;
    let browser: Browser;
    const pages: Page[] = [];

    before(async () => {
      local = await startLocalGateway();
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    });
    afterEach(async () => {
      await Promise.all(pages.splice(0).map((page) => page.close()));
    });
    after(async () => {
      await browser?.close();
      await local?.close();
    });

    /** Opens the page served by the gateway and connects it. */
    async function openConnected(): Promise<Page> {
      const page = await browser.newPage();
      pages.push(page);
      await page.goto(local.gateway.pageUrl);
      expect(await page.inputValue('#url')).to.equal(local.gateway.url);
      await page.click('#connect');
      await page.waitForSelector('#state[data-state="connected"]');
      return page;
    }
    const entries = (page: Page, kind: string) => page.locator(`#log .entry[data-kind="${kind}"] .text`).allTextContents();

    it('shows a broadcast from one tab in both tabs, and takes a screenshot', async () => {
      const [first, second] = [await openConnected(), await openConnected()];
      await first.fill('#message', 'Tervehdys kaikille!');
      await first.click('#broadcast');
      for (const page of [first, second]) {
        await page.waitForSelector('#log .entry[data-kind="broadcast"]');
        expect(await entries(page, 'broadcast')).to.deep.equal(['Tervehdys kaikille!']);
      }
      expect(await entries(first, 'sent')).to.deep.equal(['{"action":"broadcast","data":"Tervehdys kaikille!"}']);
      mkdirSync(SCREENSHOTS, { recursive: true });
      await first.screenshot({ path: `${SCREENSHOTS}/page-after-broadcast.png`, fullPage: true });
      // A real picture of the whole page: a PNG as wide as the viewport and as tall as the page.
      const png = readFileSync(`${SCREENSHOTS}/page-after-broadcast.png`);
      expect(png.subarray(1, 4).toString('latin1')).to.equal('PNG');
      const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      const page = await first.evaluate(() => [window.innerWidth, document.documentElement.scrollHeight]);
      expect(width).to.equal(page[0]);
      expect(height).to.equal(page[1]);
    });

    it('shows $default’s notice for an unknown action sent as a raw frame', async () => {
      const page = await openConnected();
      await page.fill('#raw', '{"action":"sendmessage","data":"x"}');
      await page.click('#send-raw');
      await page.waitForSelector('#log .entry[data-kind="notice"]');
      const [notice] = await entries(page, 'notice');
      expect(notice).to.match(/^unknown_action: Unknown action "sendmessage"/);
    });

    it('shows the close code on disconnect', async () => {
      const page = await openConnected();
      await page.click('#connect'); // now "Disconnect"
      await page.waitForSelector('#state[data-state="disconnected"]');
      expect(await page.textContent('#state')).to.include('close code 1000');
    });

    it('works opened as a plain file, against a URL pasted in (as for a deployed API)', async () => {
      const pageDir = await buildPage('web');
      const page = await browser.newPage();
      pages.push(page);
      await page.goto(pathToFileURL(join(pageDir, 'index.html')).href);
      await page.fill('#url', local.gateway.url);
      await page.click('#connect');
      await page.waitForSelector('#state[data-state="connected"]');
      await page.fill('#message', 'from a file');
      await page.click('#broadcast');
      await page.waitForSelector('#log .entry[data-kind="broadcast"]');
      expect(await entries(page, 'broadcast')).to.deep.equal(['from a file']);
    });

    it('connects with the Auth token field to an API with an authorizer, and is refused without it', async () => {
      const guarded = await startLocalGateway({ parameters: { AuthToken: 'page-test-token' } });
      try {
        const page = await browser.newPage();
        pages.push(page);
        await page.goto(guarded.gateway.pageUrl);
        await page.click('#connect');
        await page.waitForSelector('#state[data-state="lost"]'); // 401: browsers report it as a close
        await page.fill('#token', 'page-test-token');
        await page.click('#reconnect');
        await page.waitForSelector('#state[data-state="connected"]');
        expect(guarded.gateway.registry.size).to.equal(1);
      } finally {
        await guarded.close();
      }
    });

    it('connects with a JWT in the Auth token field (AuthMode jwt), and is refused with an expired one', async () => {
      const guarded = await startLocalGateway({ localIssuer: true });
      try {
        const issuer = guarded.gateway.issuer!;
        const page = await browser.newPage();
        pages.push(page);
        await page.goto(guarded.gateway.pageUrl);
        await page.fill('#token', await issuer.mint({ sub: 'page-user', expiresInSeconds: -60 }));
        await page.click('#connect');
        await page.waitForSelector('#state[data-state="lost"]'); // 401: browsers report it as a close
        await page.fill('#token', await issuer.mint({ sub: 'page-user' }));
        await page.click('#reconnect');
        await page.waitForSelector('#state[data-state="connected"]');
        expect([...guarded.gateway.registry.all()].map((connection) => connection.authorizer?.sub)).to.deep.equal(['page-user']);
      } finally {
        await guarded.close();
      }
    });

    it('shows a dropped connection and reconnects when asked', async () => {
      const page = await openConnected();
      for (const connection of local.gateway.registry.all()) connection.socket.close(1001, 'Going away');
      await page.waitForSelector('#state[data-state="lost"]');
      expect(await page.textContent('#state')).to.include('1001');
      expect(await page.isVisible('#reconnect')).to.equal(true);
      await page.click('#reconnect');
      await page.waitForSelector('#state[data-state="connected"]');
      expect(await page.isVisible('#reconnect')).to.equal(false);
    });
  });
}
