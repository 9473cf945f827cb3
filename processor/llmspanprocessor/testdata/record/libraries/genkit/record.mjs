// Records Firebase Genkit's own telemetry (tracer "genkit-tracer") against the stub LLM; run by
// ../genkit.py as: node record.mjs LLM_URL OTLP_URL SCENARIO. The model is the compat-oai
// plugin's OpenAI plugin, its client pointed at the stub.
//   generate    ai.generate with a get_weather tool: the model asks for it, Genkit runs it and
//               asks again (the tool round trip)
//   stream      ai.generateStream, a plain chat
//   flow        a flow wrapping the generate of the first scenario
//   agent       genkit/beta's defineAgent with the tool, one turn of a chat in session s-1
//   embeddings  ai.embedMany of two texts with openai/text-embedding-3-small
// Genkit starts its own OpenTelemetry NodeSDK; enableTelemetry hands it our span processor,
// beside the processor of the dev UI's telemetry server, which does nothing without
// GENKIT_TELEMETRY_SERVER. It must run before the first action, which would otherwise start
// the SDK with the defaults.

import openAI from '@genkit-ai/compat-oai/openai';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { genkit, z } from 'genkit';
import { InMemorySessionStore, genkit as genkitBeta } from 'genkit/beta';
import { enableTelemetry, flushTracing } from 'genkit/tracing';

const [llmURL, otlpURL, scenario] = process.argv.slice(2);
if (!scenario) {
  console.error('usage: node record.mjs LLM_URL OTLP_URL SCENARIO');
  process.exit(2);
}

await enableTelemetry({
  serviceName: 'record-genkit',
  resourceDetectors: [], // no host or process attributes in the recording
  spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: otlpURL + '/v1/traces' }))],
});

const ai = (scenario === 'agent' ? genkitBeta : genkit)({
  plugins: [openAI({ apiKey: 'stub', baseURL: llmURL + '/v1' })],
});

const getWeather = ai.defineTool(
  {
    name: 'get_weather',
    description: 'Current weather for a city.',
    inputSchema: z.object({ city: z.string() }),
    outputSchema: z.object({ city: z.string(), sky: z.string() }),
  },
  async ({ city }) => ({ city, sky: 'sunny' }),
);

const weather = (question) => ai.generate({
  model: openAI.model('gpt-4o-mini'),
  system: 'You are terse.',
  prompt: question,
  tools: [getWeather],
});

switch (scenario) {
  case 'generate':
    await weather('What is the weather in Paris?');
    break;
  case 'stream': {
    const { stream, response } = ai.generateStream({
      model: openAI.model('gpt-4o-mini'),
      system: 'You are terse.',
      prompt: 'Say hello.',
    });
    for await (const _ of stream) {
      // drain
    }
    await response;
    break;
  }
  case 'flow': {
    const weatherFlow = ai.defineFlow(
      { name: 'weatherFlow', inputSchema: z.string(), outputSchema: z.string() },
      async (city) => (await weather(`What is the weather in ${city}?`)).text,
    );
    await weatherFlow('Paris');
    break;
  }
  case 'agent': {
    const agent = ai.defineAgent({
      name: 'weatherAgent',
      model: openAI.model('gpt-4o-mini'),
      system: 'You are terse.',
      tools: [getWeather],
      store: new InMemorySessionStore(), // a server-managed session, so that its id is ours
    });
    await agent.chat({ sessionId: 's-1' }).send('What is the weather in Paris?');
    break;
  }
  case 'embeddings':
    await ai.embedMany({
      // By name: embedMany cannot resolve the ref openAI.embedder() returns (it has no info).
      embedder: 'openai/text-embedding-3-small',
      content: ['hello world', 'good night'],
      // The plugin's embedder reads options without a default. Unset, the encoding is left to
      // the OpenAI SDK, which asks for base64 and decodes the stub's float lists to [].
      options: { encodingFormat: 'float' },
    });
    break;
  default:
    console.error('unknown scenario ' + scenario);
    process.exit(2);
}
await flushTracing();
process.exit(0);
