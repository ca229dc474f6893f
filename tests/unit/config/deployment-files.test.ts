import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../../src/app/config/load-config.ts';

/**
 * docker-compose cannot run on the CI machines (no Docker engine), so the production stack's files
 * are checked here for what would break `docker compose up`: mounts of files that do not exist,
 * malformed XML, and settings that disagree between services.
 */
const ROOT = join(import.meta.dirname, '../../..');

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown>;
}
const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };

function service(name: string): ComposeService {
  const s = compose.services[name];
  if (s === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

/** Compose's `${VAR:-default}` -> default and `${VAR:?message}` -> a stand-in value, as with no .env file. */
function interpolate(value: string): string {
  return value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1').replace(/\$\{([A-Z0-9_]+):\?[^}]*\}/g, 'set-by-operator-$1');
}

function xmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? xmlFiles(join(dir, e.name)) : e.name.endsWith('.xml') ? [join(dir, e.name)] : []));
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

describe('deployment files', () => {
  it('has the services the product needs', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['drachtio', 'freeswitch', 'grafana', 'pacer', 'postgres', 'prometheus', 'redis']);
  });

  it('mounts only files and folders that exist in the repository', () => {
    const missing = Object.entries(compose.services).flatMap(([name, s]) =>
      (s.volumes ?? []).map((v) => v.split(':')[0] ?? '').filter((src) => src.startsWith('./') && !existsSync(join(ROOT, src))).map((src) => `${name}: ${src}`),
    );
    expect(missing).toEqual([]);
  });

  it.each(xmlFiles(join(ROOT, 'config')).map((f) => relative(ROOT, f)))('%s is well-formed XML', (file) => {
    expect(XMLValidator.validate(readFileSync(join(ROOT, file), 'utf8'))).toBe(true);
  });

  it("gives the Pacer service an environment its config loader accepts, with drachtio's and FreeSWITCH's own settings", () => {
    const env = Object.fromEntries(Object.entries(service('pacer').environment ?? {}).map(([k, v]) => [k, interpolate(v)]));
    const config = loadConfig({ env, configDir: join(ROOT, 'config') });
    expect(config.telephony).toBe('drachtio');
    expect(config.databaseUrl).toMatch(/@postgres:5432\//);
    expect(config.redisUrl).toBe('redis://redis:6379');

    const drachtioUrl = new URL(env.DRACHTIO_URL ?? '');
    const drachtio = xml.parse(readFileSync(join(ROOT, 'config/drachtio/drachtio.conf.xml'), 'utf8')) as { drachtio: { admin: { port: string; secret: string } } };
    expect(drachtioUrl.hostname).toBe('drachtio');
    expect(drachtioUrl.port).toBe(drachtio.drachtio.admin.port);
    // The secret is the operator's (drachtio's --secret overrides the file's), the same on both sides.
    const command = service('drachtio').command ?? [];
    const secret = command[command.indexOf('--secret') + 1] ?? '';
    expect(command).toContain('--secret');
    expect(secret).toMatch(/^\$\{DRACHTIO_SECRET:\?/);
    expect(drachtioUrl.username).toBe(interpolate(secret));
    expect(drachtioUrl.username).not.toBe(drachtio.drachtio.admin.secret);

    const eslUrl = new URL(env.FREESWITCH_URL ?? '');
    const esl = xml.parse(readFileSync(join(ROOT, 'config/freeswitch/autoload_configs/event_socket.conf.xml'), 'utf8')) as {
      configuration: { settings: { param: { name: string; value: string }[] } };
    };
    const param = (name: string) => esl.configuration.settings.param.find((p) => p.name === name)?.value;
    expect(eslUrl.hostname).toBe('freeswitch');
    expect(eslUrl.port).toBe(param('listen-port'));
    expect(eslUrl.username).toBe(param('password'));
  });

  it('pins the telephony images and publishes neither the drachtio admin port nor the event socket', () => {
    for (const name of ['drachtio', 'freeswitch']) {
      const image = service(name).image ?? '';
      expect(image, name).toMatch(/^[\w./-]+:\d+\.\d+\.\d+$/);
    }
    const published = (name: string): string[] => (service(name).ports ?? []).map((p) => p.split(':').at(-2) ?? p);
    expect(published('drachtio').some((p) => p.startsWith('9022'))).toBe(false);
    expect(published('freeswitch').some((p) => p.startsWith('8021'))).toBe(false);
    // The project's vars.xml (no SRTP on 3pcc endpoints, sound_prefix) and prompts reach FreeSWITCH.
    const mounts = (service('freeswitch').volumes ?? []).map((v) => v.split(':')[0]);
    expect(mounts).toEqual(expect.arrayContaining(['./config/freeswitch/vars.xml', './config/freeswitch/sounds/pacer']));
  });

  it('lets Prometheus scrape the Pacer service where it listens', () => {
    const prometheus = parseYaml(readFileSync(join(ROOT, 'config/prometheus/prometheus.yml'), 'utf8')) as { scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[] };
    const job = prometheus.scrape_configs.find((j) => j.job_name === 'pacer');
    expect(job?.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job?.static_configs.flatMap((c) => c.targets)).toContain(`pacer:${service('pacer').environment?.PORT ?? '3000'}`);
  });
});
