// The pod sandbox ("pause") process containerd's CRI starts first in every pod: it holds the
// pod's namespaces open and does nothing else. Like Kubernetes' own pause, it exits on SIGINT or
// SIGTERM and reaps children that are re-parented to it when the pod shares one PID namespace.
// Built with CGO_ENABLED=0 into a static binary for a FROM scratch image (pause.Dockerfile).
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for received := range signals {
		if received != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
