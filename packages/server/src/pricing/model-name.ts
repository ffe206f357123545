/**
 * Model and provider names as clients report them vary by host: `openai/gpt-4o`,
 * `models/gemini-1.5-pro-002`, `us.anthropic.claude-3-5-sonnet-20241022-v2:0`,
 * `meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo`, `claude-3.5-sonnet`. Normalizing them to one
 * spelling keeps the price table to one row per model.
 */

const MAX_MODEL_LENGTH = 256;

// Bedrock model ids: optional cross-region prefix, then the vendor.
const BEDROCK_PREFIX = /^(?:(?:us|eu|apac|au|ca|jp|us-gov|global)\.)?(?:anthropic|meta|mistral|cohere|amazon|deepseek|ai21|writer)\./;
// `llama3-1-8b`, `meta-llama-3.1-8b`, `llama-3.1-8b` all become `llama-3.1-8b`.
const LLAMA_MINOR = /^(?:meta-)?llama-?(\d)[.-](\d)(?=-|$)/;
const LLAMA_MAJOR = /^(?:meta-)?llama-?(\d)(?=-|$)/;
// OpenRouter and others write `claude-3.5-sonnet` and `claude-sonnet-4.5` for `claude-3-5-sonnet`.
const CLAUDE_DOT = /(\d)\.(\d)/g;

/** The lowercase, host-independent spelling of a model name; `''` for an empty or absent name. */
export function normalizeModel(model: string): string {
  let name = model.trim().toLowerCase().slice(0, MAX_MODEL_LENGTH);
  const slash = name.lastIndexOf('/');
  if (slash >= 0) name = name.slice(slash + 1);
  name = name.replace(BEDROCK_PREFIX, '');
  if (name.startsWith('claude')) name = name.replace(CLAUDE_DOT, '$1-$2');
  else if (name.includes('llama')) {
    name = name.replace(LLAMA_MINOR, 'llama-$1.$2').replace(LLAMA_MAJOR, 'llama-$1');
  }
  return name;
}

const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  gemini: 'google',
  vertex_ai: 'google',
  vertexai: 'google',
  google_genai: 'google',
  'google.genai': 'google',
  mistral_ai: 'mistral',
  mistralai: 'mistral',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  'az.ai.inference': 'azure',
  'az.ai.openai': 'azure',
  azure_openai: 'azure',
  'aws.bedrock': 'bedrock',
  aws_bedrock: 'bedrock',
  together_ai: 'together',
  togetherai: 'together',
  fireworks_ai: 'fireworks',
  x_ai: 'xai',
  'x.ai': 'xai',
  meta_llama: 'meta',
};

/** The canonical provider name: `openai`, `anthropic`, `google`, `mistral`, `bedrock`, `groq`... */
export function normalizeProvider(provider: string): string {
  const name = provider.trim().toLowerCase().slice(0, MAX_MODEL_LENGTH);
  return PROVIDER_ALIASES[name] ?? name;
}
