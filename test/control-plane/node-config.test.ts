import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import {
  cniConfig,
  containerdConfig,
  corefile,
  firstServiceIp,
  kubeletConfig,
  nodeLayout,
} from './node-config.ts'

const layout = nodeLayout('/tmp/strata-cp-x/node', 'localhost/strata-pause:1')

describe('node configuration', () => {
  it('keeps every containerd path inside the node directory and sets what this VM needs', () => {
    const toml = containerdConfig(layout)
    const paths = [...toml.matchAll(/(?:root|state|address|path|conf_dir) = "([^"]+)"/g)].map(
      (m) => m[1],
    )
    expect(paths.length).toBeGreaterThanOrEqual(5)
    for (const path of paths) expect(path?.startsWith('/tmp/strata-cp-x/node/')).toBe(true)
    expect(toml).toContain('restrict_oom_score_adj = true')
    expect(toml).toContain('SystemdCgroup = false')
    expect(toml).toContain('runtime_type = "io.containerd.runc.v2"')
    expect(toml).toContain('sandbox_image = "localhost/strata-pause:1"')
  })

  it('puts pods on the bridge whose gateway is the node address, without masquerading', () => {
    const cni = JSON.parse(cniConfig(layout)) as { plugins: Record<string, unknown>[] }
    expect(cni.plugins[0]).toMatchObject({
      type: 'bridge',
      bridge: 'strata0',
      isGateway: true,
      ipMasq: false,
      ipam: { ranges: [[{ subnet: '10.244.0.0/24', gateway: '10.244.0.1' }]] },
    })
  })

  it('gives the kubelet the settings this machine needs and CoreDNS as the cluster DNS', () => {
    const config = parse(
      kubeletConfig(
        layout,
        { port: 10250, healthzPort: 10248 },
        { caCert: 'ca', tlsCert: 'c', tlsKey: 'k' },
      ),
    ) as Record<string, unknown>
    expect(config).toMatchObject({
      kind: 'KubeletConfiguration',
      cgroupDriver: 'cgroupfs',
      failCgroupV1: false,
      failSwapOn: false,
      cgroupsPerQOS: false,
      enforceNodeAllocatable: [],
      address: '10.244.0.1',
      clusterDNS: ['10.244.0.1'],
      containerRuntimeEndpoint: 'unix:///tmp/strata-cp-x/node/containerd/containerd.sock',
    })
    expect(corefile(layout, '/k', 8181)).toContain('bind 10.244.0.1')
  })

  it('names the first address of the Service range for the apiserver certificate', () => {
    expect(firstServiceIp(layout.serviceCidr)).toBe('10.96.0.1')
  })
})
