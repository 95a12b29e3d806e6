/** Reads all of a non-interactive stdin (a pipe or file). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** Prompts on a terminal without echoing what is typed. */
export async function readHidden(stdin: NodeJS.ReadStream, write: (text: string) => void, prompt: string): Promise<string> {
  // Echo goes off before the prompt shows: input typed or pasted the moment it appears must not be echoed.
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  write(prompt);
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === '\r' || char === '\n' || char === '\u0004') {
            stdin.off('data', onData);
            resolve(value);
            return;
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            reject(new Error('interrupted'));
            return;
          }
          value = char === '\u007f' ? value.slice(0, -1) : value + char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    write('\n');
  }
}
