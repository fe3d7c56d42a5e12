import { describe, expect, it } from 'vitest';
import type { IdemgateConfig } from '../config.ts';
import { crashRestart, lostAcks } from '../faults/index.ts';
import { checkTargetSupportsFaults, crashConfigFor, killsTarget } from './crash-target.ts';

const crashStart = { kind: 'command' as const, command: 'svc', healthPath: '/health' };
const configWith = (target: IdemgateConfig['target']): IdemgateConfig => ({ target, providers: {} }) as unknown as IdemgateConfig;
const inProcess = { kind: 'in-process' as const, start: () => Promise.reject(new Error('not started')) };
const crashing = { name: 'crash', faults: [lostAcks(), crashRestart()] };
const plain = { name: 'plain', faults: [lostAcks()] };

describe('which target a scenario that kills the target runs on', () => {
  it('knows a scenario kills the target by its faults', () => {
    expect(killsTarget(crashing)).toBe(true);
    expect(killsTarget(plain)).toBe(false);
  });

  it('runs it on crashStart when there is one (whatever the configured start), and on the config itself otherwise', () => {
    const command = { kind: 'command' as const, command: 'other', healthPath: '/h' };
    expect(crashConfigFor(configWith({ start: inProcess, crashStart }), crashing)?.target.start).toBe(crashStart);
    expect(crashConfigFor(configWith({ start: command, crashStart }), crashing)?.target.start).toBe(crashStart);
    expect(crashConfigFor(configWith({ start: inProcess, crashStart }), plain)).toBeUndefined();
    expect(crashConfigFor(configWith({ start: crashStart }), crashing)).toBeUndefined();
    expect(crashConfigFor(configWith({ start: inProcess }), crashing)).toBeUndefined();
  });

  it('refuses to run it on a target without crashRestart, naming the kind and the fix', () => {
    const url = configWith({ start: { kind: 'url', baseUrl: 'http://127.0.0.1:9' } });
    expect(() => checkTargetSupportsFaults({ config: url, target: {} }, crashing)).toThrow(
      /scenario "crash" uses crashRestart\(\).*kind 'url'\) only talks to it at a URL.*target\.crashStart/,
    );
    expect(() => checkTargetSupportsFaults({ config: url, target: {} }, plain)).not.toThrow();
    expect(() => checkTargetSupportsFaults({ config: configWith({ start: crashStart }), target: { crashRestart: async () => {} } }, crashing)).not.toThrow();
  });
});
