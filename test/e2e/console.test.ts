/**
 * The web console in Chromium against the embedded runtime: the page served at /console/ by
 * the topology's serve-console function, signed in with the local tokens, working a case
 * through the admin API as a service lead and a press member would.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSignedMeta } from '../../infra/local/demo.ts';
import { startRuntime, type Runtime } from '../../infra/local/runtime.ts';
import { parseMetaSecret } from '../../infra/local/secrets.ts';
import { platformSecretName } from '../../infra/topology.ts';
import { demoConfig } from '../factories/config.ts';
import { serviceRepliesNeedPress } from '../factories/console.ts';
import { metaFixture } from '../factories/http.ts';
import { collectPageProblems, launchChromium } from '../support/browser.ts';
import { signIn, signOut } from '../support/console-session.ts';
import { IDLE_TIMEOUT_MS } from '../support/idle.ts';
import { NO_REDELIVERY_SECONDS } from '../support/visibility.ts';

const config = serviceRepliesNeedPress(demoConfig());
const AYLIN = 'aylin.demir@radwerk-hansen.example'; // leads service, where the case lands
const MIA = 'mia.schulz@radwerk-hansen.example'; // member of service
const TIM = 'tim.osterloh@radwerk-hansen.example'; // member of press, the approving department

describe('web console in Chromium on the local runtime', () => {
  let runtime: Runtime;
  let browser: Browser;
  let consoleUrl: string;
  let caseId: string;

  const newPage = async (viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: string[] }> => {
    const page = await browser.newPage({ viewport });
    return { page, problems: collectPageProblems(page) };
  };

  /** Opens the service queue and the case from its link, as a person would. */
  const openCase = async (page: Page): Promise<void> => {
    await page.goto(`${consoleUrl}?department=service`);
    await page.locator(`a[href="/console/cases/${caseId}"]`).click();
    await page.locator('#case-title').waitFor();
  };

  beforeAll(async () => {
    runtime = await startRuntime({
      config,
      port: 0,
      visibilityTimeoutSeconds: NO_REDELIVERY_SECONDS,
      startScheduler: false,
      log: () => {},
    });
    consoleUrl = `${runtime.url}/console/`;
    const appSecret = parseMetaSecret(runtime.secrets[platformSecretName(config, 'meta')]).appSecret;
    const answer = await postSignedMeta(
      runtime.webhookUrls.meta as string,
      metaFixture('page-feed-comment-non-ascii.json'),
      appSecret,
    );
    if (answer.status !== 200) throw new Error(`the webhook was refused: ${answer.status} ${answer.body}`);
    await runtime.waitForIdle(IDLE_TIMEOUT_MS);
    const token = Object.entries(runtime.adminTokens).find(([, c]) => c.email === AYLIN)?.[0];
    const listed = (await (
      await fetch(`${runtime.url}/cases?department=service`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { items?: { id: string }[]; cases?: { id: string }[] };
    caseId = ((listed.cases ?? listed.items ?? [])[0] as { id: string }).id;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('sends a visitor without a session to the login page and back to the page they asked for', async () => {
    // Arrange
    const { page, problems } = await newPage();

    // Act
    await page.goto(`${consoleUrl}cases/${caseId}`);
    await page.waitForURL(/\/console\/login\?next=/);
    await signIn(page, consoleUrl, runtime.adminTokens, AYLIN);

    // Assess
    expect(new URL(page.url()).pathname).toBe(`/console/cases/${caseId}`);
    await page.locator('#case-title').waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it("lists the department's open cases and opens one with its thread, labels, reasons and history", async () => {
    // Arrange
    const { page, problems } = await newPage();
    await signIn(page, consoleUrl, runtime.adminTokens, AYLIN);

    // Act
    await openCase(page);

    // Assess
    const thread = page.locator('.thread .mention');
    expect(await thread.count()).toBe(1);
    expect(await thread.locator('.mention-text').textContent()).not.toBe('');
    // Round robin may have assigned it already.
    expect(await page.getByTestId('case-state').textContent()).toMatch(/^(neu|zugewiesen)$/);
    await thread.locator('summary').click();
    expect(await thread.locator('.reasons li').count()).toBeGreaterThan(0);
    expect(await page.locator('.history li').count()).toBeGreaterThan(0);
    expect(await page.locator('.facts').textContent()).toContain('service');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('assigns the case by e-mail and shows the new assignee and state', async () => {
    // Arrange
    const { page } = await newPage();
    await signIn(page, consoleUrl, runtime.adminTokens, AYLIN);
    await openCase(page);

    // Act
    await page.getByLabel('Zuweisen an (E-Mail)').fill(MIA);
    await page.getByRole('button', { name: 'Zuweisen', exact: true }).click();

    // Assess
    await page.getByRole('status').filter({ hasText: 'Erledigt: Zuweisen' }).waitFor();
    // The page says done, then reloads the case: the new assignee shows once the reload is in
    // (the state already read "zugewiesen" before, from the case's first assignment).
    await page.locator('.facts').filter({ hasText: MIA }).waitFor();
    await page.getByTestId('case-state').filter({ hasText: 'zugewiesen' }).waitFor();
    expect(await page.locator('.facts').textContent()).toContain(MIA);
    await page.close();
  });

  it('has a service lead draft, a press member approve and the lead mark the reply sent elsewhere: the case is responded', async () => {
    // Arrange
    const { page, problems } = await newPage();
    await signIn(page, consoleUrl, runtime.adminTokens, AYLIN);
    await openCase(page);

    // Act: draft; its author is not offered the approval (four eyes: the API refuses it too)
    await page.getByLabel('Antwort entwerfen').fill('Danke für Ihre Nachricht, wir kümmern uns darum.');
    await page.getByRole('button', { name: 'Entwurf speichern' }).click();
    await page.getByTestId('reply-state').filter({ hasText: 'Entwurf' }).waitFor();
    const approveOfferedToAuthor = await page.getByRole('button', { name: 'Freigeben' }).count();

    // Act: the press office approves
    await signOut(page);
    await signIn(page, consoleUrl, runtime.adminTokens, TIM);
    await page.goto(`${consoleUrl}cases/${caseId}`);
    await page.getByRole('button', { name: 'Freigeben' }).click();
    await page.getByTestId('reply-state').filter({ hasText: 'freigegeben' }).waitFor();

    // Act: the lead marks it sent elsewhere
    await signOut(page);
    await signIn(page, consoleUrl, runtime.adminTokens, AYLIN);
    await page.goto(`${consoleUrl}cases/${caseId}`);
    await page.getByRole('button', { name: 'Anderswo gesendet' }).click();

    // Assess
    expect(approveOfferedToAuthor).toBe(0);
    await page.getByTestId('case-state').filter({ hasText: 'beantwortet' }).waitFor();
    expect(await page.getByTestId('reply-state').textContent()).toBe('anderswo gesendet');
    expect(await page.locator('.history').textContent()).toContain('approve-reply');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('switches to English and keeps the choice for the next page', async () => {
    // Arrange
    const { page } = await newPage();
    await signIn(page, consoleUrl, runtime.adminTokens, AYLIN);
    await page.goto(`${consoleUrl}?department=service`);

    // Act
    await page.getByLabel('Sprache').selectOption('en');
    await page.goto(`${consoleUrl}cases/${caseId}`);

    // Assess
    await page.getByRole('heading', { name: 'Thread of mentions' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.close();
  });

  it('labels every control and is worked from the keyboard alone', async () => {
    // Arrange
    const { page } = await newPage();
    await signIn(page, consoleUrl, runtime.adminTokens, AYLIN);
    await openCase(page);

    // Act
    // In the page (a string: the tests compile without the DOM's types).
    const unlabelled = await page.evaluate<string[]>(`[...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => !(el.labels?.length > 0 || el.getAttribute('aria-label') || el.textContent.trim()))
      .map((el) => el.outerHTML.slice(0, 80))`);
    await page.goto(`${consoleUrl}?department=service`);
    // The page renders after its config and list have loaded: Tab only then.
    await page.locator(`a[href="/console/cases/${caseId}"]`).waitFor();
    await page.keyboard.press('Tab'); // the skip link
    const skip = await page.evaluate<string>('document.activeElement.textContent');
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached =
        (await page.evaluate<string | null>(`document.activeElement.getAttribute('href')`)) ===
        `/console/cases/${caseId}`;
    }
    await page.keyboard.press('Enter');

    // Assess
    expect(unlabelled).toEqual([]);
    expect(skip).toBe('Zum Inhalt springen');
    expect(reached).toBe(true);
    await page.waitForURL(`**/console/cases/${caseId}`);
    await page.close();
  });

  it('fits a phone: no sideways scrolling on the queue and the case at 375 px', async () => {
    // Arrange
    const { page } = await newPage({ width: 375, height: 812 });
    await signIn(page, consoleUrl, runtime.adminTokens, AYLIN);

    // Act
    await page.goto(`${consoleUrl}?department=service`);
    await page.locator('table.cases').waitFor();
    const queueWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    await openCase(page);
    const caseWidth = await page.evaluate<number>('document.documentElement.scrollWidth');

    // Assess
    expect(queueWidth).toBeLessThanOrEqual(375);
    expect(caseWidth).toBeLessThanOrEqual(375);
    await page.close();
  });
});
