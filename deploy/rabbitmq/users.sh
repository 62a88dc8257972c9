#!/bin/sh
# The compose broker's users file from its environment, written before RabbitMQ starts. RabbitMQ
# hashes each password on import; the file stays inside the container, readable by rabbitmq only.
# (Kubernetes mounts a Secret made by `microwish ops definitions --users` instead: hashes only.)
set -eu
dir=/etc/rabbitmq/definitions
umask 077
{
  printf '{"users": [\n'
  sep=""
  for pair in "microwish:administrator:RABBITMQ_PASSWORD" "ops::RABBITMQ_OPS_PASSWORD" \
              "keda:management:RABBITMQ_KEDA_PASSWORD" "intake::RABBITMQ_INTAKE_PASSWORD" \
              "verification::RABBITMQ_VERIFICATION_PASSWORD" \
              "matching::RABBITMQ_MATCHING_PASSWORD" "scoring::RABBITMQ_SCORING_PASSWORD"; do
    user=${pair%%:*}; rest=${pair#*:}; tag=${rest%%:*}; var=${rest#*:}
    eval "password=\${$var:-}"
    [ -n "$password" ] || { echo "users.sh: set $var" >&2; exit 1; }
    tags="[]"; [ -z "$tag" ] || tags="[\"$tag\"]"
    printf '%s  {"name": "%s", "password": "%s", "tags": %s}' "$sep" "$user" "$password" "$tags"
    sep=",
"
  done
  printf '\n]}\n'
} > "$dir/01-users.json"
chown rabbitmq:rabbitmq "$dir/01-users.json"
exec docker-entrypoint.sh rabbitmq-server
