/** Errors the mock answers with: the spec's `{error: {code, message, ...}}` body and the OAuth one. */

export interface ErrorDetail {
  readonly field: string
  readonly location: "query" | "path" | "body"
  readonly message: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { readonly details?: ReadonlyArray<ErrorDetail>; readonly required_scopes?: ReadonlyArray<string> } = {},
    readonly headers: Readonly<Record<string, string>> = {}
  ) {
    super(message)
  }
  get body() {
    return { error: { code: this.code, message: this.message, ...this.extra } }
  }
}

export const validationFailed = (details: ReadonlyArray<ErrorDetail>) =>
  new ApiError(422, "validation_failed", details.length === 1 ? `Invalid ${details[0]?.location} parameter ${details[0]?.field}: ${details[0]?.message}.` : "One or more parameters are invalid.", { details })

export const invalidField = (field: string, location: ErrorDetail["location"], message: string) => validationFailed([{ field, location, message }])

export const notFound = (what: string, id: string) => new ApiError(404, "not_found", `No ${what} was found with id ${id}.`)

/** RFC 6749 error of the OAuth endpoints. */
export class OAuthError extends Error {
  constructor(readonly status: 400 | 401, readonly error: string, readonly description: string) {
    super(description)
  }
  get body() {
    return { error: this.error, error_description: this.description }
  }
}
