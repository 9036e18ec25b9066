import { describe, expect, it } from 'vitest';
import { sendHint } from '../../../bin/commands/send.ts';
import type { CompanyConfig } from '../../../shared/config/schema.ts';
import { demoConfig } from '../../factories/config.ts';

describe('the send command npm start suggests', () => {
  it('names the company and no secret for a persisted runtime, whose secrets send reads itself', () => {
    // Act
    const hint = sendHint(demoConfig(), ['meta', 'x'], 'http://127.0.0.1:3000', true);

    // Assess
    expect(hint).toBe(
      'Try: npm run backchannel -- send --platform meta --text "Seit drei Wochen keine Antwort vom Service" --author "Erika Muster" --company demo',
    );
  });

  it('names the first enabled platform, the runtime URL and the key to pass for an in-memory runtime of an English company', () => {
    // Arrange
    const config = demoConfig();
    const english: CompanyConfig = { ...config, company: { ...config.company, id: 'acme', locale: 'en-GB' } };

    // Act
    const hint = sendHint(english, ['x', 'generic'], 'http://127.0.0.1:41234', false);

    // Assess
    expect(hint).toBe(
      'Try: npm run backchannel -- send --platform x --text "Three weeks and still no answer from your service" --author "Erika Muster" --company acme --url http://127.0.0.1:41234 --secret <the x signing key>',
    );
  });

  it('says what to add when no webhook platform is enabled', () => {
    // Act
    const hint = sendHint(demoConfig(), [], 'http://127.0.0.1:3000', true);

    // Assess
    expect(hint).toContain('no webhook platform is enabled in companies/demo.yaml');
  });
});
