/**
 * Formats the KRaft storage once per state dir. The cluster id is made here (same shape as
 * `StorageTool random-uuid`) and kept in the state dir, and a marker records a finished format,
 * so warm starts skip the formatting JVM (~1.5 s) entirely. `--ignore-formatted` keeps a repeat
 * harmless if the marker is lost.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalKafkaError } from './errors.js';
import type { StateLayout } from './paths.js';

/** 16 random bytes, base64url: Kafka's Uuid. Like Kafka, avoid a leading '-' (reads as a flag). */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return text.length > 0 ? text : undefined;
  } catch {
    return undefined;
  }
}

export interface FormatOptions {
  java: string;
  classpath: string;
  layout: StateLayout;
  /** Secured broker: SCRAM users written into the bootstrap metadata (SHA-256 and SHA-512 each). */
  scramUsers?: ReadonlyArray<{ name: string; password: string }>;
}

/** Returns the cluster id; runs StorageTool only if this state dir was never formatted. */
export async function ensureFormatted({
  java,
  classpath,
  layout,
  scramUsers,
}: FormatOptions): Promise<string> {
  const formattedMarker = join(layout.dataDir, '.fenceline-formatted');
  const clusterId = (await readTrimmed(layout.clusterIdFile)) ?? newClusterId();
  await writeFile(layout.clusterIdFile, `${clusterId}\n`);
  // The marker records the mode too: SCRAM users exist only if the storage was formatted secured.
  const mode = scramUsers ? 'secure' : 'plain';
  const marker = await readTrimmed(formattedMarker);
  if (marker !== undefined && marker.split(' ')[0] === clusterId) {
    const formattedMode = marker.split(' ')[1] ?? 'plain';
    if (formattedMode === mode) return clusterId;
    throw new LocalKafkaError(
      'FL_KAFKA_MODE_MISMATCH',
      `${layout.dataDir} was formatted for a ${formattedMode} broker; use another --state-dir (or --port) for a ${mode} one`,
    );
  }
  // The passwords are on this short-lived command line (visible to local `ps` for ~2 s); the
  // alternative, pre-salted SCRAM credentials, buys little on a throw-away local broker.
  const scramArgs = (scramUsers ?? []).flatMap(({ name, password }) =>
    ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => [
      '--add-scram',
      `${m}=[name=${name},password=${password}]`,
    ]),
  );

  // kafka.tools (Scala), not org.apache.kafka.tools: the latter has no StorageTool class.
  const args = [
    `-Dkafka.logs.dir=${layout.logsDir}`,
    `-Dlog4j2.configurationFile=${layout.log4jProperties}`,
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    layout.serverProperties,
    '--ignore-formatted',
    ...scramArgs,
  ];
  const { code, output } = await run(java, args);
  if (code !== 0) {
    // StorageTool may echo its arguments: never the passwords.
    let shown = output;
    for (const u of scramUsers ?? []) shown = shown.split(u.password).join('[redacted]');
    throw new LocalKafkaError('FL_KAFKA_FORMAT_FAILED', `StorageTool format exited with ${code}:\n${shown}`);
  }
  await writeFile(formattedMarker, `${clusterId}${scramUsers ? ' secure' : ''}\n`);
  return clusterId;
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: output.trim() }));
  });
}
