// Real AWS SDK clients pointed at an emulator, configured the way a test client must be
// (docs/reference/bedrock-runtime.md): HTTP/1.1 handler (the default is HTTP/2) and no retries; the
// same for the control-plane client.
import { BedrockClient } from '@aws-sdk/client-bedrock'
import {
  BedrockRuntimeClient,
  type ConverseStreamOutput,
  type Message,
} from '@aws-sdk/client-bedrock-runtime'
import { NodeHttpHandler } from '@smithy/node-http-handler'

export function sigv4Client(endpoint: string): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  })
}

export function bearerClient(
  endpoint: string,
  token = 'bedrock-api-key-TEST',
): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint,
    token: { token },
    authSchemePreference: ['httpBearerAuth'],
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  })
}

/** The control-plane client (`bedrock`), the same way: HTTP/1.1, SigV4, no retries. */
export function controlPlaneClient(endpoint: string, region = 'us-east-1'): BedrockClient {
  return new BedrockClient({
    region,
    endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  })
}

export function userSays(text: string): Message[] {
  return [{ role: 'user', content: [{ text }] }]
}

export interface StreamedEvent {
  type: string
  value: unknown
}

/** Flattens the SDK's union objects to {type, value}; `onEvent` sees each as it arrives. */
export async function collectStream(
  stream: AsyncIterable<ConverseStreamOutput> | undefined,
  onEvent: (event: StreamedEvent) => void = () => undefined,
): Promise<StreamedEvent[]> {
  const events: StreamedEvent[] = []
  for await (const item of stream ?? []) {
    for (const [type, value] of Object.entries(item)) {
      if (value === undefined) continue
      events.push({ type, value })
      onEvent({ type, value })
    }
  }
  return events
}
