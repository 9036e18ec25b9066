export { DynamoCaseRepository } from './case-repository.ts';
export { DynamoCursorRepository } from './cursor-repository.ts';
export { queryAll } from './query-all.ts';
export { DynamoMentionRepository } from './mention-repository.ts';
export { DynamoMetricRepository } from './metric-repository.ts';
export { DynamoReportRepository } from './report-repository.ts';
export { DynamoStoredMentionReader } from './stored-mention-reader.ts';
export { GSI1, GSI2, keys } from './keys.ts';
