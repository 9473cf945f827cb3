// Records the Vercel AI SDK's own telemetry (@ai-sdk/otel) against the stub LLM; run by
// ../vercel_ai.py as: node record.mjs LLM_URL OTLP_URL SCENARIO.
//   agent         generateText with a get_weather tool, up to 3 steps (the tool round trip),
//                 through OpenTelemetry, the integration AI SDK 7 recommends (GenAI spans,
//                 scope "gen_ai")
//   stream        streamText, a plain chat, through OpenTelemetry with its defaults: spans
//                 without a single ai.* key
//   embeddings    embedMany, through OpenTelemetry
//   legacy_agent  the agent through LegacyOpenTelemetry: the ai.* spans of AI SDK 4-6 (scope "ai")
// The session and user ids go in runtimeContext, which AI SDK 7 puts on spans (as
// ai.settings.context.*) only when the call names them in includeRuntimeContext and the
// OpenTelemetry integration has runtimeContext on; it replaced AI SDK 6's
// experimental_telemetry.metadata.

import { createOpenAI } from '@ai-sdk/openai';
import { LegacyOpenTelemetry, OpenTelemetry } from '@ai-sdk/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { embedMany, generateText, registerTelemetry, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';

const [llmURL, otlpURL, scenario] = process.argv.slice(2);
if (!scenario) {
  console.error('usage: node record.mjs LLM_URL OTLP_URL SCENARIO');
  process.exit(2);
}

const exporter = new OTLPTraceExporter({ url: otlpURL + '/v1/traces' });

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'record-vercel-ai' }),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
provider.register();
registerTelemetry(
  scenario === 'legacy_agent' ? new LegacyOpenTelemetry()
    : scenario === 'stream' ? new OpenTelemetry()
      : new OpenTelemetry({ runtimeContext: true, embedding: true }));

const openai = createOpenAI({ baseURL: llmURL + '/v1', apiKey: 'stub' });
const context = {
  runtimeContext: { sessionId: 's-1', userId: 'u-1' },
  telemetry: { functionId: 'weather-agent', includeRuntimeContext: { sessionId: true, userId: true } },
};
const getWeather = tool({
  description: 'Current weather for a city.',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, sky: 'sunny' }),
});

switch (scenario) {
  case 'agent':
  case 'legacy_agent':
    await generateText({
      model: openai.chat('gpt-4o-mini'),
      instructions: 'You are terse.',
      prompt: 'What is the weather in Paris?',
      tools: { get_weather: getWeather },
      stopWhen: stepCountIs(3),
      ...context,
    });
    break;
  case 'stream': {
    const result = streamText({
      model: openai.chat('gpt-4o-mini'),
      instructions: 'You are terse.',
      prompt: 'Say hello.',
      ...context,
    });
    for await (const _ of result.textStream) {
      // drain
    }
    break;
  }
  case 'embeddings':
    await embedMany({
      model: openai.embedding('text-embedding-3-small'),
      values: ['hello world', 'good night'],
      ...context,
    });
    break;
  default:
    console.error('unknown scenario ' + scenario);
    process.exit(2);
}
await provider.forceFlush();
await provider.shutdown();
