// How to send a first request to this gateway (curl and the OpenAI SDK, with its own URL): what an empty usage chart
// or request log shows a newcomer.
import { Link } from 'react-router';
import { useSession } from '../api/session';

export function FirstRequest() {
  const { me } = useSession();
  const base = `${window.location.origin}/v1`;
  const auth = me?.auth_required ?? true;
  // With auth off no key is checked; the SDK still wants one, so any text does.
  const curl = [
    `curl ${base}/chat/completions \\`,
    ...(auth ? ['  -H "Authorization: Bearer $SWITCHBOARD_KEY" \\'] : []),
    '  -H "Content-Type: application/json" \\',
    `  -d '{"model": "auto", "messages": [{"role": "user", "content": "Hello!"}]}'`,
  ].join('\n');
  const sdk = `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${base}', apiKey: ${auth ? 'process.env.SWITCHBOARD_KEY' : "'none'"} });
const answer = await client.chat.completions.create({
  model: 'auto',
  messages: [{ role: 'user', content: 'Hello!' }],
});`;
  return (
    <div className="first-request">
      <p>
        Point any OpenAI client at <code>{base}</code> with <code>model: "auto"</code>
        {auth ? ' and a client key as the API key' : ''}. With curl:
      </p>
      <pre>
        <code>{curl}</code>
      </pre>
      <p>With the OpenAI SDK for JavaScript (Python's takes the same base URL):</p>
      <pre>
        <code>{sdk}</code>
      </pre>
      <p>
        Or send one from the <Link to="/playground">Playground</Link>. It shows up here within seconds.
      </p>
    </div>
  );
}
