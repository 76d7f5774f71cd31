// AWS Signature Version 4 for the hot path, on node:crypto alone. @smithy/signature-v4 spent about
// a tenth of the gateway's CPU per Converse request (profile in docs/benchmarks.md): it clones the
// request, and derives an HMAC of the secret on every call just to key its signing-key cache. Here
// the signing key is derived once per day, region, service and credentials and kept as a KeyObject,
// so a request costs two SHA-256 digests and one HMAC.
// Reference: "Create a signed AWS API request" and "Elements of an AWS API request signature"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html);
// the canonical forms below follow it, and sigv4.test.ts checks them against @smithy/signature-v4.
import { createHmac, createSecretKey, hash, type KeyObject } from 'node:crypto'
import { boundedMemo } from './bounded-memo.ts'

export interface SigV4Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface SigV4Request {
  method: string
  url: URL
  /** Lower-case names. */
  headers: Record<string, string>
  body: string
}

export interface SigV4Scope {
  region: string
  service: string
  credentials: SigV4Credentials
  date: Date
}

// Headers a proxy or the HTTP stack may change in flight; signing them would break the signature.
const unsignableHeaders = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
])

/** RFC 3986 encoding: encodeURIComponent leaves !'()* alone, SigV4 does not. */
export function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** Every service but S3 signs the normalized path URI-encoded once more, slashes kept. */
export function canonicalPath(path: string): string {
  const segments: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  const leading = path.startsWith('/') ? '/' : ''
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : ''
  return escapeUri(`${leading}${segments.join('/')}${trailing}`).replace(/%2F/g, '/')
}

export function canonicalQuery(url: URL): string {
  // Reading searchParams builds a URLSearchParams; model URLs have no query.
  if (url.search === '') return ''
  const entries = new Map<string, string>()
  for (const [key, value] of url.searchParams) entries.set(key, value)
  return [...entries.keys()]
    .sort()
    .map((key) => `${escapeUri(key)}=${escapeUri(entries.get(key) ?? '')}`)
    .join('&')
}

const hmac = (key: string | Buffer | KeyObject, text: string) =>
  createHmac('sha256', key).update(text, 'utf8').digest()

/** amzDate is the ISO 8601 basic form SigV4 wants, e.g. 20260102T030405Z. */
export function amzDate(date: Date): string {
  // Slicing, not regex replaces: this runs on every request.
  const iso = date.toISOString()
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`
}

/** A signer with its signing-key cache; one per client is enough. */
export function createSigV4(): (
  request: SigV4Request,
  scope: SigV4Scope,
) => Record<string, string> {
  // Keyed by day, region, service and access key; the secret is compared on a hit so rotated
  // credentials with the same key id never reuse a stale signing key.
  const signingKeys = new Map<string, { secret: string; key: KeyObject }>()
  // A gateway calls a handful of model paths; escaping each once is enough.
  const paths = boundedMemo<string>(1024)
  const pathOf = (pathname: string): string => paths(pathname, () => canonicalPath(pathname))

  function signingKey(shortDate: string, scope: SigV4Scope): KeyObject {
    const { credentials, region, service } = scope
    const cacheKey = `${shortDate}/${region}/${service}/${credentials.accessKeyId}`
    const cached = signingKeys.get(cacheKey)
    if (cached?.secret === credentials.secretAccessKey) return cached.key
    const dateKey = hmac(`AWS4${credentials.secretAccessKey}`, shortDate)
    const key = hmac(hmac(hmac(dateKey, region), service), 'aws4_request')
    // Days roll over and credentials rotate: a small bound keeps the map from growing forever.
    if (signingKeys.size >= 32) signingKeys.clear()
    const entry = { secret: credentials.secretAccessKey, key: createSecretKey(key) }
    signingKeys.set(cacheKey, entry)
    return entry.key
  }

  // Header values are trimmed and their inner whitespace runs folded to one space. The values a
  // caller passes are a few constants (content types), so each is folded once; the ones built
  // here (host, date, payload hash) hold no whitespace.
  const foldedValues = boundedMemo<string>(256)
  const fold = (value: string): string =>
    foldedValues(value, () => value.trim().replace(/\s+/g, ' '))

  // The date has a resolution of one second, and a busy gateway signs many requests in each.
  let lastSecond = NaN
  let lastDate = ''
  const dateOf = (date: Date): string => {
    const second = Math.floor(date.getTime() / 1000)
    if (second !== lastSecond) {
      lastSecond = second
      lastDate = amzDate(date)
    }
    return lastDate
  }

  return (request, scope) => {
    const longDate = dateOf(scope.date)
    const shortDate = longDate.slice(0, 8)
    const payloadHash = hash('sha256', request.body, 'hex')
    const token = scope.credentials.sessionToken
    // The headers sent: the caller's, then those of the signature, which win over a caller's
    // header of the same name.
    const headers: Record<string, string> = Object.assign({}, request.headers)
    headers['host'] = request.url.host
    headers['x-amz-date'] = longDate
    if (token !== undefined) headers['x-amz-security-token'] = token
    headers['x-amz-content-sha256'] = payloadHash
    const names: string[] = []
    for (const name in headers) if (!unsignableHeaders.has(name)) names.push(name)
    names.sort()
    let canonicalHeaders = ''
    for (const name of names) {
      const value = headers[name] ?? ''
      canonicalHeaders += `${name}:${name === 'x-amz-date' || name === 'x-amz-content-sha256' ? value : fold(value)}\n`
    }
    const signedHeaders = names.join(';')
    const canonicalRequest = `${request.method}\n${pathOf(request.url.pathname)}\n${canonicalQuery(request.url)}\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`
    const credentialScope = `${shortDate}/${scope.region}/${scope.service}/aws4_request`
    const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${credentialScope}\n${hash('sha256', canonicalRequest, 'hex')}`
    const signature = createHmac('sha256', signingKey(shortDate, scope))
      .update(stringToSign, 'utf8')
      .digest('hex')
    headers['authorization'] =
      `AWS4-HMAC-SHA256 Credential=${scope.credentials.accessKeyId}/${credentialScope}, ` +
      `SignedHeaders=${signedHeaders}, Signature=${signature}`
    return headers
  }
}
