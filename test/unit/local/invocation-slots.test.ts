import { describe, expect, it } from 'vitest';
import { createInvocationSlots } from '../../../infra/local/invocation-slots.ts';

describe('createInvocationSlots', () => {
  it('hands out up to its limit at once and makes the next caller wait for a release', async () => {
    const slots = createInvocationSlots(2);
    const first = await slots.acquire();
    await slots.acquire();
    let third = false;

    const waiting = slots.acquire().then((release) => {
      third = true;
      return release;
    });
    await Promise.resolve();
    expect(third).toBe(false);
    expect(slots.waits()).toBe(1);

    first();
    (await waiting)();
    expect(third).toBe(true);
    expect(slots.inUse()).toBe(1);
  });

  it('frees a slot once however often its release is called', async () => {
    const slots = createInvocationSlots(1);
    const release = await slots.acquire();

    release();
    release();

    expect(slots.inUse()).toBe(0);
  });

  it('serves waiters in the order they asked', async () => {
    const slots = createInvocationSlots(1);
    const release = await slots.acquire();
    const order: string[] = [];
    const a = slots.acquire().then((r) => {
      order.push('a');
      r();
    });
    const b = slots.acquire().then((r) => {
      order.push('b');
      r();
    });

    release();
    await Promise.all([a, b]);

    expect(order).toEqual(['a', 'b']);
  });
});
