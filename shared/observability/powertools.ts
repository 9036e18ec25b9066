import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Logger and metrics, created once per process and imported where needed.
 * Service name and log level come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL,
 * which each backend sets per function.
 */
// Powertools reads POWERTOOLS_SERVICE_NAME itself, but a constructor option would win over
// it; the fallback only names processes that run several functions (the local runtime).
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'backchannel';

export const logger = new Logger({ serviceName });

export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Backchannel', serviceName });
