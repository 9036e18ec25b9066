import { lambdaEnvironment, type FunctionEnv } from '../../shared/config/runtime-env.ts';

// Placeholder until the real handler lands; it exists so the topology's entry resolves.
export function createHandler(_env: FunctionEnv) {
  return async (_event: unknown): Promise<unknown> => {
    throw new Error('not implemented yet');
  };
}

export const handler = createHandler(lambdaEnvironment());
