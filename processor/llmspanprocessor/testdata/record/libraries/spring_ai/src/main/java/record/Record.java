package record;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * One ChatClient request with a tool round trip: called, or streamed when record.scenario is
 * "stream". Closing the context on exit shuts the tracer provider down, which flushes the
 * batched spans to the OTLP endpoint.
 */
@SpringBootApplication
public class Record implements CommandLineRunner {

	private final ChatClient.Builder chatClient;

	@Value("${record.scenario}")
	private String scenario;

	public Record(ChatClient.Builder chatClient) {
		this.chatClient = chatClient;
	}

	public static void main(String[] args) {
		System.exit(SpringApplication.exit(SpringApplication.run(Record.class, args)));
	}

	@Override
	public void run(String... args) throws InterruptedException {
		ChatClient.ChatClientRequestSpec request = this.chatClient.build()
			.prompt()
			.system("You are terse.")
			.user("What is the weather in Paris?")
			.tools(new Weather());
		if ("stream".equals(this.scenario)) {
			System.out.println(String.join("", request.stream().content().collectList().block()));
			// A stream's observations stop on Reactor's threads, after the last element reaches
			// block(): give them time to end before the context closes the tracer provider.
			Thread.sleep(2000);
		}
		else {
			System.out.println(request.call().content());
		}
	}

	static class Weather {

		@Tool(name = "get_weather", description = "Current weather for a city.")
		Map<String, String> getWeather(@ToolParam(description = "The city") String city) {
			Map<String, String> weather = new LinkedHashMap<>();
			weather.put("city", city);
			weather.put("sky", "sunny");
			return weather;
		}

	}

}
