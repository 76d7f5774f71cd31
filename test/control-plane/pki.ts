// A throwaway PKI for one local control plane, made with the openssl CLI because Node's crypto
// can make keys but cannot sign X.509 certificates.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface Pki {
  caCert: string
  caKey: string
  serverCert: string
  serverKey: string
  serviceAccountKey: string
  serviceAccountPublicKey: string
  adminCert: string
  adminKey: string
  /** Set when the PKI was made for a node (`nodeIp` given to createPki). */
  node?: NodePki
}

/**
 * What a node and API aggregation add: the kubelet's serving pair, and the front-proxy client pair
 * the apiserver presents to aggregated APIs (KEDA's metrics server). One CA signs everything; the
 * aggregated server trusts only the front-proxy name (`--requestheader-allowed-names`).
 */
export interface NodePki {
  kubeletCert: string
  kubeletKey: string
  frontProxyCert: string
  frontProxyKey: string
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (error) {
    throw new Error(
      `openssl ${args[0] ?? ''} failed (is the openssl package installed?): ${String(error)}`,
    )
  }
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

function issue(dir: string, name: string, subject: string, extensions: string[]): void {
  openssl(
    [
      'req',
      '-new',
      ...ecKey,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
      ...extensions,
    ],
    dir,
  )
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '7',
      '-copy_extensions',
      'copy',
      '-out',
      `${name}.crt`,
    ],
    dir,
  )
}

/**
 * With `nodeIp`, the apiserver's certificate also names the node's address and the `kubernetes`
 * Service's first cluster IP, which is how pods reach it.
 */
export function createPki(dir: string, nodeIp?: string, serviceIp?: string): Pki {
  openssl(
    [
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '7',
      '-subj',
      '/CN=strata-local-ca',
    ],
    dir,
  )
  const extraNames = nodeIp ? `,IP:${nodeIp},IP:${serviceIp ?? nodeIp}` : ''
  issue(dir, 'apiserver', '/CN=kube-apiserver', [
    '-addext',
    `subjectAltName=IP:127.0.0.1${extraNames},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local`,
  ])
  // system:masters bypasses RBAC; only the harness itself and the controller manager use it.
  issue(dir, 'admin', '/O=system:masters/CN=strata-admin', [])
  openssl(
    ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'sa.key'],
    dir,
  )
  openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir)
  let node: NodePki | undefined
  if (nodeIp) {
    issue(dir, 'kubelet', '/CN=strata-node', ['-addext', `subjectAltName=IP:${nodeIp}`])
    issue(dir, 'front-proxy', '/CN=front-proxy-client', [])
    node = {
      kubeletCert: join(dir, 'kubelet.crt'),
      kubeletKey: join(dir, 'kubelet.key'),
      frontProxyCert: join(dir, 'front-proxy.crt'),
      frontProxyKey: join(dir, 'front-proxy.key'),
    }
  }
  return {
    ...(node ? { node } : {}),
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'apiserver.crt'),
    serverKey: join(dir, 'apiserver.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPublicKey: join(dir, 'sa.pub'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
  }
}

const base64 = (path: string): string => readFileSync(path).toString('base64')

/** Writes a client-certificate kubeconfig (JSON is valid YAML for kubectl and client-node). */
export function writeKubeconfig(path: string, server: string, pki: Pki): void {
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'strata-local',
        cluster: { server, 'certificate-authority-data': base64(pki.caCert) },
      },
    ],
    users: [
      {
        name: 'strata-admin',
        user: {
          'client-certificate-data': base64(pki.adminCert),
          'client-key-data': base64(pki.adminKey),
        },
      },
    ],
    contexts: [
      { name: 'strata-local', context: { cluster: 'strata-local', user: 'strata-admin' } },
    ],
    'current-context': 'strata-local',
  }
  writeFileSync(path, JSON.stringify(kubeconfig, null, 2), { mode: 0o600 })
}
