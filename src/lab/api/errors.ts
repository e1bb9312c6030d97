/**
 * An error the lab's AWS API answers with. Each protocol writes it in its own envelope
 * (see envelopes.ts); the SDK turns the code into its modelled exception class.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (code: string, message: string) => new ApiError(code, message, 404);
export const invalid = (message: string, code = 'InvalidParameterValue') => new ApiError(code, message, 400);
