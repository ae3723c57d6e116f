/**
 * The ServiceConfig fields of the attributes that tune how a service is served: limits,
 * banners, environment, credentials, resource limits, RPC. Each is taken from the
 * service's settings after the defaults were filled in, or is the built-in default.
 */

import {
  ACCESS_TIMES, BANNER, BANNER_FAIL, BANNER_SUCCESS, CPS, DENY_TIME, ENV, GROUPS, LIBWRAP, MAX_LOAD, NICE,
  PASSENV, PER_SOURCE, RLIMIT_AS, RLIMIT_CPU, RLIMIT_DATA, RLIMIT_FILES, RLIMIT_RSS, RLIMIT_STACK,
  RPC_NUMBER, RPC_VERSION, UMASK, V6ONLY,
} from './attributes.js';
import { frozenArray } from './freeze.js';
import type { Settings } from './settings.js';
import type { ResourceLimits, ServiceConfig } from './types.js';

/** xinetd's built-in `cps = 50 10`, which applies when neither the service nor the defaults set it. */
export const DEFAULT_CPS = Object.freeze({ connections: 50, waitSeconds: 10 });

export type TuningFields = Pick<
  ServiceConfig,
  | 'perSource' | 'cps' | 'maxLoad' | 'accessTimes' | 'denyTime' | 'banner' | 'bannerSuccess' | 'bannerFail'
  | 'libwrap' | 'env' | 'passenv' | 'umask' | 'nice' | 'groups' | 'rlimits' | 'rpcVersion' | 'rpcNumber' | 'v6only'
>;

function resolveCps(settings: Settings): ServiceConfig['cps'] {
  const cps = settings.value(CPS);
  if (cps === undefined) return DEFAULT_CPS;
  return cps.connections === 0 ? null : Object.freeze({ ...cps });
}

function resolveRlimits(settings: Settings): ResourceLimits {
  return Object.freeze({
    as: settings.value(RLIMIT_AS) ?? null,
    cpu: settings.value(RLIMIT_CPU) ?? null,
    data: settings.value(RLIMIT_DATA) ?? null,
    rss: settings.value(RLIMIT_RSS) ?? null,
    stack: settings.value(RLIMIT_STACK) ?? null,
    files: settings.value(RLIMIT_FILES) ?? null,
  });
}

function frozenListOrNull<T extends object>(items: readonly T[] | undefined): readonly T[] | null {
  return items === undefined ? null : frozenArray(items.map((item) => Object.freeze({ ...item })));
}

export function resolveTuning(settings: Settings): TuningFields {
  const passenv = settings.items(PASSENV);
  const rpcVersion = settings.value(RPC_VERSION);
  return {
    perSource: settings.value(PER_SOURCE) ?? null,
    cps: resolveCps(settings),
    maxLoad: settings.value(MAX_LOAD) ?? null,
    accessTimes: frozenListOrNull(settings.value(ACCESS_TIMES)),
    denyTime: settings.value(DENY_TIME) ?? null,
    banner: settings.value(BANNER) ?? null,
    bannerSuccess: settings.value(BANNER_SUCCESS) ?? null,
    bannerFail: settings.value(BANNER_FAIL) ?? null,
    libwrap: settings.value(LIBWRAP) ?? null,
    env: frozenArray(settings.items(ENV) ?? []),
    passenv: passenv === undefined ? null : frozenArray(passenv),
    umask: settings.value(UMASK) ?? null,
    nice: settings.value(NICE) ?? null,
    groups: settings.value(GROUPS) ?? false,
    rlimits: resolveRlimits(settings),
    rpcVersion: rpcVersion === undefined ? null : Object.freeze({ ...rpcVersion }),
    rpcNumber: settings.value(RPC_NUMBER) ?? null,
    v6only: settings.value(V6ONLY) ?? null,
  };
}
