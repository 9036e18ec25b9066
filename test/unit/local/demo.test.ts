import { describe, expect, it } from 'vitest';
import { loadSampleWebhooks, reportTimeFor, retimeMetaBodies, sampleWebhooksDir } from '../../../infra/local/demo.ts';
import { excerpt, formatTable } from '../../../infra/local/text-table.ts';
import { dayIn } from '../../../shared/domain/time.ts';
import { demoConfig } from '../../factories/config.ts';

const BERLIN = 'Europe/Berlin';
const body = (created: number, time: number) =>
  `{"entry":[{"time": ${time},"changes":[{"value":{"message":"Gr\\u00fc\\u00dfe","created_time": ${created},"post":{"updated_time": "2025-11-28T09:00:00+0000"}}}]}]}`;

describe('retimeMetaBodies', () => {
  it('moves the newest time to now and keeps the distance of the others', () => {
    // Arrange
    const now = new Date('2026-03-02T14:00:00Z');

    // Act
    const [first, second] = retimeMetaBodies(
      [body(1_764_320_400, 1_764_320_402), body(1_764_320_640, 1_764_320_642)],
      now,
      BERLIN,
    );

    // Assess
    const nowSeconds = now.getTime() / 1000;
    expect(first).toContain(`"created_time": ${nowSeconds - 242}`);
    expect(second).toContain(`"time": ${nowSeconds}`);
    expect(second).toContain(`"created_time": ${nowSeconds - 2}`);
  });

  it('keeps the \\u escapes of the text, so the bytes stay what Meta sends', () => {
    // Act
    const [moved] = retimeMetaBodies([body(1_764_320_400, 1_764_320_402)], new Date('2026-03-02T14:00:00Z'), BERLIN);

    // Assess
    expect(moved).toContain('"message":"Gr\\u00fc\\u00dfe"');
  });

  it('moves updated_time strings along', () => {
    // Act
    const [moved] = retimeMetaBodies([body(1_764_320_400, 1_764_320_400)], new Date('2026-03-02T14:00:00Z'), BERLIN);

    // Assess: updated_time was 09:00 with the newest time 09:00 -> now
    expect(moved).toContain('"updated_time": "2026-03-02T14:00:00+0000"');
  });

  it('squeezes the times into today just after midnight', () => {
    // Arrange: 00:05 in Berlin, samples spread over half an hour
    const now = new Date('2026-03-01T23:05:00Z');

    // Act
    const [first] = retimeMetaBodies(
      [body(1_764_320_400, 1_764_320_400), body(1_764_322_200, 1_764_322_200)],
      now,
      BERLIN,
    );

    // Assess
    const created = Number(/"created_time": (\d+)/.exec(first as string)?.[1]);
    expect(dayIn(new Date(created * 1000), BERLIN)).toBe('2026-03-02');
  });

  it('retimes every bundled demo webhook onto today', async () => {
    // Arrange
    const samples = await loadSampleWebhooks(sampleWebhooksDir('demo'));
    const now = new Date('2026-06-15T10:00:00Z');

    // Act
    const bodies = retimeMetaBodies(
      samples.map((s) => s.body),
      now,
      BERLIN,
    );

    // Assess
    const times = bodies.flatMap((b) => [...b.matchAll(/"(?:time|created_time)": (\d+)/g)].map((m) => Number(m[1])));
    expect(samples.length).toBeGreaterThanOrEqual(9);
    expect(new Set(times.map((t) => dayIn(new Date(t * 1000), BERLIN)))).toEqual(new Set(['2026-06-15']));
  });
});

describe('reportTimeFor', () => {
  it('picks the scheduled run that reports on today: the next one on a later day', () => {
    // Arrange: 05:00 in Berlin, before today's 06:00 run (which reports on yesterday)
    const now = new Date('2026-03-02T04:00:00Z');

    // Act
    const { scheduleId, time } = reportTimeFor(demoConfig(), now);

    // Assess
    expect(scheduleId).toBe('daily-report');
    expect(time.toISOString()).toBe('2026-03-03T05:00:00.000Z');
  });
});

describe('formatTable', () => {
  it('pads columns to their widest cell, counting umlauts as one character', () => {
    // Act
    const table = formatTable(
      ['a', 'text'],
      [
        ['Grüße', 'x'],
        ['b', 'y'],
      ],
    );

    // Assess
    expect(table.split('\n')).toEqual(['a      text', '-----  ----', 'Grüße  x', 'b      y']);
  });

  it('cuts long text with an ellipsis', () => {
    // Act & Assess
    expect(excerpt('Seit drei   Wochen warte ich', 12)).toBe('Seit drei W…');
  });
});

describe('sampleTarget and retimeSampleBody', () => {
  it('reads the platform (and generic source) from a sample name, Meta otherwise', async () => {
    const { sampleTarget } = await import('../../../infra/local/demo.ts');

    // Act
    const targets = [
      '01-complaint.json',
      '11-x-mention.json',
      '14-youtube-new-video.xml',
      '16-generic-trustpilot-review.json',
    ].map(sampleTarget);

    // Assess
    expect(targets).toEqual([
      { platform: 'meta' },
      { platform: 'x' },
      { platform: 'youtube' },
      { platform: 'generic', params: { source: 'trustpilot' } },
    ]);
  });

  it('moves the documented time fields of other platforms to now', async () => {
    const { retimeSampleBody } = await import('../../../infra/local/demo.ts');
    // Arrange
    const body =
      '{"created_at": "Sat Nov 28 09:12:41 +0000 2026", "timestamp_ms": "1795857161000", "create_time": 1795857300, "createdAt": "2017-05-20T09:34:44.000Z"}<published>2015-03-06T21:40:57+00:00</published>';

    // Act
    const moved = retimeSampleBody(body, new Date('2026-06-15T10:00:00Z'));

    // Assess
    expect(moved).toBe(
      '{"created_at": "Mon Jun 15 10:00:00 +0000 2026", "timestamp_ms": "1781517600000", "create_time": 1781517600, "createdAt": "2026-06-15T10:00:00.000Z"}<published>2026-06-15T10:00:00.000Z</published>',
    );
  });
});
