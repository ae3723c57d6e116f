/**
 * The environment a server gets, as xinetd builds it: the daemon's start-up environment
 * (or only the `passenv` names), then the `env` strings, then REMOTE_HOST.
 */
import type { ServiceConfig } from '#config';

export function serverEnvironment(config: ServiceConfig, daemonEnv: NodeJS.ProcessEnv, remoteHost: string | null): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (config.passenv === null) Object.assign(env, daemonEnv);
  else for (const name of config.passenv) if (daemonEnv[name] !== undefined) env[name] = daemonEnv[name];
  for (const entry of config.env) {
    const equals = entry.indexOf('=');
    if (equals > 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  if (remoteHost !== null) env.REMOTE_HOST = remoteHost;
  return env;
}
