/**
 * `pacer` command-line entry. Each sub-command lives in `./commands/<name>.ts` and exports
 * `run(argv: readonly string[]): Promise<number>` returning the process exit code.
 */
const commands: Record<string, string> = {
  serve: 'start the API server (embedded PostgreSQL and in-process queues unless configured otherwise)',
  migrate: 'apply database migrations and exit',
  keys: 'manage API keys: `pacer keys create --role admin [--name NAME]`',
  audit: 'verify the dial-decision hash chains and export signed chain heads: `pacer audit verify [--campaign ID] [--anchors FILE]`, `pacer audit anchor --file FILE`',
  simulate: 'what-if pacing: `pacer simulate --scenario <file|name> --policy <name> [--seed N] [--days D] [--json] [--report out.html]`',
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, what]) => `  ${name.padEnd(10)} ${what}`);
  return `usage: pacer <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

interface CommandModule {
  run(argv: readonly string[]): Promise<number>;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 1 : 0;
  }
  if (!(name in commands)) {
    process.stderr.write(`pacer: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = (await import(`./commands/${name}.ts`)) as CommandModule;
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`pacer: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
