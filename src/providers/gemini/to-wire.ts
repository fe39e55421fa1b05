// OpenAI chat request → Gemini GenerateContentRequest (conversation, tools, tool choice, generation config).
import type { ChatRequest, ToolChoice, ToolDefinition } from '../types.js';
import { toGeminiContents, type MessagesOptions } from './to-wire-messages.js';
import { toGeminiParameters } from './to-wire-schema.js';
import type { GeminiFunctionDeclaration, GeminiGenerationConfig, GenerateContentRequest } from './wire-types.js';

export type ToWireOptions = MessagesOptions;

/**
 * The body for `models/{model}:generateContent` (the same for `:streamGenerateContent`; the model is in the URL).
 * Not forwarded: `presence_penalty` and `frequency_penalty` (Gemini 2.5 and later answer 400 "Penalty is not
 * enabled"), `parallel_tool_calls` (no Gemini switch), `user`, and `stream_options` (Gemini always reports usage).
 */
export function toGeminiRequest(request: ChatRequest, options: ToWireOptions = {}): GenerateContentRequest {
  // Completed in place, not `{ ...contents, generationConfig }` (a new hidden class per call on Node 20:
  // docs/BENCHMARKS.md, "Hidden classes made per request").
  const body: GenerateContentRequest = Object.assign(toGeminiContents(request.messages, options), {
    generationConfig: generationConfig(request),
  });
  const declarations = (request.tools ?? []).filter((tool) => tool.type === 'function').map(declaration);
  if (declarations.length > 0) {
    body.tools = [{ functionDeclarations: declarations }];
    if (request.tool_choice !== undefined)
      body.toolConfig = { functionCallingConfig: callingConfig(request.tool_choice) };
  }
  return body;
}

function declaration(tool: ToolDefinition): GeminiFunctionDeclaration {
  const { name, description, parameters } = tool.function;
  const converted = toGeminiParameters(parameters);
  return {
    name,
    ...(description === undefined ? {} : { description }),
    ...(converted === undefined ? {} : { parameters: converted }),
  };
}

/** OpenAI's `required` is Gemini's `ANY`; a named function is `ANY` restricted to that one name. */
function callingConfig(choice: ToolChoice): NonNullable<GenerateContentRequest['toolConfig']>['functionCallingConfig'] {
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  if (choice === 'auto') return { mode: 'AUTO' };
  return { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
}

/**
 * Sampling and output settings. `json_object` asks for JSON output; `json_schema` also sends the schema as
 * `responseJsonSchema`, which takes plain JSON Schema (`additionalProperties`, `$ref`/`$defs`, type lists)
 * where the older `responseSchema` only takes the OpenAPI subset and rejects those keys.
 */
function generationConfig(request: ChatRequest): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.top_p !== undefined) config.topP = request.top_p;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined) config.maxOutputTokens = maxTokens;
  if (request.stop !== undefined && request.stop !== null) {
    const stops = (Array.isArray(request.stop) ? request.stop : [request.stop]).filter((s) => s !== '');
    if (stops.length > 0) config.stopSequences = stops;
  }
  if (request.n !== undefined) config.candidateCount = request.n;
  if (request.seed !== undefined) config.seed = request.seed;
  const format = request.response_format;
  if (format?.type === 'json_object' || format?.type === 'json_schema') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema' && format.json_schema.schema !== undefined) {
    const { $schema: _ignored, ...schema } = format.json_schema.schema;
    config.responseJsonSchema = schema;
  }
  return config;
}
