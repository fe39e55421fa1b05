#!/usr/bin/env bash
# Plain HTTP against a running gateway (npm start): a routed answer, a pinned model, a stream with usage.
set -euo pipefail
BASE=${SWITCHBOARD_URL:-http://127.0.0.1:8000}

curl -sS "$BASE/v1/chat/completions" -H 'content-type: application/json' -D - \
  -d '{"model": "auto", "model_quality": "fastest", "messages": [{"role": "user", "content": "Say hello in French"}]}'

curl -sS "$BASE/v1/chat/completions" -H 'content-type: application/json' \
  -d '{"model": "groq/openai/gpt-oss-20b", "models": ["gemini/gemini-2.5-flash-lite"], "messages": [{"role": "user", "content": "2+2?"}]}'

curl -sSN "$BASE/v1/chat/completions" -H 'content-type: application/json' \
  -d '{"model": "auto", "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "Count to five"}]}'
