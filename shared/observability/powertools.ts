import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Logger and metrics, created once per process and imported where needed.
 * Service name and log level come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL,
 * which each backend sets per function.
 */
export const logger = new Logger({ serviceName: 'backchannel' });

export const metrics = new Metrics({ namespace: 'Backchannel', serviceName: 'backchannel' });
