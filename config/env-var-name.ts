import * as z from 'zod';

// The value is never echoed (it may be a pasted secret): the path names the key, the message says what belongs there.
const ENV_VAR_NAME_MESSAGE =
  'must be the NAME of the environment variable that holds the secret (letters, digits and _, not starting with a digit), not the secret itself; put the secret in .env or the environment';

/** A key that names an environment variable holding a secret (`passwordEnv`, `secretEnv`…), never the secret itself. */
export const envVarName = z.string({ error: ENV_VAR_NAME_MESSAGE }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, ENV_VAR_NAME_MESSAGE);
