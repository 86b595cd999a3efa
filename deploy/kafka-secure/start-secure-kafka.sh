#!/bin/sh
# Entrypoint of the SECURED Kafka service in docker-compose.yml (commented example there).
# Same shape as `fenceline kafka start --secure`, with the JDK's keytool instead of openssl (the
# apache/kafka image has a JRE and no openssl):
#   1. first start: a throw-away CA and a broker certificate (SAN kafka, localhost), one random
#      password per user in /secrets/<user>.password (0600; readable by the clients that mount
#      the volume, never printed);
#   2. server.properties: SASL_SSL (SCRAM) listeners, mutual-TLS controller listener,
#      StandardAuthorizer with deny by default;
#   3. storage formatted with the SCRAM users (kafka-storage format --add-scram);
#   4. the broker starts; once it answers, the admin user creates the ACLs printed by
#      `fenceline kafka acls --format kafka-acls` (default names) and the default topics.
set -eu
KAFKA=${KAFKA_HOME:-/opt/kafka}
S=${SECRETS_DIR:-/secrets}
C=/var/lib/kafka/config
mkdir -p "$S" "$C" /var/lib/kafka/data
rm -f /var/lib/kafka/data/.acls-ready
umask 077
USERS="fenceline-broker fenceline-admin fenceline-worker fenceline-simulator fenceline-console fenceline-notifier"
pw() { cat "$S/$1.password"; }

if [ ! -f "$S/broker.p12" ]; then
  STOREPW=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
  printf '%s' "$STOREPW" > "$S/store.password"
  keytool -genkeypair -alias ca -keyalg RSA -keysize 2048 -validity 365 -dname CN=fenceline-ca \
    -ext bc:c -keystore "$S/ca.p12" -storetype PKCS12 -storepass "$STOREPW" -noprompt
  keytool -exportcert -rfc -alias ca -keystore "$S/ca.p12" -storepass "$STOREPW" > "$S/ca.pem"
  keytool -genkeypair -alias broker -keyalg RSA -keysize 2048 -validity 365 -dname CN=fenceline-broker \
    -keystore "$S/broker.p12" -storetype PKCS12 -storepass "$STOREPW" -noprompt
  keytool -certreq -alias broker -keystore "$S/broker.p12" -storepass "$STOREPW" \
  | keytool -gencert -alias ca -keystore "$S/ca.p12" -storepass "$STOREPW" -validity 365 -rfc \
      -ext san=dns:kafka,dns:localhost,ip:127.0.0.1 -ext eku=serverAuth,clientAuth > "$S/broker.pem"
  keytool -importcert -alias ca -file "$S/ca.pem" -keystore "$S/broker.p12" -storepass "$STOREPW" -noprompt
  keytool -importcert -alias broker -file "$S/broker.pem" -keystore "$S/broker.p12" -storepass "$STOREPW" -noprompt
  keytool -importcert -alias ca -file "$S/ca.pem" -keystore "$S/truststore.p12" -storetype PKCS12 \
    -storepass "$STOREPW" -noprompt
  rm -f "$S/ca.p12" "$S/broker.pem"   # the CA key is gone: nothing else can be signed by it
  for u in $USERS; do head -c 18 /dev/urandom | base64 | tr '+/' '-_' > "$S/$u.password"; done
  chmod 0644 "$S/ca.pem"
fi
# Run as root (a fresh named volume is root-owned): hand the files to uid 1000, the worker image's
# `node` user, so the clients that mount the volume can read their password file.
if [ "$(id -u)" = 0 ]; then chown -R 1000:1000 "$S"; fi
STOREPW=$(cat "$S/store.password")
JAAS="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"fenceline-broker\" password=\"$(pw fenceline-broker)\";"

cat > "$C/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@kafka:9093
listeners=SASL_SSL://:9092,HOST://:29092,CONTROLLER://:9093
advertised.listeners=SASL_SSL://kafka:9092,HOST://localhost:9092
listener.security.protocol.map=SASL_SSL:SASL_SSL,HOST:SASL_SSL,CONTROLLER:SSL
inter.broker.listener.name=SASL_SSL
controller.listener.names=CONTROLLER
ssl.keystore.type=PKCS12
ssl.keystore.location=$S/broker.p12
ssl.keystore.password=$STOREPW
ssl.key.password=$STOREPW
ssl.truststore.type=PKCS12
ssl.truststore.location=$S/truststore.p12
ssl.truststore.password=$STOREPW
listener.name.controller.ssl.client.auth=required
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=$JAAS
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=$JAAS
listener.name.host.scram-sha-512.sasl.jaas.config=$JAAS
listener.name.host.scram-sha-256.sasl.jaas.config=$JAAS
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:fenceline-broker;User:CN=fenceline-broker;User:fenceline-admin
allow.everyone.if.no.acl.found=false
log.dirs=/var/lib/kafka/data
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
message.max.bytes=4194304
replica.fetch.max.bytes=4194304
log.retention.ms=-1
PROPS

SCRAM=""
for u in $USERS; do
  SCRAM="$SCRAM --add-scram SCRAM-SHA-512=[name=$u,password=$(pw "$u")] --add-scram SCRAM-SHA-256=[name=$u,password=$(pw "$u")]"
done
CLUSTER_ID=$(cat /var/lib/kafka/data/cluster-id 2>/dev/null || "$KAFKA/bin/kafka-storage.sh" random-uuid)
# shellcheck disable=SC2086
"$KAFKA/bin/kafka-storage.sh" format --ignore-formatted -t "$CLUSTER_ID" -c "$C/server.properties" $SCRAM >/dev/null
echo "$CLUSTER_ID" > /var/lib/kafka/data/cluster-id

cat > "$C/admin.properties" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="fenceline-admin" password="$(pw fenceline-admin)";
ssl.truststore.type=PEM
ssl.truststore.location=$S/ca.pem
PROPS

"$KAFKA/bin/kafka-server-start.sh" "$C/server.properties" &
BROKER=$!
trap 'kill -TERM $BROKER; wait $BROKER' TERM INT
until "$KAFKA/bin/kafka-broker-api-versions.sh" --bootstrap-server kafka:9092 --command-config "$C/admin.properties" >/dev/null 2>&1; do sleep 2; done
T="$KAFKA/bin/kafka-topics.sh --bootstrap-server kafka:9092 --command-config $C/admin.properties --if-not-exists --create"
$T --topic fenceline.pings --partitions 12
$T --topic fenceline.alerts --partitions 12
$T --topic fenceline.pings.dlq --partitions 12 --config max.message.bytes=8388608
$T --topic fenceline.state-changelog --partitions 12 --config cleanup.policy=compact
$T --topic fenceline.zones --partitions 1 --config cleanup.policy=compact
$T --topic fenceline.enrolments --partitions 1 --config cleanup.policy=compact
A="$KAFKA/bin/kafka-acls.sh --bootstrap-server kafka:9092 --command-config $C/admin.properties --add"
# = `fenceline kafka acls --client worker --format kafka-acls` and `--client simulator`
for t in fenceline.pings fenceline.zones fenceline.enrolments fenceline.state-changelog; do
  $A --allow-principal User:fenceline-worker --operation Read --topic "$t" >/dev/null
done
for t in fenceline.alerts fenceline.pings.dlq fenceline.state-changelog; do
  $A --allow-principal User:fenceline-worker --operation Write --topic "$t" >/dev/null
done
$A --allow-principal User:fenceline-worker --operation Read --group fenceline-worker >/dev/null
$A --allow-principal User:fenceline-worker --operation Read --group fenceline-worker. --resource-pattern-type prefixed >/dev/null
$A --allow-principal User:fenceline-worker --operation Write --transactional-id fenceline-worker-fenceline.pings- --resource-pattern-type prefixed >/dev/null
for t in fenceline.pings fenceline.zones fenceline.enrolments; do
  $A --allow-principal User:fenceline-simulator --operation Write --topic "$t" >/dev/null
done
touch /var/lib/kafka/data/.acls-ready
echo "secured Kafka ready: SASL_SSL on kafka:9092 (localhost:9092 from the host), ACLs created"
wait $BROKER
