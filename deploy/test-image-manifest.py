#!/usr/bin/env python3
"""deploy/daemonset.yaml as `podman kube play` can run it, for deploy/test-image.sh; printed on stdout.

Only the test's substitutions: the ConfigMap and the DaemonSet are kept (podman plays neither RBAC nor Services),
kind Deployment (it has no DaemonSet; a DaemonSet's updateStrategy goes), the image built by the test and never
pulled, the probes' port by number (podman resolves no named port), literal values for the fieldRefs podman refuses (spec.nodeName, status.hostIP, metadata.namespace), the
test tree for the log, data and Docker hostPaths, and the service-account files Kubernetes would mount into the pod.

Usage: deploy/test-image-manifest.py TEST_DIR IMAGE
"""
import os
import re
import sys

test, image = sys.argv[1], sys.argv[2]
manifest = os.path.join(os.path.dirname(os.path.abspath(__file__)), "daemonset.yaml")
played = []
for doc in open(manifest).read().split("\n---\n"):
    if not re.search(r"^kind: (ConfigMap|DaemonSet)$", doc, re.M):
        continue
    doc = doc.replace("\nkind: DaemonSet\n", "\nkind: Deployment\n")
    doc = re.sub(r"\n  updateStrategy:\n(    .*\n)+", "\n", doc)
    doc = re.sub(r"image: \S+", "image: " + image, doc)
    doc = doc.replace("imagePullPolicy: IfNotPresent", "imagePullPolicy: Never")
    # podman 4.3 turns a probe's named port into port 0
    doc = re.sub(r"(?m)^(\s+)port: metrics$", r"\1port: 9102", doc)
    for field, value in (("spec.nodeName", "testnode"), ("status.hostIP", "127.0.0.1"),
                         ("metadata.namespace", "nodewatch")):
        doc = re.sub(r"valueFrom:\n\s+fieldRef:\n\s+fieldPath: " + re.escape(field), "value: " + value, doc)
    for host, local in (("/var/log", "log"), ("/var/lib/nodewatch", "kube-data"),
                        ("/var/lib/docker/containers", "docker")):
        doc = re.sub(r"(?<!mount)path: " + re.escape(host) + r"(?=\n|$)", "path: " + os.path.join(test, local), doc)
    if "\nkind: Deployment\n" in doc:
        doc = doc.replace("          volumeMounts:\n", "          volumeMounts:\n"
                          "            - name: serviceaccount\n"
                          "              mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n"
                          "              readOnly: true\n", 1)
        doc = doc.replace("      volumes:\n", "      volumes:\n"
                          "        - name: serviceaccount\n"
                          "          hostPath:\n"
                          "            path: " + os.path.join(test, "serviceaccount") + "\n", 1)
    played.append(doc)
if len(played) != 2 or "\nkind: Deployment\n" not in played[1]:
    sys.exit(manifest + ": expected its ConfigMap and then its DaemonSet")
print("\n---\n".join(played))
