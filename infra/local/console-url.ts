import type { CompanyConfig } from '../../shared/config/schema.ts';

/**
 * The company config as the local functions see it: without an `admin.consoleUrl` of its
 * own, notification links open the console that `npm start` serves on this machine
 * (`http://localhost:<port>/console/cases/<id>`). On port 0 the port is only known after
 * the functions are built, so the config's own links (or none) stay.
 */
export function withLocalConsoleUrl(config: CompanyConfig, port: number): CompanyConfig {
  if (config.admin.consoleUrl !== undefined || port === 0) return config;
  return { ...config, admin: { ...config.admin, consoleUrl: `http://localhost:${port}/console` } };
}
