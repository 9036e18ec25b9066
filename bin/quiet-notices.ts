/**
 * Imported first by the CLI, before any AWS SDK or Powertools module: what our own
 * processes need not print. (ES modules run in import order, so these are set before any
 * client or logger reads them.) A value set in the environment wins.
 */

// The SDK prints a 9-line notice that its releases after January 2027 need Node 22; this
// project runs on Node 20 locally and on Node 22 in Lambda (DESIGN.md, dependencies). The
// SDK reads the switch when the first client is built (@aws-sdk/core emitWarningIfUnsupportedVersion).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Locally no one collects the functions' CloudWatch metrics (EMF JSON blobs on stdout); the
// local alarms count failures themselves.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
