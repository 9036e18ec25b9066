import { describe, expect, it } from 'vitest';
import { metaAdapter } from '../../../shared/platforms/meta.ts';
import { fixture, parseContext } from './support.ts';

describe('metaAdapter.parse: Instagram direct messages', () => {
  const result = metaAdapter.parse(fixture('meta', 'instagram-direct-messages.json'), parseContext());

  it("turns a customer's message and the company's echo into one conversation, the echo as the company's own", () => {
    // Assess
    expect(result.mentions.map((m) => [m.platform, m.kind, m.threadId, m.isOwnAccount, m.text])).toEqual([
      [
        'instagram',
        'message',
        'dm:1122334455667788',
        false,
        'Hallo! Habt ihr den Stadtflitzer auch in Größe S auf Lager?',
      ],
      ['instagram', 'message', 'dm:1122334455667788', true, 'Ja, in Kiel und Lübeck vorrätig!'],
    ]);
  });

  it('turns a deleted message into a deletion notice', () => {
    // Assess
    expect(result.deletions).toEqual([
      expect.objectContaining({
        id: 'instagram:aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1NzI2NjUzMDI1',
        authorId: '1122334455667788',
        rawType: 'instagram.messaging.message_deleted',
      }),
    ]);
  });

  it('ignores a read receipt with its reason', () => {
    // Assess
    expect(result.ignored).toEqual([
      expect.objectContaining({ reason: "messaging event 'read' is not a message", item: 'read' }),
    ]);
  });
});
