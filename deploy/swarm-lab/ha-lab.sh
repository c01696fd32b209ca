#!/usr/bin/env bash
# docs/deploy-swarm.md on one machine: three "hosts" (node containers mgr-1..mgr-3, each with its own address, its
# own Docker engine and its own etcd member), set up with the doc's own steps: certificates, a three-member etcd
# cluster with TLS and an operator role, a three-manager Swarm, the image loaded on each, the secrets, and the stack
# deployed from deploy/swarm/stack.yml. Each "on mgr-N" step of the doc is a 'docker exec' into that node here.
#
# Usage: ha-lab.sh up | down | env
#   up     build the node image if needed, start the lab, deploy the stack (takes a minute or two)
#   down   remove the node containers, their network and the lab's files
#   env    print the variables that let this machine's etcdctl and infrakit reach the lab's etcd
#
# Settings, from the environment:
#   LAB                name prefix of the containers and network (default infrakit-ha)
#   LAB_NET            the first three octets of the lab's /24 (default 10.213.70; the doc's 10.0.0 is often taken)
#   LAB_DIR            certificates and the lab's files (default /tmp/$LAB)
#   INFRAKIT_IMAGE_TAR the operator image, as 'mvn package' builds it (default operator/target/infrakit-image.tar)
#   INFRAKIT_IMAGE     its tag (default infrakit:0.1.0-SNAPSHOT); further INFRAKIT_* stack settings pass through
#
# Needs a Docker engine (DOCKER_HOST), Debian's docker.io, busybox-static, etcd-server and etcd-client (their
# binaries go into the node image), and openssl.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
LAB=${LAB:-infrakit-ha}
LAB_NET=${LAB_NET:-10.213.70}
LAB_DIR=${LAB_DIR:-/tmp/$LAB}
INFRAKIT_IMAGE_TAR=${INFRAKIT_IMAGE_TAR:-$repo/operator/target/infrakit-image.tar}
export INFRAKIT_IMAGE=${INFRAKIT_IMAGE:-infrakit:0.1.0-SNAPSHOT}
NODE_IMAGE=infrakit-lab/ha-node:1
NODES="1 2 3"

say() { printf '\n== %s\n' "$*"; }
ip_of() { echo "$LAB_NET.1$1"; }
# "On mgr-N": a command in that node, with the stack's INFRAKIT_* settings passed on.
on() {
  local n=$1
  shift
  local envs=()
  while IFS='=' read -r name _; do envs+=(-e "$name"); done < <(env | grep '^INFRAKIT_' || true)
  docker exec "${envs[@]}" "$LAB-mgr-$n" sh -c "$*"
}
endpoints() { echo "https://$(ip_of 1):2379,https://$(ip_of 2):2379,https://$(ip_of 3):2379"; }

up() {
  [ -f "$INFRAKIT_IMAGE_TAR" ] || { echo "no image at $INFRAKIT_IMAGE_TAR: mvn -B -pl operator -am package -DskipTests" >&2; exit 1; }
  if ! docker image inspect "$NODE_IMAGE" >/dev/null 2>&1; then
    say "node image $NODE_IMAGE: the Swarm lab's node image plus etcd"
    "$here/node-image.sh" "$NODE_IMAGE" "$(command -v etcd)" "$(command -v etcdctl)"
  fi
  mkdir -p "$LAB_DIR/pki" "$LAB_DIR/image"
  ln -f "$INFRAKIT_IMAGE_TAR" "$LAB_DIR/image/infrakit-image.tar" 2>/dev/null \
    || cp "$INFRAKIT_IMAGE_TAR" "$LAB_DIR/image/infrakit-image.tar"

  say "certificates (deploy-swarm.md, Certificates)"
  (
    cd "$LAB_DIR/pki"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -keyout ca.key -out ca.crt -subj /CN=infrakit-etcd-ca 2>/dev/null
    for i in $NODES; do
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout etcd-$i.key -out etcd-$i.csr -subj /CN=etcd-$i 2>/dev/null
      printf 'subjectAltName=DNS:mgr-%s,IP:%s,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' \
        "$i" "$(ip_of "$i")" >etcd-$i.ext
      openssl x509 -req -in etcd-$i.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 \
        -extfile etcd-$i.ext -out etcd-$i.crt 2>/dev/null
    done
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout client.key -out client.csr \
      -subj /CN=infrakit 2>/dev/null
    echo extendedKeyUsage=clientAuth >client.ext
    openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -extfile client.ext \
      -out client.crt 2>/dev/null
    head -1 client.key | grep -q 'BEGIN PRIVATE KEY' || {
      openssl pkcs8 -topk8 -nocrypt -in client.key -out client.pk8.key && mv client.pk8.key client.key; }
    chmod 644 ./*.key   # the nodes read them through a bind mount; the lab's directory is the lab's alone
  )

  say "three hosts: $LAB-mgr-1..3 at $(ip_of 1)..$(ip_of 3)"
  docker network create --subnet "$LAB_NET.0/24" --label "io.infrakit.lab=$LAB" "$LAB" >/dev/null
  for i in $NODES; do
    # An engine that runs the operator's containers needs the host's cgroups, writable, every capability but
    # SYS_RESOURCE (which some sandboxes cannot grant) and no seccomp or AppArmor profile; its data on a volume
    # so that it can use overlay2.
    docker run -d --name "$LAB-mgr-$i" --hostname "mgr-$i" --network "$LAB" --ip "$(ip_of "$i")" \
      --label "io.infrakit.lab=$LAB" --cap-add ALL --cap-drop SYS_RESOURCE \
      --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
      --cgroupns host -v /sys/fs/cgroup:/sys/fs/cgroup -v /var/lib/docker \
      -v "$LAB_DIR:/lab:ro" -v "$repo/deploy/swarm:/stack:ro" \
      "$NODE_IMAGE" dockerd --iptables=false --bridge=none --ip-forward=false -H unix:///var/run/docker.sock \
      >/dev/null
  done
  for i in $NODES; do
    for _ in $(seq 1 100); do on "$i" docker info >/dev/null 2>&1 && break; sleep 0.2; done
    on "$i" docker info >/dev/null
  done

  say "etcd (deploy-swarm.md, etcd): /etc/default/etcd on each host"
  for i in $NODES; do
    local ip
    ip=$(ip_of "$i")
    on "$i" "mkdir -p /etc/etcd/pki /etc/default /var/lib/etcd /var/log && cp /lab/pki/ca.crt /lab/pki/etcd-$i.crt /lab/pki/etcd-$i.key /etc/etcd/pki/
cat >/etc/default/etcd <<EOF
ETCD_NAME=etcd-$i
ETCD_DATA_DIR=/var/lib/etcd/default
ETCD_LISTEN_CLIENT_URLS=https://$ip:2379,https://127.0.0.1:2379
ETCD_ADVERTISE_CLIENT_URLS=https://$ip:2379
ETCD_LISTEN_PEER_URLS=https://$ip:2380
ETCD_INITIAL_ADVERTISE_PEER_URLS=https://$ip:2380
ETCD_INITIAL_CLUSTER=etcd-1=https://$(ip_of 1):2380,etcd-2=https://$(ip_of 2):2380,etcd-3=https://$(ip_of 3):2380
ETCD_INITIAL_CLUSTER_STATE=new
ETCD_CERT_FILE=/etc/etcd/pki/etcd-$i.crt
ETCD_KEY_FILE=/etc/etcd/pki/etcd-$i.key
ETCD_TRUSTED_CA_FILE=/etc/etcd/pki/ca.crt
ETCD_CLIENT_CERT_AUTH=true
ETCD_PEER_CERT_FILE=/etc/etcd/pki/etcd-$i.crt
ETCD_PEER_KEY_FILE=/etc/etcd/pki/etcd-$i.key
ETCD_PEER_TRUSTED_CA_FILE=/etc/etcd/pki/ca.crt
ETCD_PEER_CLIENT_CERT_AUTH=true
EOF"
    # What the package's service does: run etcd with /etc/default/etcd as its environment.
    docker exec -d "$LAB-mgr-$i" sh -c 'set -a; . /etc/default/etcd; exec etcd --logger=zap >/var/log/etcd.log 2>&1'
  done
  local admin="ETCDCTL_ENDPOINTS=$(endpoints) ETCDCTL_CACERT=/lab/pki/ca.crt ETCDCTL_CERT=/lab/pki/etcd-1.crt"
  admin="$admin ETCDCTL_KEY=/lab/pki/etcd-1.key"
  for _ in $(seq 1 60); do
    on 1 "$admin etcdctl --command-timeout=2s endpoint health" >/dev/null 2>&1 && break
    sleep 0.5
  done
  on 1 "$admin etcdctl --command-timeout=2s endpoint health" || { on 1 tail -20 /var/log/etcd.log; exit 1; }
  # The doc's commands; the passwords, which the doc has openssl make or prompts for, come from /dev/urandom here.
  on 1 "$admin etcdctl role add infrakit
$admin etcdctl role grant-permission infrakit --prefix=true readwrite /infrakit/
$admin etcdctl user add infrakit --new-user-password \$(tr -dc a-z0-9 </dev/urandom | head -c 24)
$admin etcdctl user grant-role infrakit infrakit
$admin etcdctl user add root --new-user-password \$(tr -dc a-z0-9 </dev/urandom | head -c 24)
$admin etcdctl user grant-role root root
$admin etcdctl auth enable" >/dev/null

  say "Swarm (deploy-swarm.md, Swarm)"
  on 1 "docker swarm init --advertise-addr $(ip_of 1)" >/dev/null
  local token
  token=$(on 1 docker swarm join-token -q manager)
  for i in 2 3; do on "$i" "docker swarm join --token $token $(ip_of 1):2377"; done
  on 1 docker node ls
  for i in $NODES; do on "$i" docker load -q -i /lab/image/infrakit-image.tar; done

  say "the stack (deploy-swarm.md, Deploying the stack)"
  on 1 "docker secret create infrakit-etcd-ca /lab/pki/ca.crt && docker secret create infrakit-etcd-cert /lab/pki/client.crt && docker secret create infrakit-etcd-key /lab/pki/client.key" >/dev/null
  export INFRAKIT_ETCD
  INFRAKIT_ETCD=$(endpoints)
  on 1 docker stack deploy --resolve-image never -c /stack/stack.yml infrakit
  for _ in $(seq 1 300); do
    [ "$(on 1 "docker service ls --filter name=infrakit_operator --format '{{.Replicas}}'")" = "3/3" ] && break
    sleep 1
  done
  on 1 docker service ps infrakit_operator
  say "ready: try"
  cat <<EOF
  docker exec $LAB-mgr-1 docker service logs infrakit_operator 2>&1 | grep LEADERSHIP
  docker exec $LAB-mgr-1 sh -c 'docker exec \$(docker ps -q -f label=com.docker.swarm.service.name=infrakit_operator) infrakit leader'
  eval "\$($0 env)"; etcdctl put /infrakit/groups/web "\$(cat docs/examples/web.json)"
  docker kill $LAB-mgr-N          # the leader's host; a standby on another host takes over
  $0 down
EOF
}

down() {
  docker ps -aq --filter "label=io.infrakit.lab=$LAB" | xargs -r docker rm -f -v >/dev/null
  docker network ls -q --filter "label=io.infrakit.lab=$LAB" | xargs -r docker network rm >/dev/null
  rm -rf "$LAB_DIR"
}

lab_env() {
  cat <<EOF
export ETCDCTL_ENDPOINTS=$(endpoints)
export ETCDCTL_CACERT=$LAB_DIR/pki/ca.crt ETCDCTL_CERT=$LAB_DIR/pki/client.crt ETCDCTL_KEY=$LAB_DIR/pki/client.key
export INFRAKIT_ETCD=$(endpoints)
export INFRAKIT_ETCD_CACERT=$LAB_DIR/pki/ca.crt INFRAKIT_ETCD_CERT=$LAB_DIR/pki/client.crt INFRAKIT_ETCD_KEY=$LAB_DIR/pki/client.key
EOF
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) lab_env ;;
  *) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
