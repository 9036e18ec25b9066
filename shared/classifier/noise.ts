// Text normalization is pure and the domain's (theme terms use it): it lives in shared/domain/text/.
export * from '../domain/text/noise.ts';
