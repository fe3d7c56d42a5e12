import { GenericContainer, Wait, getContainerRuntimeClient } from 'testcontainers';
import type { StartedTestContainer } from 'testcontainers';
import { IdemgateError } from '../../errors.ts';
import type { Database } from '../database.ts';
import { openPostgres } from '../postgres/postgres.ts';

export type DockerAvailability = { ok: true } | { ok: false; reason: string };

/** Whether testcontainers finds a container runtime; when not, the reason it gave. */
export async function dockerAvailable(): Promise<DockerAvailability> {
  try {
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

const PASSWORD = 'idemgate';

/**
 * A throw-away `postgres:16-alpine` container; close() stops (and removes) it.
 *
 * @example
 * const availability = await dockerAvailable();
 * if (availability.ok) { const db = await openContainerPostgres(); … await db.close(); }
 */
export async function openContainerPostgres(image = 'postgres:16-alpine'): Promise<Database> {
  let container: StartedTestContainer;
  try {
    container = await new GenericContainer(image)
      .withEnvironment({ POSTGRES_PASSWORD: PASSWORD })
      .withExposedPorts(5432)
      // The entrypoint starts the server twice (init, then for real): wait for the second.
      .withWaitStrategy(
        Wait.forAll([
          Wait.forLogMessage(/database system is ready to accept connections/, 2),
          Wait.forListeningPorts(),
        ]),
      )
      .start();
  } catch (e) {
    throw new IdemgateError(
      'DB_UNREACHABLE',
      `cannot start a ${image} container: ${e instanceof Error ? e.message : String(e)}`,
      {
        cause: e,
        details: { image },
      },
    );
  }
  const url = `postgres://postgres:${PASSWORD}@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
  try {
    return await openPostgres(url, {
      onClose: async () => {
        await container.stop();
      },
    });
  } catch (e) {
    await container.stop().catch(() => undefined);
    throw e;
  }
}
