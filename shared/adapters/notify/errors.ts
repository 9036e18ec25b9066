/**
 * A notification target that cannot be used as configured: no webhook URL in its secret,
 * no sender address for e-mail, no sender for the target's type. Retrying does not help;
 * the message says what to set (and never quotes a secret).
 */
export class NotifierConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotifierConfigError';
  }
}
