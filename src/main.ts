import 'reflect-metadata';
import { serveOne } from './cli/commands/serve.command';

// `npm start`: one server process. `fattail serve --workers N` runs several.
serveOne().catch((error: unknown) => {
  process.stderr.write(`fattail: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
