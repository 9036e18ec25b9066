/**
 * The topology refers to something it does not describe, or describes a link only halfway
 * (a trigger without its grant, a schedule whose function has no schedule trigger). The
 * stack refuses to guess: `infra/topology.ts` must be fixed.
 */
export class TopologyMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyMismatchError';
  }
}
