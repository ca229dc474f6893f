import { loadConfig, type PacerConfig } from './load-config.ts';
import { isPacerError } from '../../domain/pacer-error.ts';

/** Loads the config for a CLI command; prints every invalid setting and returns undefined when invalid. */
export function loadCliConfig(): PacerConfig | undefined {
  try {
    return loadConfig();
  } catch (err) {
    if (isPacerError(err, 'CONFIG_INVALID')) {
      process.stderr.write(`pacer: ${err.message}\n`);
      return undefined;
    }
    throw err;
  }
}
