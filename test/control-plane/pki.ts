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

export function createPki(dir: string): Pki {
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
  issue(dir, 'apiserver', '/CN=kube-apiserver', [
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
  ])
  // system:masters bypasses RBAC; only the harness itself and the controller manager use it.
  issue(dir, 'admin', '/O=system:masters/CN=strata-admin', [])
  openssl(
    ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'sa.key'],
    dir,
  )
  openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir)
  return {
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
