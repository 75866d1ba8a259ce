#!/usr/bin/env python3
"""Reads the deployment files the image test runs, so the test follows them
instead of a copy: `clab TOPOLOGY` prints the containerlab topology as lines
("node NAME IMAGE", "bind NAME HOST_PATH CONTAINER_PATH[:ro]", "exec NAME
COMMAND", "link A IFA B IFB"); `daemonset MANIFEST DIR` writes the ConfigMap's
files into DIR and prints the DaemonSet's pod as lines ("cap CAP", "init NAME
JSON_COMMAND", "env CONTAINER NAME VALUE|configmap:KEY|field:PATH", "mount
CONTAINER VOLUME PATH ro|rw", "volume NAME emptyDir|hostPath|configMap")."""
import json
import os
import sys

import yaml


def clab(path):
    topo = yaml.safe_load(open(path))["topology"]
    default_image = topo.get("kinds", {}).get("linux", {}).get("image", "")
    base = os.path.dirname(os.path.abspath(path))
    for name, node in topo["nodes"].items():
        print("node", name, node.get("image", default_image))
        for b in node.get("binds", []):
            host, rest = b.split(":", 1)
            print("bind", name, os.path.join(base, host), rest)
        for cmd in node.get("exec", []):
            print("exec", name, cmd)
    for link in topo["links"]:
        (a, ia), (b, ib) = (e.split(":") for e in link["endpoints"])
        print("link", a, ia, b, ib)


def env_value(e):
    src = e.get("valueFrom", {})
    if "configMapKeyRef" in src:
        return "configmap:" + src["configMapKeyRef"]["key"]
    if "fieldRef" in src:
        return "field:" + src["fieldRef"]["fieldPath"]
    return e.get("value", "")


def daemonset(path, outdir):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    cm = next(d for d in docs if d["kind"] == "ConfigMap")
    for key, text in cm["data"].items():
        with open(os.path.join(outdir, key), "w") as f:
            f.write(text)
    pod = next(d for d in docs if d["kind"] == "DaemonSet")["spec"]["template"]["spec"]
    for v in pod["volumes"]:
        kind = next(k for k in ("emptyDir", "hostPath", "configMap") if k in v)
        print("volume", v["name"], kind)
    main = pod["containers"][0]
    for cap in main.get("securityContext", {}).get("capabilities", {}).get("add", []):
        print("cap", cap)
    for c in pod["initContainers"] + [main]:
        if c is not main:
            print("init", c["name"], json.dumps(c["command"]))
        for e in c.get("env", []):
            print("env", c["name"], e["name"], env_value(e))
        for m in c.get("volumeMounts", []):
            print("mount", c["name"], m["name"], m["mountPath"], "ro" if m.get("readOnly") else "rw")


if __name__ == "__main__":
    if sys.argv[1] == "clab":
        clab(sys.argv[2])
    else:
        daemonset(sys.argv[2], sys.argv[3])
