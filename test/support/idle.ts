/**
 * How long tests wait for the local runtime to go idle (`runtime.waitForIdle`).
 *
 * On a loaded machine (three test files at once on 2 shared cores) one mention's pipeline
 * took more than 30 s. The deadline stays below vitest's `testTimeout` (60 s), so a test
 * that waits once still ends with a RuntimeNotIdleError naming what is busy rather than a
 * bare test timeout; hooks have `hookTimeout` (120 s) for a runtime start and one wait.
 *
 * A test that waits more than once (or also starts a runtime, or polls with a deadline of
 * its own) sets its timeout to hold them all: waits × IDLE_TIMEOUT_MS plus its other work,
 * written as a number with a comment saying what it holds. (A computed timeout makes the
 * formatter re-indent the whole test body.)
 */
export const IDLE_TIMEOUT_MS = 45_000;
