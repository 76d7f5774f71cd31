# Prometheus for the pod tests (test/pods/autoscaling.test.ts): Debian's binary, which links only
# against libc, on the node runtime stand-in (libc, /etc/passwd with nobody). Not a product image.
ARG RUNTIME_BASE
FROM ${RUNTIME_BASE}
COPY prometheus /bin/prometheus
USER 65534:65534
ENTRYPOINT ["/bin/prometheus"]
