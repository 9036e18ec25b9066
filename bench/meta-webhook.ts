/** The demo company's Meta page (companies/demo.yaml `platforms.meta.pageIds`). */
export const DEMO_PAGE_ID = '104729381726354';

/**
 * The body of a Meta page webhook with one `feed` change (a new post or comment), as the
 * page subscription delivers it; the benches sign and send many of them. `value` carries
 * the change's own fields (item, post_id, from, message, ...); verb `add` and
 * `created_time` (the delivery time) are filled in.
 */
export function metaFeedWebhook(
  value: Readonly<Record<string, unknown>>,
  options: { readonly pageId?: string; readonly time?: number } = {},
): string {
  const time = options.time ?? Math.floor(Date.now() / 1000);
  return JSON.stringify({
    object: 'page',
    entry: [
      {
        id: options.pageId ?? DEMO_PAGE_ID,
        time,
        changes: [{ field: 'feed', value: { verb: 'add', created_time: time, ...value } }],
      },
    ],
  });
}
