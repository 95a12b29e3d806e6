import * as z from 'zod';

/**
 * The NAME of an environment variable that holds a secret. Shared by every
 * schema that takes a secret, so they all refuse a pasted secret the same way.
 * The value is never echoed (it may be a pasted secret): the path names the
 * key, the message says what belongs there.
 */
export const ENV_VAR_NAME_MESSAGE =
  'must be the NAME of the environment variable that holds the secret (letters, digits and _, not starting with a digit), not the secret itself; put the secret in .env or the environment';

export const envVarName = z.string({ error: ENV_VAR_NAME_MESSAGE }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, ENV_VAR_NAME_MESSAGE);
