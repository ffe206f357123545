export { decodeOtlpTraces } from './decode-otlp-traces.js';
export type { OtlpDecodeResult, OtlpFormat } from './decode-otlp-traces.js';
export { encodeOtlpResponse } from './encode-otlp-response.js';
export type { OtlpResponseInput } from './encode-otlp-response.js';
