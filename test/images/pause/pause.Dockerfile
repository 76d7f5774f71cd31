# The pod sandbox image for the local node's containerd (sandbox_image). The build context holds
# `pause`, built by test/images/build-images.sh from pause.go (Go, CGO_ENABLED=0, static).
FROM scratch
COPY pause /pause
# 65535, as Kubernetes' own pause image: the sandbox needs no privilege of its own.
USER 65535:65535
ENTRYPOINT ["/pause"]
