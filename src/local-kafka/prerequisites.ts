/**
 * Finds the two host tools the local broker needs: a Java 17+ runtime (the broker) and Maven
 * (only to download the jars the first time). Missing tools are reported by name, with the
 * Docker alternative, instead of surfacing as a cryptic ENOENT from spawn.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DOCKER_HINT, LocalKafkaError } from './errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/** JAVA_HOME wins over PATH, as in Kafka's own kafka-run-class.sh. */
export function javaCommand(env: Env = process.env): string {
  const home = env.JAVA_HOME;
  return home && home.length > 0 ? join(home, 'bin', 'java') : 'java';
}

export function mvnCommand(env: Env = process.env): string {
  const override = env.FENCELINE_MVN;
  return override && override.length > 0 ? override : 'mvn';
}

/** Parses the major version from `java -version` output ("17.0.15", "1.8.0_392", "21"). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 ? Number(m[2]) : first;
}

export function requireJava(env: Env = process.env): string {
  const cmd = javaCommand(env);
  const r = spawnSync(cmd, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) {
    throw new LocalKafkaError(
      'FL_KAFKA_JAVA_MISSING',
      `java is missing: could not run "${cmd} -version" (install a Java 17+ runtime or set JAVA_HOME). ${DOCKER_HINT}`,
    );
  }
  const major = parseJavaMajor(`${r.stderr}${r.stdout}`);
  if (major !== undefined && major < 17) {
    throw new LocalKafkaError(
      'FL_KAFKA_JAVA_MISSING',
      `java ${major} found but Kafka 4 needs Java 17 or later (set JAVA_HOME). ${DOCKER_HINT}`,
    );
  }
  return cmd;
}

export function requireMaven(env: Env = process.env): string {
  const cmd = mvnCommand(env);
  const r = spawnSync(cmd, ['-v'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    throw new LocalKafkaError(
      'FL_KAFKA_MVN_MISSING',
      `mvn is missing: could not run "${cmd} -v"; Maven is needed once to download the Kafka jars ` +
        `(install Maven 3.6+ or set FENCELINE_MVN). ${DOCKER_HINT}`,
    );
  }
  return cmd;
}
