"""The operators' kinds as their CRDs and docs describe them (the fields deploy/k8s may use):
KEDA's ScaledObject and TriggerAuthentication (keda.sh/v1alpha1), the RabbitMQ Cluster
Operator's RabbitmqCluster (rabbitmq.com/v1beta1), CloudNativePG's Cluster (postgresql.cnpg.io/v1).
Unknown fields are refused, so a typo fails here rather than in the cluster."""
from __future__ import annotations

OBJ = {"type": "object"}
STR = {"type": "string"}
INT = {"type": "integer", "minimum": 0}
QUANTITY = {"type": ["string", "integer"]}
RESOURCES = {"type": "object", "additionalProperties": False, "properties": {
    "requests": {"type": "object", "additionalProperties": QUANTITY},
    "limits": {"type": "object", "additionalProperties": QUANTITY}}}


def _kind(api_version: str, kind: str, spec: dict) -> dict:
    return {"type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
            "additionalProperties": False, "properties": {
                "apiVersion": {"const": api_version}, "kind": {"const": kind},
                "metadata": {"type": "object", "required": ["name"]}, "spec": spec}}


def _spec(properties: dict, required=()) -> dict:
    return {"type": "object", "additionalProperties": False, "required": list(required),
            "properties": properties}


RABBITMQ_TRIGGER = {  # keda.sh/docs/latest/scalers/rabbitmq-queue
    "type": "object", "additionalProperties": False, "required": ["queueName", "mode", "value"],
    "properties": {"host": STR, "hostFromEnv": STR, "protocol": {"enum": ["amqp", "http", "auto"]},
                   "mode": {"enum": ["QueueLength", "MessageRate"]},
                   "value": {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"},
                   "activationValue": STR, "queueName": STR, "vhostName": STR,
                   "useRegex": STR, "excludeUnacknowledged": STR, "unsafeSsl": STR,
                   "timeout": STR}}

SCALED_OBJECT = _kind("keda.sh/v1alpha1", "ScaledObject", _spec({
    "scaleTargetRef": _spec({"name": STR, "kind": STR, "apiVersion": STR,
                             "envSourceContainerName": STR}, ["name"]),
    "pollingInterval": INT, "cooldownPeriod": INT, "initialCooldownPeriod": INT,
    "idleReplicaCount": INT, "minReplicaCount": INT, "maxReplicaCount": INT,
    "fallback": OBJ, "advanced": OBJ,
    "triggers": {"type": "array", "minItems": 1, "items": {
        "type": "object", "additionalProperties": False, "required": ["type", "metadata"],
        "properties": {"type": {"const": "rabbitmq"}, "name": STR, "metricType": STR,
                       "metadata": RABBITMQ_TRIGGER,
                       "authenticationRef": _spec({"name": STR, "kind": {
                           "enum": ["TriggerAuthentication", "ClusterTriggerAuthentication"]}},
                           ["name"])}}}}, ["scaleTargetRef", "triggers"]))

TRIGGER_AUTHENTICATION = _kind("keda.sh/v1alpha1", "TriggerAuthentication", _spec({
    "secretTargetRef": {"type": "array", "items": _spec(
        {"parameter": {"enum": ["host", "username", "password", "tls", "ca", "cert", "key",
                                "keyPassword"]}, "name": STR, "key": STR},
        ["parameter", "name", "key"])},
    "env": {"type": "array"}, "podIdentity": OBJ}))

RABBITMQ_CLUSTER = _kind("rabbitmq.com/v1beta1", "RabbitmqCluster", _spec({
    "replicas": INT, "image": STR, "imagePullSecrets": {"type": "array"},
    "service": OBJ, "persistence": _spec({"storage": QUANTITY, "storageClassName": STR}),
    "resources": RESOURCES, "affinity": OBJ, "tolerations": {"type": "array"},
    "terminationGracePeriodSeconds": INT, "delayStartSeconds": INT,
    "skipPostDeploySteps": {"type": "boolean"}, "secretBackend": OBJ,
    "tls": _spec({"secretName": STR, "caSecretName": STR,
                  "disableNonTLSListeners": {"type": "boolean"}}),
    "rabbitmq": _spec({"additionalPlugins": {"type": "array", "items": STR},
                       "additionalConfig": STR, "advancedConfig": STR, "envConfig": STR,
                       "erlangInetConfig": STR}),
    "override": _spec({"statefulSet": OBJ, "service": OBJ})}))

CNPG_CLUSTER = _kind("postgresql.cnpg.io/v1", "Cluster", _spec({
    "instances": {"type": "integer", "minimum": 1}, "imageName": STR,
    "primaryUpdateStrategy": {"enum": ["supervised", "unsupervised"]},
    "primaryUpdateMethod": {"enum": ["switchover", "restart"]},
    "bootstrap": _spec({"initdb": _spec({"database": STR, "owner": STR,
                                         "secret": _spec({"name": STR}, ["name"])}),
                        "recovery": OBJ, "pg_basebackup": OBJ}),
    "postgresql": _spec({"parameters": {"type": "object", "additionalProperties": STR},
                         "pg_hba": {"type": "array"}}),
    "storage": _spec({"size": STR, "storageClass": STR, "pvcTemplate": OBJ}),
    "walStorage": OBJ, "resources": RESOURCES, "affinity": OBJ, "backup": OBJ,
    "monitoring": _spec({"enablePodMonitor": {"type": "boolean"}}),
    "superuserSecret": OBJ, "enableSuperuserAccess": {"type": "boolean"}}, ["instances"]))

CRDS = {"ScaledObject": ("keda.sh/v1alpha1", SCALED_OBJECT),
        "TriggerAuthentication": ("keda.sh/v1alpha1", TRIGGER_AUTHENTICATION),
        "RabbitmqCluster": ("rabbitmq.com/v1beta1", RABBITMQ_CLUSTER),
        "Cluster": ("postgresql.cnpg.io/v1", CNPG_CLUSTER)}
