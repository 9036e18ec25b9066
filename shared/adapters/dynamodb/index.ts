export { DynamoAssignmentCursor } from './assignment-cursor.ts';
export { DynamoErasureAudit, DynamoMentionItems, dynamoErasurePorts } from './author-erasure.ts';
export {
  DynamoAuthorScan,
  DynamoErasureRequests,
  FoundAuthorData,
  dynamoErasureJobPorts,
} from './erasure-job-store.ts';
export { DynamoCaseRepository } from './case-repository.ts';
export { DynamoCorrectionRepository } from './correction-repository.ts';
export { DynamoCursorRepository } from './cursor-repository.ts';
export { queryAll } from './query-all.ts';
export { DynamoRecordFailureLog } from './failure-log.ts';
export { DynamoMentionRepository } from './mention-repository.ts';
export { DynamoMetricRepository, HISTOGRAM_BUCKETS, histogramBucketOf } from './metric-repository.ts';
export { DynamoNotificationLog } from './notification-log.ts';
export { DynamoNotificationClaims } from './notification-claims.ts';
export { DynamoReportRepository } from './report-repository.ts';
export { DynamoStoredMentionReader } from './stored-mention-reader.ts';
export { GSI1, keys } from './keys.ts';
export { DynamoRateStore } from './rate-store.ts';
export { DynamoSpikeRepository } from './spike-repository.ts';
export { DynamoThemeRepository } from './theme-repository.ts';
export { DynamoKeyAccountTimeline } from './key-account-timeline.ts';
