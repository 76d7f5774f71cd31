# KEDA's operator and metrics server for the pod tests, built from the Go module proxy by
# test/control-plane/build-keda.sh (static binaries). KEDA's own manifests run /keda and
# /keda-adapter, so one image holds both. Not a product image.
FROM scratch
COPY keda /keda
COPY keda-adapter /keda-adapter
USER 65532:65532
ENTRYPOINT ["/keda"]
