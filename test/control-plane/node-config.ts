// The configuration files of the local node, as pure functions of its layout: containerd's,
// the CNI network's, the kubelet's and CoreDNS's. Every setting that this VM needs and a cloud
// node would not is marked with why; docs/local-cluster.md lists them all.

/** Where one node lives: its bridge, its address ranges and its state directory. */
export interface NodeLayout {
  /** The node's name in the API. */
  name: string
  /** Every file the node writes lives below this directory. */
  dir: string
  /** The Linux bridge pods attach to; its own address is the node's address. */
  bridge: string
  /** The node's address: the bridge's gateway address, reachable from pods and from this host. */
  nodeIp: string
  /** Pod addresses, on the bridge only. */
  podCidr: string
  /** Service cluster IPs (kube-proxy's iptables rules). The first one is `kubernetes`. */
  serviceCidr: string
  /** The in-cluster DNS address; CoreDNS listens on the node's address. */
  dnsIp: string
  containerdSocket: string
  sandboxImage: string
}

/**
 * One node per machine: kube-proxy owns the host's KUBE-* iptables chains, so a second node's
 * kube-proxy would rewrite the first one's Services. The ranges are fixed and private to the bridge.
 */
export function nodeLayout(dir: string, sandboxImage: string): NodeLayout {
  const nodeIp = '10.244.0.1'
  return {
    name: 'strata-node',
    dir,
    bridge: 'strata0',
    nodeIp,
    podCidr: '10.244.0.0/24',
    serviceCidr: '10.96.0.0/24',
    dnsIp: nodeIp,
    containerdSocket: `${dir}/containerd/containerd.sock`,
    sandboxImage,
  }
}

/** The first address of a /24 range, as the apiserver gives it to the `kubernetes` Service. */
export function firstServiceIp(serviceCidr: string): string {
  return serviceCidr.replace(/\.0\/24$/, '.1')
}

const q = (value: string): string => JSON.stringify(value)

/** containerd 1.6's config (version 2), with its root, state and socket inside the node's dir. */
export function containerdConfig(layout: NodeLayout): string {
  const base = `${layout.dir}/containerd`
  const cri = 'plugins."io.containerd.grpc.v1.cri"'
  return [
    'version = 2',
    `root = ${q(`${base}/root`)}`,
    `state = ${q(`${base}/state`)}`,
    // Snapshotters this machine has no use for only print errors at start.
    'disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]',
    '[grpc]',
    `  address = ${q(layout.containerdSocket)}`,
    '[ttrpc]',
    `  address = ${q(`${layout.containerdSocket}.ttrpc`)}`,
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${q(`${base}/opt`)}`,
    `[${cri}]`,
    `  sandbox_image = ${q(layout.sandboxImage)}`,
    // This VM refuses a negative oom_score_adj; without this runc fails with "can't get final
    // child's PID from pipe".
    '  restrict_oom_score_adj = true',
    '  disable_apparmor = true',
    `[${cri}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    `[${cri}.containerd.runtimes.runc.options]`,
    // The kubelet uses the cgroupfs driver: there is no systemd here.
    '  SystemdCgroup = false',
    `[${cri}.cni]`,
    '  bin_dir = "/usr/lib/cni"',
    `  conf_dir = ${q(`${layout.dir}/cni`)}`,
    '',
  ].join('\n')
}

/** One bridge network; no masquerading, because pods talk only to the node and to each other. */
export function cniConfig(layout: NodeLayout): string {
  return JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: 'strata',
      plugins: [
        {
          type: 'bridge',
          bridge: layout.bridge,
          isGateway: true,
          ipMasq: false,
          // A pod that calls a Service which picks the pod itself needs its packet back.
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: layout.podCidr, gateway: layout.nodeIp }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: `${layout.dir}/cni-ipam`,
          },
        },
      ],
    },
    null,
    2,
  )
}

export interface KubeletPorts {
  port: number
  healthzPort: number
}

/** KubeletConfiguration (JSON is valid YAML). */
export function kubeletConfig(
  layout: NodeLayout,
  ports: KubeletPorts,
  files: { caCert: string; tlsCert: string; tlsKey: string },
): string {
  return JSON.stringify(
    {
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      containerRuntimeEndpoint: `unix://${layout.containerdSocket}`,
      address: layout.nodeIp,
      port: ports.port,
      readOnlyPort: 0,
      healthzBindAddress: '127.0.0.1',
      healthzPort: ports.healthzPort,
      tlsCertFile: files.tlsCert,
      tlsPrivateKeyFile: files.tlsKey,
      // The apiserver calls the kubelet (logs, exec) with the admin client certificate.
      authentication: {
        anonymous: { enabled: false },
        webhook: { enabled: false },
        x509: { clientCAFile: files.caCert },
      },
      authorization: { mode: 'AlwaysAllow' },
      clusterDNS: [layout.dnsIp],
      clusterDomain: 'cluster.local',
      // Pods resolve through CoreDNS only; the host's resolver is of no use to them here.
      resolvConf: '',
      podLogsDir: `${layout.dir}/pod-logs`,
      // This machine: cgroup v1, no systemd, swap may be on, and no QoS cgroup hierarchy.
      cgroupDriver: 'cgroupfs',
      failCgroupV1: false,
      failSwapOn: false,
      cgroupsPerQOS: false,
      enforceNodeAllocatable: [],
      // Images are imported, never pulled: garbage collection must not delete them, and a nearly
      // full shared disk must not evict the test's pods.
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      evictionHard: {
        'memory.available': '100Mi',
        'nodefs.available': '1%',
        'imagefs.available': '1%',
      },
      serializeImagePulls: false,
      // The kubelet's own KUBE-FIREWALL and canary chains would outlive the run; kube-proxy's
      // rules, which Services need, are removed by `kube-proxy --cleanup` at the end.
      makeIPTablesUtilChains: false,
      // Status reaches the API quickly, so Ready is seen within a second or two.
      nodeStatusUpdateFrequency: '4s',
      syncFrequency: '10s',
      fileCheckFrequency: '5s',
      staticPodPath: '',
    },
    null,
    2,
  )
}

/**
 * CoreDNS answers the cluster domain from the API and nothing else (there is no internet). `ready`
 * answers 200 once the kubernetes plugin has synced its first list.
 */
export function corefile(layout: NodeLayout, kubeconfig: string, readyPort: number): string {
  return [
    '.:53 {',
    `  bind ${layout.dnsIp}`,
    '  errors',
    `  ready 127.0.0.1:${String(readyPort)}`,
    '  kubernetes cluster.local in-addr.arpa ip6.arpa {',
    `    kubeconfig ${kubeconfig}`,
    '    pods insecure',
    '    fallthrough in-addr.arpa ip6.arpa',
    '    ttl 5',
    '  }',
    '  cache 5',
    '}',
    '',
  ].join('\n')
}
