/**
 * Stands in for @actions/http-client in the bundle. @actions/core imports it for OIDC ID
 * tokens only, which this action never requests; bundling it would add ~1 MB to every start.
 */
export class HttpClient {
  constructor() {
    throw new Error('@actions/http-client is not bundled: OIDC ID tokens are not supported');
  }
}

export class BearerCredentialHandler {}
