import { parseArgs } from 'node:util';
import { openOrReport } from '../../app/open-database.ts';
import { AuditLogRepository } from '../../adapters/db/repositories/audit-log-repository.ts';
import { ApiKeyRepository } from '../../adapters/db/repositories/api-key-repository.ts';
import { isRole, ROLES } from '../../domain/auth/role.ts';
import { isPacerError } from '../../domain/pacer-error.ts';
import { loadCliConfig } from '../../app/config/load-cli-config.ts';

const USAGE = `usage:
  pacer keys create --role <${ROLES.join('|')}> [--name NAME] [--agent-id UUID]
  pacer keys list [--all]
  pacer keys revoke <id>

The new key is printed once; only its SHA-256 is stored.
`;

const system = { actorKeyId: null, actorRole: 'cli' };

/** `pacer keys`: create, list and revoke API keys directly in the database. */
export async function run(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { role: { type: 'string' }, name: { type: 'string' }, 'agent-id': { type: 'string' }, all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    process.stderr.write(`pacer keys: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, ...rest] = positionals;
  if (values.help === true || action === undefined) {
    process.stdout.write(USAGE);
    return values.help === true ? 0 : 2;
  }
  if (action === 'create') {
    if (values.role === undefined || !isRole(values.role)) {
      process.stderr.write(`pacer keys create: --role must be one of ${ROLES.join(', ')}\n`);
      return 2;
    }
  } else if (action === 'revoke') {
    if (rest.length !== 1 || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(rest[0] ?? '')) {
      process.stderr.write(`pacer keys revoke: give exactly one key id (a UUID, see \`pacer keys list\`)\n`);
      return 2;
    }
  } else if (action !== 'list') {
    process.stderr.write(`pacer keys: unknown action '${action}'\n\n${USAGE}`);
    return 2;
  }

  const config = loadCliConfig();
  if (config === undefined) return 78;
  const opened = await openOrReport(config, { migrate: config.autoMigrate });
  if (opened === undefined) return 1;
  const { database, close } = opened;
  try {
    const keys = new ApiKeyRepository(database.db, new AuditLogRepository(database.db));
    if (action === 'create' && values.role !== undefined && isRole(values.role)) {
      const { key, secret } = await keys.create({ role: values.role, name: values.name ?? `cli ${values.role} key`, agentId: values['agent-id'] ?? null }, system);
      process.stdout.write(`${secret}\n`);
      process.stderr.write(`created ${key.role} key ${key.id} (${key.name}); the key above is shown only once\n`);
      return 0;
    }
    if (action === 'list') {
      for (const k of await keys.list({ includeRevoked: values.all === true })) {
        process.stdout.write(`${k.id}  ${k.role.padEnd(10)} ${k.keyPrefix}…  ${k.name}${k.revokedAt === null ? '' : `  (revoked ${k.revokedAt.toISOString()})`}\n`);
      }
      return 0;
    }
    const id = rest[0] ?? '';
    let revoked;
    try {
      revoked = await keys.revoke(id, system);
    } catch (err) {
      if (isPacerError(err, 'CONFLICT')) {
        process.stderr.write(`pacer keys revoke: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
    if (revoked === undefined) {
      process.stderr.write(`pacer keys revoke: no key ${id}\n`);
      return 1;
    }
    process.stdout.write(`revoked ${id}\n`);
    return 0;
  } finally {
    await close();
  }
}
