/**
 * Error types the simulated agents fail with, named as real SDKs name theirs, so the dashboard's
 * "errors by type" has something to group.
 */
function errorClass(name: string): new (message: string) => Error {
  return class extends Error {
    constructor(message: string) {
      super(message);
      this.name = name;
    }
  };
}

export const RateLimitError = errorClass('RateLimitError');
export const TimeoutError = errorClass('TimeoutError');
export const ContextLengthExceededError = errorClass('ContextLengthExceededError');
export const UpstreamServiceError = errorClass('UpstreamServiceError');
export const ToolArgumentError = errorClass('ToolArgumentError');
export const AgentLoopLimitError = errorClass('AgentLoopLimitError');
