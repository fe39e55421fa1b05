// The Gemini REST shapes (generativelanguage v1beta) that the gemini adapter sends and reads; only the fields it uses.

/** A Gemini `Schema`: the OpenAPI 3.0 subset that function parameters accept (see to-wire-schema.ts). */
export type GeminiSchema = Record<string, unknown>;

export interface GeminiFunctionCall {
  /** Set by some models and the Live API; absent on most generateContent answers. */
  id?: string;
  name: string;
  args?: Record<string, unknown>;
}

export interface GeminiFunctionResponse {
  name: string;
  response: Record<string, unknown>;
}

/** One part of a turn; exactly one of the data fields is set. */
export interface GeminiPart {
  text?: string;
  /** Marks a thought summary part (only sent when the request asks for thoughts). */
  thought?: boolean;
  /** Opaque signature of the model's reasoning; Gemini 3 wants it back on replayed function calls. */
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType: string; fileUri: string };
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
}

export interface GeminiContent {
  role?: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GeminiSchema;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  responseMimeType?: string;
  /** A plain JSON Schema (the alternative to the OpenAPI-subset `responseSchema`). */
  responseJsonSchema?: Record<string, unknown>;
}

export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE';

/** The body of `models/{model}:generateContent` and `:streamGenerateContent`. */
export interface GenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: { functionCallingConfig: { mode: GeminiFunctionCallingMode; allowedFunctionNames?: string[] } };
  generationConfig: GeminiGenerationConfig;
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  cachedContentTokenCount?: number;
  totalTokenCount?: number;
}

export interface GeminiCandidate {
  /** Missing when a safety filter removed the whole answer. */
  content?: { role?: string; parts?: GeminiPart[] };
  /** Absent until the candidate is finished (stream events before the last one). */
  finishReason?: string;
  finishMessage?: string;
  index?: number;
}

/** A generateContent answer, and each event of a streamGenerateContent?alt=sse stream. */
export interface GenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

/** Google's error envelope: `{error: {code, message, status, details}}` (sometimes wrapped in a one-element array). */
export interface GeminiErrorStatus {
  code?: number;
  message?: string;
  /** The google.rpc.Code name: RESOURCE_EXHAUSTED, INVALID_ARGUMENT, PERMISSION_DENIED... */
  status?: string;
  /** google.rpc detail messages, each tagged by `@type` (RetryInfo, QuotaFailure, ErrorInfo, Help, DebugInfo). */
  details?: Array<Record<string, unknown>>;
}
