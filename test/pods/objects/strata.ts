// The objects the pod tests apply besides the chart, as pure functions: the Bedrock emulator as a
// Deployment behind a Service, the chart's values that point Strata at it, and client pods that
// hold nothing but their project's Secret.
import type { KubernetesObject } from '@kubernetes/client-node'
import { restricted, servedDeployment } from './served.ts'

export const emulatorNamespace = 'bedrock'
export const emulatorService = 'bedrock-emulator'
export const emulatorUrl = `http://${emulatorService}.${emulatorNamespace}.svc`

export function emulatorManifests(image: string): KubernetesObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: emulatorNamespace } },
    ...servedDeployment({
      name: emulatorService,
      namespace: emulatorNamespace,
      port: 80,
      pod: {
        securityContext: restricted.pod,
        containers: [
          {
            name: 'emulator',
            image,
            imagePullPolicy: 'Never',
            args: ['--host', '0.0.0.0', '--port', '8080', '--no-record'],
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 2 },
            securityContext: restricted.container,
          },
        ],
      },
    }),
  ]
}

/** Credentials the emulator accepts; real clusters use IRSA or EKS Pod Identity instead. */
const awsEnv = (extra: Record<string, string>) =>
  Object.entries({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAEMULATOR0000TEST',
    AWS_SECRET_ACCESS_KEY: 'emulator-secret-access-key',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_BEDROCK_MANTLE: emulatorUrl,
    ...extra,
  }).map(([name, value]) => ({ name, value }))

export interface ImageRef {
  repository: string
  tag: string
}

/** Splits `localhost/strata-gateway:abc` into the chart's repository and tag. */
export function imageRef(reference: string): ImageRef {
  const colon = reference.lastIndexOf(':')
  return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) }
}

export interface ReleaseImages {
  operator: string
  gateway: string
}

type Values = Record<string, unknown>
const isObject = (value: unknown): value is Values =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Values merged as helm merges `--values` files: objects key by key, anything else replaced. */
export function mergeValues(base: Values, extra: Values): Values {
  const merged: Values = { ...base }
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key]
    merged[key] = isObject(current) && isObject(value) ? mergeValues(current, value) : value
  }
  return merged
}

/** helm values: the local images (never pulled) and every AWS endpoint at the emulator Service. */
export function strataValues(images: ReleaseImages, extra: Values = {}): Values {
  const image = (reference: string) => ({ ...imageRef(reference), pullPolicy: 'Never' })
  return mergeValues(
    {
      operator: {
        image: image(images.operator),
        env: awsEnv({ AWS_ENDPOINT_URL_BEDROCK: emulatorUrl }),
      },
      gateway: {
        image: image(images.gateway),
        env: awsEnv({ AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulatorUrl }),
      },
    },
    extra,
  )
}

/**
 * The in-cluster client's `load` mode on the research project's `summarise` route: `concurrency`
 * workers for `seconds`, `streamShare` of their requests held open as streams.
 */
export function loadArgs(seconds: number, concurrency: number, streamShare: number): string[] {
  return [
    'load',
    '--seconds',
    String(seconds),
    '--concurrency',
    String(concurrency),
    '--stream-share',
    String(streamShare),
    '--model',
    'summarise',
  ]
}

export interface ClientPodOptions {
  name: string
  namespace: string
  image: string
  /** The project whose Secret `<project>-openai` is the pod's only configuration. */
  project: string
  args: string[]
}

/** A client that runs once and exits; its one JSON line is read back with `kubectl logs`. */
export function clientPod(options: ClientPodOptions): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels: { app: 'strata-client' },
    },
    spec: {
      restartPolicy: 'Never',
      securityContext: restricted.pod,
      containers: [
        {
          name: 'client',
          image: options.image,
          imagePullPolicy: 'Never',
          args: options.args,
          envFrom: [{ secretRef: { name: `${options.project}-openai` } }],
          securityContext: restricted.container,
        },
      ],
    },
  } as KubernetesObject
}
