import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createImageFetcher, sniffImageFormat } from './image-fetcher.ts'

const pngBytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4])
let base = ''
let close: () => Promise<void> = () => Promise.resolve()

beforeAll(async () => {
  const server = createServer((request, response) => {
    switch (request.url) {
      case '/cat.png':
        response.writeHead(200, { 'content-type': 'text/plain' }).end(pngBytes)
        return
      case '/big.png':
        response.writeHead(200).end(Buffer.concat([pngBytes, Buffer.alloc(100)]))
        return
      case '/page.html':
        response.writeHead(200, { 'content-type': 'image/png' }).end('<html></html>')
        return
      case '/moved.png':
        response.writeHead(302, { location: '/cat.png' }).end()
        return
      case '/slow.png':
        return
      default:
        response.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = () => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(() => resolve()))
  }
})

afterAll(() => close())

const fetcher = createImageFetcher({ allowHttp: true, maxBytes: 50, timeoutMs: 100 })
const signal = () => new AbortController().signal

describe('image fetcher', () => {
  it('fetches an image and trusts its bytes, not its content type', async () => {
    expect(await fetcher(`${base}/cat.png`, signal())).toEqual({
      format: 'png',
      bytes: pngBytes.toString('base64'),
    })
  })

  it.each([
    ['a body over the size limit', '/big.png', /larger than 50 bytes/],
    ['a body that is not an image', '/page.html', /not a PNG, JPEG, GIF or WebP/],
    ['a redirect', '/moved.png', /HTTP 302/],
    ['a missing image', '/nope.png', /HTTP 404/],
    ['a server that never answers', '/slow.png', /longer than 100 ms/],
  ])('refuses %s with a 400', async (_name, path, message) => {
    await expect(fetcher(`${base}${path}`, signal())).rejects.toMatchObject({
      status: 400,
      code: 'invalid_image_url',
      message: expect.stringMatching(message) as string,
    })
  })

  it('fetches only https unless told otherwise', async () => {
    await expect(createImageFetcher()(`${base}/cat.png`, signal())).rejects.toMatchObject({
      status: 400,
      message: 'Only https image URLs can be fetched.',
    })
    await expect(createImageFetcher()('file:///etc/passwd', signal())).rejects.toMatchObject({
      status: 400,
    })
  })

  it.each([
    ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    ['jpeg', [0xff, 0xd8, 0xff, 0xe0]],
    ['gif', [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]],
    ['webp', [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]],
  ])('sniffs %s', (format, bytes) => {
    expect(sniffImageFormat(Uint8Array.from(bytes))).toBe(format)
  })
})
