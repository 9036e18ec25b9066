import type { Page } from 'playwright-core';
import type { TokenClaims } from '../../infra/local/admin-tokens.ts';

/**
 * Signs a person in on the console's login page as a user would: picks them from the member
 * list (`GET /console/login/members`) where the server has one, else pastes their token from
 * tokens.json into the token field.
 */
export async function signIn(
  page: Page,
  consoleUrl: string,
  tokens: Readonly<Record<string, TokenClaims>>,
  email: string,
): Promise<void> {
  const entry = Object.entries(tokens).find(([, claims]) => claims.email === email);
  if (!entry) throw new Error(`no token for ${email}`);
  const [token, claims] = entry;
  // A visitor sent to the login page keeps its `?next=`; anyone else opens it.
  if (!new URL(page.url()).pathname.endsWith('/console/login')) await page.goto(`${consoleUrl}login`);
  const member = page.locator('#login-member');
  const field = page.locator('#login-token');
  await member.or(field).first().waitFor();
  if (await member.isVisible()) {
    const option = member.locator('option', { hasText: claims.name });
    await member.selectOption({ value: (await option.first().getAttribute('value')) ?? '' });
  } else {
    await field.fill(token);
  }
  await page.getByRole('button', { name: /^(Anmelden|Sign in)$/ }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
}

/** Signs out through the header's button (the session is the tab's). */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^(Abmelden|Sign out)$/ }).click();
  await page.waitForURL((url) => url.pathname.endsWith('/login'));
}
