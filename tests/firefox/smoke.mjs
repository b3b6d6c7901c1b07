// A visitor in Firefox: Debian's firefox-esr driven over WebDriver BiDi by puppeteer-core.
// Boots the page, trains the default run to solved, asks one sum, loads a saved session,
// and fails on any console error or uncaught exception. Run by tests/e2e/test_firefox.py:
//     node tests/firefox/smoke.mjs SITE_URL SAVED_SESSION_FILE
// with FIREFOX naming the executable. Prints what it saw as one line of JSON.

import puppeteer from "puppeteer-core";

const [url, sessionFile] = process.argv.slice(2);
const TIMEOUT = 120_000;

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: process.env.FIREFOX,
  headless: true,
  protocol: "webDriverBiDi",
  // Keep Firefox from calling out to its own services: the machine may have no network.
  extraPrefsFirefox: { "network.captive-portal-service.enabled": false, "app.update.enabled": false },
});
const seen = { errors: [] };
try {
  const page = await browser.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") seen.errors.push(message.text());
  });
  page.on("pageerror", (error) => seen.errors.push(error.message));
  const started = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => window.rnnDemo && window.rnnDemo.status().phase === "ready", { timeout: TIMEOUT });
  seen.readySeconds = (Date.now() - started) / 1000;

  await page.locator('[data-testid="train-toggle"]').click(); // waits until it can be clicked
  await page.waitForFunction(() => window.rnnDemo.status().phase === "solved", { timeout: TIMEOUT });
  seen.solvedAt = await page.evaluate(() => window.rnnDemo.status().solvedAt);

  await page.locator('[data-testid="ask-button"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="ask-result"]').innerText.includes("true:"), { timeout: TIMEOUT });
  seen.answer = await page.evaluate(() => document.querySelector('[data-testid="ask-result"]').innerText);

  const input = await page.$('[data-testid="load-file"]');
  await input.uploadFile(sessionFile);
  await page.waitForFunction(() => window.rnnDemo.status().config.seed === 4, { timeout: TIMEOUT });
  seen.loaded = await page.evaluate(() => ({ step: window.rnnDemo.status().step, seed: window.rnnDemo.status().config.seed }));
  seen.pageError = await page.evaluate(() => window.rnnDemo.status().error);
} finally {
  await browser.close();
  console.log(JSON.stringify(seen));
}
