/**
 * Screenshots of the web console's main pages for docs/ and the README (`npm run
 * screenshots:console`): the demo company's sample webhooks played into an in-memory local
 * runtime, a reply drafted, then the pages as a service lead and a press member see them,
 * at 1280 px and on a phone (375 px).
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../infra/console-build.ts';
import { loadSampleWebhooks, playSampleWebhooks, retimeMetaBodies, sampleWebhooksDir } from '../infra/local/demo.ts';
import { startRuntime } from '../infra/local/runtime.ts';
import { demoConfig } from '../test/factories/config.ts';
import { serviceRepliesNeedPress } from '../test/factories/console.ts';
import { launchChromium } from '../test/support/browser.ts';
import { signIn, signOut } from '../test/support/console-session.ts';

const OUT = path.resolve('docs');
const AYLIN = 'aylin.demir@radwerk-hansen.example';
const TIM = 'tim.osterloh@radwerk-hansen.example';

async function main(): Promise<void> {
  await ensureConsoleBuilt();
  const config = serviceRepliesNeedPress(demoConfig());
  const runtime = await startRuntime({ config, port: 0, startScheduler: false, log: () => {} });
  const browser = await launchChromium();
  try {
    const now = new Date();
    const samples = await loadSampleWebhooks(sampleWebhooksDir(config.company.id));
    const bodies = retimeMetaBodies(
      samples.map((s) => s.body),
      now,
      config.company.timezone,
    );
    await playSampleWebhooks(runtime, config, samples, bodies, now);
    const consoleUrl = `${runtime.url}/console/`;
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 });
    const shot = async (target: Page, name: string) => {
      // Every load of the page has ended (no "Lädt …" left), then a moment for the layout.
      const loading = target.locator('[role=status]', { hasText: /^(Lädt|Loading) …$/ });
      for (let i = 0; i < 300 && (await loading.count()) > 0; i++) await target.waitForTimeout(100);
      await target.waitForTimeout(300);
      const file = path.join(OUT, `console-${name}.png`);
      await target.screenshot({ path: file, fullPage: true });
      process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
    };

    await page.goto(`${consoleUrl}login`);
    await shot(page, 'login');
    await signIn(page, consoleUrl, runtime.adminTokens, AYLIN);
    await page.goto(`${consoleUrl}?department=service`);
    await page.locator('table.cases').waitFor();
    await shot(page, 'queue');

    // A case with a draft waiting for the press office.
    await page.locator('table.cases tbody tr', { hasText: 'praise' }).locator('th a').first().click();
    await page.locator('#case-title').waitFor();
    await page
      .getByLabel('Antwort entwerfen')
      .fill('Vielen Dank für Ihr Lob! Wir geben es gern an das Team in der Werkstatt weiter.');
    await page.getByRole('button', { name: 'Entwurf speichern' }).click();
    await page.getByTestId('reply-state').waitFor();
    await page
      .locator('.mention details')
      .first()
      .evaluate((el) => el.setAttribute('open', ''));
    await shot(page, 'case');
    const caseUrl = page.url();

    await signOut(page);
    await signIn(page, consoleUrl, runtime.adminTokens, TIM);
    await page.goto(`${consoleUrl}approvals`);
    await shot(page, 'approvals');
    await page.goto(caseUrl);
    await page.locator('#case-title').waitFor();
    await shot(page, 'case-press');
    await page.goto(`${consoleUrl}themes`);
    await shot(page, 'themes');
    await page.goto(`${consoleUrl}reports`);
    await shot(page, 'reports');

    const phone = await browser.newPage({
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
    });
    await signIn(phone, consoleUrl, runtime.adminTokens, AYLIN);
    await phone.goto(`${consoleUrl}?department=service`);
    await phone.locator('table.cases').waitFor();
    await shot(phone, 'phone');
  } catch (error) {
    // Said before the runtime stops: requests still in flight then fail with errors of their own.
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  } finally {
    await browser.close();
    await runtime.stop();
  }
}

await main();
