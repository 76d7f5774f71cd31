// One benchmark request: what every load generator sends to a target.
export interface RequestSpec {
  url: string
  headers: Record<string, string>
  body: string
}
