/**
 * Visibility timeouts for tests that start the local runtime (`startRuntime`'s
 * `visibilityTimeoutSeconds` overrides every queue's).
 *
 * On a loaded machine (CI shares 2 cores with other work) an invocation can outlast a
 * short visibility timeout: its message comes back while it still runs, and the second
 * run logs, counts or notifies again. A test that does not test redelivery takes the long
 * one. A test of retries or DLQs takes the short one, and its assertions must hold with an
 * extra redelivery of a slow invocation (exactly-once stays asserted).
 */

/** No redelivery of a slow invocation. A message that failed is back only after this, so `waitForIdle` reports it busy. */
export const NO_REDELIVERY_SECONDS = 30;

/** For tests of retries, DLQs and held notifications: a failed message is back within a second. */
export const REDELIVERY_SECONDS = 1;
