#!/usr/bin/env python3
"""deploy/kubernetes/ checked without a cluster, by kubectl's own parsing and Kubernetes types.

`kubectl apply --dry-run=client` cannot do it: it asks an API server which kinds exist, and its
validation downloads the server's OpenAPI schema. What kubectl does offline (--local), and this
checks:
- every manifest parses, and holds the objects listed in `expected`;
- each Deployment, StatefulSet and Service decodes into kubectl's Kubernetes types and back with
  nothing lost, so no field is misspelled, misplaced or of the wrong type (kubectl drops a field
  its types lack);
- the Kite wiring: the ConfigMap's configs pass `kite validate`, and the configs, arguments,
  ports, probes, key files and Services of the pods agree with one another.
Not checked: the HorizontalPodAutoscaler's and the ConfigMap's fields against their types (no
local kubectl command decodes them), what only the API server validates (a selector matching its
template's labels, one source per volume), and what a cluster decides (admission, scheduling).
Python's json module compares what kubectl prints; YAML is parsed by kubectl alone.

usage: kubernetes_manifests.py MANIFEST_DIR KITE_TOOL
$KUBECTL, else the kubectl on PATH; without one it exits 77, which CTest reports as skipped.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

manifests, kite = sys.argv[1], sys.argv[2]
kubectl = os.environ.get("KUBECTL") or shutil.which("kubectl")
if not kubectl:
    print("SKIP: kubectl is not installed (Debian: kubernetes-client); "
          "deploy/kubernetes/ is unchecked")
    sys.exit(77)
# No cluster: every command below is --local, and must not read an operator's kubeconfig.
os.environ["KUBECONFIG"] = os.devnull

# Each manifest file and the objects it must hold, as kind/name.
expected = {
    "config.yaml": ["ConfigMap/kite-config"],
    "placement.yaml": ["Deployment/kite-placement", "Service/kite-placement"],
    "workers.yaml": ["Deployment/kite-worker", "HorizontalPodAutoscaler/kite-worker",
                     "Service/kite-worker"],
    "statefulset/workers.yaml": ["StatefulSet/kite-worker", "Service/kite-worker"] +
                                [f"Service/kite-worker-{n}" for n in range(3)],
}
problems = []


def fail(where, what):
    problems.append(f"{where}: {what}")


def run_kubectl(*args, stdin=None):
    # kubectl 1.20 quotes the bytes around a decoding error raw: they need not be UTF-8.
    done = subprocess.run([kubectl, *args], input=stdin, capture_output=True, encoding="utf-8",
                          errors="replace")
    if done.returncode != 0:
        raise RuntimeError(f"kubectl {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def json_stream(text):
    """The JSON objects kubectl printed one after another."""
    decoder, at, out = json.JSONDecoder(), 0, []
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            return out
        value, at = decoder.raw_decode(text, at)
        out.append(value)


def parse(path):
    """The objects of a manifest as kubectl reads them, untyped. Removing a label no object has
    is the one --local command that prints them unchanged."""
    return json_stream(run_kubectl("label", "--local", "-f", path, "kite-check-", "-o", "json"))


def lost(given, typed, path=""):
    """Where `typed` lacks or differs from what `given` says; what it has besides is ignored."""
    if isinstance(given, dict):
        if not isinstance(typed, dict):
            return [path or "/"]
        return [p for key, value in given.items()
                for p in (lost(value, typed[key], f"{path}.{key}") if key in typed
                          else [f"{path}.{key}"])]
    if isinstance(given, list):
        if not isinstance(typed, list) or len(typed) != len(given):
            return [path]
        return [p for i, value in enumerate(given) for p in lost(value, typed[i], f"{path}[{i}]")]
    return [] if given == typed else [f"{path}: {given!r} became {typed!r}"]


def round_trip(obj):
    """`obj` through kubectl's typed decoding and encoding, or None for kinds it offers no local
    command for. Each command must change something, else kubectl prints nothing: a variable in
    the containers' environment, taken out again here, or a label in the Service's selector, which
    `lost` ignores as it ignores the defaults kubectl adds."""
    text = json.dumps(obj)
    if obj["kind"] in ("Deployment", "StatefulSet"):
        typed = json.loads(run_kubectl("set", "env", "--local", "-f", "-", "KITE_CHECK=1",
                                       "-o", "json", stdin=text))
        for container in typed["spec"]["template"]["spec"]["containers"]:
            env = [e for e in container["env"] if e["name"] != "KITE_CHECK"]
            if env:
                container["env"] = env
            else:
                del container["env"]
        return typed
    if obj["kind"] == "Service":
        selector = ",".join(f"{k}={v}" for k, v in obj["spec"].get("selector", {}).items())
        return json.loads(run_kubectl("set", "selector", "--local", "-f", "-",
                                      ",".join(filter(None, [selector, "kite-check=1"])), "-o",
                                      "json", stdin=text))
    return None


objects = {}
for name, kinds in expected.items():
    path = os.path.join(manifests, name)
    try:
        found = parse(path)
    except RuntimeError as err:
        fail(name, err)
        continue
    got = [f"{o['kind']}/{o['metadata']['name']}" for o in found]
    if got != kinds:
        fail(name, f"holds {got}, expected {kinds}")
    for obj in found:
        where = f"{name}: {obj['kind']}/{obj['metadata']['name']}"
        try:
            typed = round_trip(obj)
        except RuntimeError as err:
            fail(where, err)
            continue
        if typed is not None:
            for p in lost(obj, typed):
                fail(where, f"kubectl's types lose {p}")
        objects[(name, obj["kind"], obj["metadata"]["name"])] = obj
stray = sorted(os.path.relpath(os.path.join(d, f), manifests)
               for d, _, files in os.walk(manifests) for f in files if f.endswith(".yaml"))
if stray != sorted(expected):
    fail(manifests, f"holds {stray}; this test knows {sorted(expected)}")
if problems:
    print("\n".join(f"FAIL: {p}" for p in problems))
    sys.exit(1)

# The Kite wiring.
configs = objects[("config.yaml", "ConfigMap", "kite-config")]["data"]
work = tempfile.mkdtemp()
for key, text in configs.items():
    file = os.path.join(work, key)
    with open(file, "w") as out:
        out.write(text)
    done = subprocess.run([kite, "validate", file], capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"config.yaml: {key}", f"kite validate: {done.stderr.strip()}")
shutil.rmtree(work)


def setting(config, key):
    """A top-level or nested scalar setting of an embedded config, as `key: value` on its line."""
    match = re.search(rf"^\s*{key}:\s*\"?([^\s\"#]+)", configs[config], re.M)
    return match.group(1) if match else None


def port_of(endpoint):
    """The port of host:port or tcp://host:port; None for anything else."""
    match = re.fullmatch(r".*:(\d+)", endpoint or "")
    return int(match.group(1)) if match else None


placement_service = objects[("placement.yaml", "Service", "kite-placement")]
zeromq_port = {p["name"]: p["port"] for p in placement_service["spec"]["ports"]}["zeromq"]
wanted = f"tcp://{placement_service['metadata']['name']}:{zeromq_port}"
if setting("worker.yaml", "endpoint") != wanted:
    fail("config.yaml: worker.yaml", f"placement.endpoint is not {wanted}, the placement Service")

pods = {
    "placement": objects[("placement.yaml", "Deployment", "kite-placement")],
    "worker": objects[("workers.yaml", "Deployment", "kite-worker")],
}
for role, workload in pods.items():
    where = f"{role}'s pod"
    spec = workload["spec"]["template"]["spec"]
    config = f"{role}.yaml"
    main = spec["containers"][0]
    args = main["args"]
    if args[:3] != [role, "--config", f"/etc/kite/{config}"]:
        fail(where, f"runs kite-cloud {args}, expected {role} --config /etc/kite/{config}")
    volumes = {v["name"]: v for v in spec["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in main["volumeMounts"]}
    config_volume = volumes.get(mounts.get("/etc/kite"), {}).get("configMap", {})
    if config_volume.get("name") != "kite-config" or \
            [i["key"] for i in config_volume.get("items", [])] != [config]:
        fail(where, f"/etc/kite is not kite-config's {config} alone")
    if role == "worker":
        env = {e["name"]: e.get("valueFrom", {}) for e in main.get("env", [])}
        if args[3:] != ["--node-id", "$(POD_NAME)"] or \
                env.get("POD_NAME", {}).get("fieldRef", {}).get("fieldPath") != "metadata.name":
            fail(where, "the worker's node id is not its pod's name (--node-id $(POD_NAME))")

    ports = {p["name"]: p["containerPort"] for p in main["ports"]}
    if ports.get("zeromq") != port_of(setting(config, "bind")):
        fail(where, f"container port zeromq is not {config}'s bind")
    if ports.get("metrics") != port_of(setting(config, "listen")):
        fail(where, f"container port metrics is not {config}'s metrics.listen")
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        if main.get(probe, {}).get("httpGet") != {"path": path, "port": "metrics"}:
            fail(where, f"{probe} is not GET {path} on the metrics port")
    if "cpu" not in main["resources"].get("requests", {}):
        fail(where, "requests no CPU: the autoscaler's utilisation is a share of it")

    # The key: a Secret item, mode 0400, copied by the init container with mode 0600 into memory,
    # where the config looks for it.
    key_file = setting(config, "secret_key_file")
    init = spec["initContainers"][0]
    command = init.get("command", [])
    if len(command) != 5 or command[:3] != ["install", "-m", "0600"] or command[4] != key_file:
        fail(where, f"the init container does not copy the key to {key_file} with mode 0600")
        continue
    init_mounts = {m["mountPath"]: m for m in init["volumeMounts"]}
    source_dir, source = os.path.split(command[3])
    secret = volumes.get(init_mounts.get(source_dir, {}).get("name"), {}).get("secret", {})
    if secret.get("secretName") != "kite-keys" or secret.get("defaultMode") != 0o400 or \
            secret.get("items") != [{"key": f"{role}.key", "path": source}]:
        fail(where, f"{command[3]} is not kite-keys' {role}.key with defaultMode 0400")
    key_dir = os.path.dirname(key_file)
    copy = volumes.get(mounts.get(key_dir), {})
    if copy.get("emptyDir", {}).get("medium") != "Memory" or \
            init_mounts.get(key_dir, {}).get("name") != copy.get("name"):
        fail(where, f"{key_dir} is not one in-memory volume shared with the init container")
    if not spec.get("securityContext", {}).get("runAsNonRoot"):
        fail(where, "may run as root")

hpa = objects[("workers.yaml", "HorizontalPodAutoscaler", "kite-worker")]["spec"]
if hpa["scaleTargetRef"] != {"apiVersion": "apps/v1", "kind": "Deployment", "name": "kite-worker"}:
    fail("workers.yaml: HorizontalPodAutoscaler", "does not scale the kite-worker Deployment")

statefulset = objects[("statefulset/workers.yaml", "StatefulSet", "kite-worker")]
if statefulset["spec"]["template"] != pods["worker"]["spec"]["template"]:
    fail("statefulset/workers.yaml", "its pod differs from workers.yaml's: keep them one")


def selects(selector, workload):
    """Whether a Service's selector picks pods of `workload`."""
    if not selector:
        return False
    pod = selector.get("statefulset.kubernetes.io/pod-name")
    if pod is not None:
        name, _, ordinal = pod.rpartition("-")
        return workload["kind"] == "StatefulSet" and workload["metadata"]["name"] == name and \
            ordinal.isdigit() and int(ordinal) < workload["spec"]["replicas"]
    return selector.items() <= workload["spec"]["template"]["metadata"]["labels"].items()


# Each Service selects the pods of the workload in its file and names ports they have.
for (name, kind, obj_name), obj in objects.items():
    if kind != "Service":
        continue
    where = f"{name}: Service/{obj_name}"
    workload = [o for (n, k, _), o in objects.items()
                if n == name and k in ("Deployment", "StatefulSet")][0]
    if not selects(obj["spec"].get("selector"), workload):
        fail(where, f"selects no pods of {workload['kind']}/{workload['metadata']['name']}")
        continue
    ports = {p["name"] for p in workload["spec"]["template"]["spec"]["containers"][0]["ports"]}
    for p in obj["spec"]["ports"]:
        if p["targetPort"] not in ports:
            fail(where, f"targets port {p['targetPort']}, which its pods lack")

if problems:
    print("\n".join(f"FAIL: {p}" for p in problems))
    sys.exit(1)
version = re.search(r"v\d+\.\d+\.\d+", run_kubectl("version", "--client")).group(0)
print(f"PASS: {sum(len(k) for k in expected.values())} objects in {len(expected)} manifests parse, "
      f"decode into kubectl {version}'s Kubernetes types and agree with Kite's configs")
