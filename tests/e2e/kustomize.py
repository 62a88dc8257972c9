"""A tiny kustomize for the tests (kustomize itself is not installed): resources, namespace,
images, configMapGenerator, and patches (strategic merge by container name, or JSON 6902) with
targets by kind, name and label selector — the features deploy/k8s uses, and no others."""
from __future__ import annotations

import copy
from pathlib import Path

import yaml

KNOWN = {"apiVersion", "kind", "resources", "namespace", "images", "patches",
         "configMapGenerator", "generatorOptions"}
CLUSTER_SCOPED = {"Namespace"}


def build(folder: Path) -> list[dict]:
    """The objects `kubectl kustomize folder` would print (for what deploy/k8s uses)."""
    spec = yaml.safe_load((folder / "kustomization.yaml").read_text(encoding="utf-8"))
    unknown = set(spec) - KNOWN
    assert not unknown, f"{folder}: this renderer does not know {unknown}"
    objects: list[dict] = []
    for entry in spec.get("resources", []):
        path = (folder / entry).resolve()
        if path.is_dir():
            objects += build(path)
        else:
            objects += [o for o in yaml.safe_load_all(path.read_text(encoding="utf-8")) if o]
    assert spec.get("generatorOptions", {}).get("disableNameSuffixHash", True) is True or \
        "configMapGenerator" not in spec, "hash suffixes are not rendered here"
    for gen in spec.get("configMapGenerator", []):
        data = {}
        for item in gen["files"]:
            key, _, source = item.partition("=")
            data[key] = (folder / (source or key)).read_text(encoding="utf-8")
        meta = {"name": gen["name"]}
        if gen.get("options", {}).get("labels"):
            meta["labels"] = dict(gen["options"]["labels"])
        objects.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data})
    for patch in spec.get("patches", []):
        body = yaml.safe_load((folder / patch["path"]).read_text(encoding="utf-8"))
        target = patch.get("target") or {"kind": body["kind"], "name": body["metadata"]["name"]}
        hits = [o for o in objects if _selected(o, target)]
        assert hits, f"{patch['path']}: its target matches nothing"
        for i, o in enumerate(objects):
            if o in hits:
                objects[i] = _json6902(o, body) if isinstance(body, list) else _merge(
                    o, {k: v for k, v in body.items() if k not in ("apiVersion", "kind",
                                                                     "metadata")})
    for image in spec.get("images", []):
        for o in objects:
            for c in _containers(o):
                if c.get("image", "").split(":")[0] == image["name"]:
                    c["image"] = f"{image.get('newName', image['name'])}:{image['newTag']}"
    if "namespace" in spec:
        for o in objects:
            if o["kind"] not in CLUSTER_SCOPED:
                o["metadata"]["namespace"] = spec["namespace"]
    return objects


def _selected(o: dict, target: dict) -> bool:
    if target.get("kind") and o["kind"] != target["kind"]:
        return False
    if target.get("name") and o["metadata"]["name"] != target["name"]:
        return False
    labels = o["metadata"].get("labels") or {}
    for term in filter(None, (target.get("labelSelector") or "").split(",")):
        key, _, value = term.partition("=")
        if labels.get(key) != value:
            return False
    return True


def _merge(base, patch):
    """Strategic merge, as far as we use it: maps merge, lists of named maps merge by name."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = copy.deepcopy(base)
        for key, value in patch.items():
            out[key] = _merge(out[key], value) if key in out else copy.deepcopy(value)
        return out
    if isinstance(base, list) and isinstance(patch, list) and all(
            isinstance(i, dict) and "name" in i for i in base + patch):
        out = copy.deepcopy(base)
        for item in patch:
            at = next((n for n, b in enumerate(out) if b["name"] == item["name"]), None)
            if at is None:
                out.append(copy.deepcopy(item))
            else:
                out[at] = _merge(out[at], item)
        return out
    return copy.deepcopy(patch)


def _json6902(o: dict, ops: list[dict]) -> dict:
    out = copy.deepcopy(o)
    for op in ops:
        assert op["op"] in ("add", "replace"), op
        *parents, last = [p.replace("~1", "/").replace("~0", "~")
                          for p in op["path"].lstrip("/").split("/")]
        node = out
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        if isinstance(node, list):
            node.insert(int(last), copy.deepcopy(op["value"])) if op["op"] == "add" and \
                last != "-" else node.append(copy.deepcopy(op["value"]))
        else:
            assert op["op"] == "add" or last in node, op
            node[last] = copy.deepcopy(op["value"])
    return out


def _containers(o: dict) -> list[dict]:
    pod = pod_spec(o)
    return (pod.get("initContainers") or []) + (pod.get("containers") or []) if pod else []


def pod_spec(o: dict) -> dict | None:
    if o["kind"] in ("Deployment", "Job", "StatefulSet"):
        return o["spec"]["template"]["spec"]
    return None
