// Records VoltAgent's own OpenTelemetry observability against the stub LLM; run by
// ../voltagent.py as: node record.mjs LLM_URL OTLP_URL SCENARIO.
//   agent   agent.generateText with a get_weather tool: the model calls it, VoltAgent runs it,
//           the model answers (the tool round trip)
//   stream  agent.streamText of the same agent
//   conversation  two generateText turns of one conversation, the agent's model named by
//           VoltAgent's model id "openai/gpt-4o-mini" (its provider registry's "openai" entry
//           replaced by the stub's Chat Completions provider): the second turn's prompt holds the
//           first's tool round trip, from VoltAgent's default in-memory memory
// The model is @ai-sdk/openai's Chat Completions model pointed at the stub. VoltAgent's
// VoltAgentObservability owns the tracer provider (scope "@voltagent/core"); its spanProcessors
// option takes one more processor, an OTLP/HTTP (protobuf) exporter to the sink, as MLflow's
// VoltAgent guide sets it up. VoltAgent turns none of the AI SDK's own telemetry on, and its
// span filter would keep only its own scope anyway.

import { createOpenAI } from '@ai-sdk/openai';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Agent, ModelProviderRegistry, VoltAgent, VoltAgentObservability, createTool } from '@voltagent/core';
import { z } from 'zod';

const [llmURL, otlpURL, scenario] = process.argv.slice(2);
if (!scenario) {
  console.error('usage: node record.mjs LLM_URL OTLP_URL SCENARIO');
  process.exit(2);
}

const processor = new SimpleSpanProcessor(new OTLPTraceExporter({ url: otlpURL + '/v1/traces' }));
const observability = new VoltAgentObservability({
  serviceName: 'record-voltagent',
  spanProcessors: [processor],
});

const openai = createOpenAI({ baseURL: llmURL + '/v1', apiKey: 'stub' });
const getWeather = createTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, sky: 'sunny' }),
});
if (scenario === 'conversation') {
  ModelProviderRegistry.getInstance().registerProvider('openai', { languageModel: (id) => openai.chat(id) });
}
const agent = new Agent({
  name: 'weather-agent',
  instructions: 'You are terse.',
  model: scenario === 'conversation' ? 'openai/gpt-4o-mini' : openai.chat('gpt-4o-mini'),
  tools: [getWeather],
});
new VoltAgent({ agents: { agent }, observability });

const question = 'What is the weather in Paris?';
const options = { userId: 'u-1', conversationId: 'c-1' };
switch (scenario) {
  case 'agent':
    await agent.generateText(question, options);
    break;
  case 'conversation':
    await agent.generateText(question, options);
    await agent.generateText('And tomorrow?', options);
    break;
  case 'stream': {
    const result = await agent.streamText(question, options);
    for await (const _ of result.textStream) {
      // drain
    }
    break;
  }
  default:
    console.error('unknown scenario ' + scenario);
    process.exit(2);
}
await processor.forceFlush();
await observability.shutdown();
// Node exits by itself here, but VoltAgent installs shutdown handlers and timers (its VoltOps
// export waits up to 5 s for a client): nothing is left to wait for once the spans are out.
process.exit(0);
