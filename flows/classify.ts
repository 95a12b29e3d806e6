import type { ErrorCode } from '../core/errors.js';
import { classifyMessage, errorCodeFor, isPlainCodeRejection } from './messages.js';

/*
 * Thin wrappers over flows/messages.ts for the callers that still take a
 * string; they go once the flows call messages.ts themselves.
 */

/**
 * The error code for a message the portal showed at this stage; when the text
 * says nothing we know (or shows a session conflict), the stage decides.
 */
export function classifyPortalError(stage: 'credentials' | 'code', message: string): ErrorCode {
  return errorCodeFor(stage, classifyMessage(message)) ?? (stage === 'credentials' ? 'BAD_CREDENTIALS' : 'CODE_REJECTED');
}

/** Whether a rejected code may be retried once from a new window (see isPlainCodeRejection). */
export function isRetryableCodeRejection(message: string): boolean {
  return isPlainCodeRejection(classifyMessage(message));
}
