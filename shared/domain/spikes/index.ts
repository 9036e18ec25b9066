export * from './detector.ts';
export * from './evaluate-spikes.ts';
export * from './ports.ts';
export * from './record-mention-rates.ts';
export * from './spike-notification.ts';
export * from './batch-rates.ts';
