import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it with apt-get when it is missing). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Headless on a shared CI machine: no sandbox (containers), no GPU, no first-run or background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];

/** Launches the project's browser for tests, screenshots and benches. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** The Content-Security-Policy violations and script errors a page reports (a test asserts there are none). */
export function collectPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    // A refused request is the API's answer, which the page shows; CSP violations and script errors are problems.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}
