#!/usr/bin/env bash
# Plain HTTP against a running gateway (npm start): a routed answer, a pinned model, a stream with usage.
# SWITCHBOARD_URL is the gateway's root (default http://127.0.0.1:8000; a trailing /v1 is accepted), as for the CLI;
# once the gateway has client keys, SWITCHBOARD_API_KEY=sk-sb-... is sent as the bearer token.
set -euo pipefail
BASE=${SWITCHBOARD_URL:-http://127.0.0.1:8000}
BASE=${BASE%/}
BASE=${BASE%/v1}
AUTH=()
if [[ -n "${SWITCHBOARD_API_KEY:-}" ]]; then AUTH=(-H "Authorization: Bearer $SWITCHBOARD_API_KEY"); fi
# --fail-with-body: an error (a missing key, say) shows its body and stops the script.
CURL=(curl -sS --fail-with-body "${AUTH[@]}" -H 'content-type: application/json')

"${CURL[@]}" "$BASE/v1/chat/completions" -D - \
  -d '{"model": "auto", "model_quality": "fastest", "messages": [{"role": "user", "content": "Say hello in French"}]}'
echo

"${CURL[@]}" "$BASE/v1/chat/completions" \
  -d '{"model": "groq/openai/gpt-oss-20b", "models": ["gemini/gemini-2.5-flash-lite"], "messages": [{"role": "user", "content": "2+2?"}]}'
echo

"${CURL[@]}" -N "$BASE/v1/chat/completions" \
  -d '{"model": "auto", "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "Count to five"}]}'
