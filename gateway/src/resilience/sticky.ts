// Sticky choice: the value of a client header (a session or conversation id) stands in for the
// random draw of the weighted pick, so one conversation keeps its backend (and its prompt cache)
// while the weights still hold across many conversations.

/** FNV-1a (32 bit) of the UTF-8 bytes, scaled into [0, 1) like Math.random. */
export function stickyPoint(value: string): number {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(value)) {
    hash = Math.imul((hash ^ byte) >>> 0, 0x01000193) >>> 0
  }
  // FNV spreads its low bits poorly on short, similar keys; one avalanche round evens them out.
  hash = (hash ^ (hash >>> 16)) >>> 0
  hash = Math.imul(hash, 0x85ebca6b) >>> 0
  hash = (hash ^ (hash >>> 13)) >>> 0
  return hash / 2 ** 32
}
