/**
 * Given a secured broker's inputs, when server.properties is rendered, then clients meet only a
 * SASL_SSL listener, the controller listener needs client certificates (no anonymous super user),
 * ACLs are enforced with a deny default, and the plain rendering is unchanged by the option.
 */
import { describe, expect, it } from 'vitest';
import { brokerSettings, renderServerProperties } from '../../src/local-kafka/broker-config.js';

const base = { port: 9093, controllerPort: 9094, dataDir: '/d' };
const security = {
  keystoreFile: '/s/tls/broker-keystore.pem',
  caFile: '/s/tls/ca.pem',
  brokerUser: 'fenceline-broker',
  brokerPassword: 'pw"x',
  superUsers: ['User:fenceline-broker', 'User:CN=fenceline-broker', 'User:fenceline-admin'],
};

describe('secured broker settings', () => {
  const settings = new Map(brokerSettings({ ...base, security }).map(([k, v]) => [k, String(v)]));

  it('has a SASL_SSL client listener and a mutual-TLS controller listener', () => {
    expect(settings.get('listeners')).toBe('SASL_SSL://127.0.0.1:9093,CONTROLLER://127.0.0.1:9094');
    expect(settings.get('listener.security.protocol.map')).toBe('CONTROLLER:SSL,SASL_SSL:SASL_SSL');
    expect(settings.get('listener.name.controller.ssl.client.auth')).toBe('required');
    expect(settings.get('inter.broker.listener.name')).toBe('SASL_SSL');
    expect(settings.get('sasl.enabled.mechanisms')).toBe('SCRAM-SHA-256,SCRAM-SHA-512');
  });

  it('enforces ACLs with deny by default and the named super users only', () => {
    expect(settings.get('authorizer.class.name')).toBe(
      'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    );
    expect(settings.get('allow.everyone.if.no.acl.found')).toBe('false');
    expect(settings.get('super.users')).toBe(
      'User:fenceline-broker;User:CN=fenceline-broker;User:fenceline-admin',
    );
    expect(settings.get('super.users')).not.toContain('ANONYMOUS');
  });

  it('quotes the broker password inside the JAAS line', () => {
    expect(settings.get('listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config')).toBe(
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="fenceline-broker" password="pw\\"x";',
    );
  });

  it('leaves the plain broker as it was', () => {
    const plain = renderServerProperties(base);
    expect(plain).toContain('listeners=PLAINTEXT://127.0.0.1:9093,CONTROLLER://127.0.0.1:9094');
    expect(plain).not.toContain('authorizer');
    expect(plain).not.toContain('SASL');
  });
});
