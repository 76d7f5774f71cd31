// What both plain stand-ins (plain-bedrock.ts, plain-mantle.ts) do on the wire alike: read a
// request body whole, and send a reply in odd slices, one write per turn of the event loop, so
// that the gateway meets frames and events cut wherever a network read may cut them.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Writes `bytes` in slices of the given sizes, in turn, then ends the response. */
export async function writeSliced(
  response: ServerResponse,
  bytes: Buffer,
  sliceSizes: readonly number[],
): Promise<void> {
  let offset = 0
  for (let index = 0; offset < bytes.length; index += 1) {
    const size = sliceSizes[index % sliceSizes.length] ?? 1
    response.write(bytes.subarray(offset, offset + size))
    offset += size
    await new Promise((resolve) => setImmediate(resolve))
  }
  response.end()
}

/** Listens on a free loopback port: the stand-in's base URL, and how to stop it at once. */
export async function listenOnLoopback(
  server: Server,
): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${String(port)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
