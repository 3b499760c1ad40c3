/** What the local identity provider (the OIDC issuer `npm start -- --auth jwt` runs) uses, in one place. */
export const LOCAL_ISSUER = {
  /** Path of the issuer on the gateway's port: `http://127.0.0.1:{port}/local-issuer`. */
  path: '/local-issuer',
  /** The audience (client id) its tokens carry and the authorizer is told to accept. */
  audience: 'local-client',
  /** Signature algorithm of its tokens (Cognito's too). */
  algorithm: 'RS256',
  /** RSA key size of the key pair generated per run. */
  modulusLength: 2048,
  /** A token's lifetime when none is asked for. */
  defaultExpiresInSeconds: 60 * 60,
  /** Longest lifetime a token may be minted with. */
  maxExpiresInSeconds: 24 * 60 * 60,
  /** Largest body the minting endpoint reads. */
  maxMintBodyBytes: 4096,
} as const;

/** The issuer's HTTP paths, below {@link LOCAL_ISSUER.path}. */
export const ISSUER_PATHS = {
  discovery: '/.well-known/openid-configuration',
  jwks: '/.well-known/jwks.json',
  /** POST, from this machine only: mints a token (see `npm run token`). */
  mint: '/token',
} as const;

/** Host names of this machine: the only ones the authorizer fetches keys from over plain http. */
export const LOOPBACK_HOSTNAMES = ['127.0.0.1', 'localhost', '[::1]'] as const;
