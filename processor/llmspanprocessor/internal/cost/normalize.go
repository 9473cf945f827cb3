package cost

import (
	"regexp"
	"strings"
)

type candidate struct{ provider, model string }

var (
	// bedrockPrefix is a Bedrock cross-region inference profile or vendor prefix:
	// "us.anthropic.claude-...", "anthropic.claude-...", "meta.llama3-...".
	bedrockPrefix = regexp.MustCompile(`^(?:(?:us|eu|apac|ap|ca|jp|au|global|us-gov)\.)?(?:anthropic|amazon|meta|mistral|cohere|ai21|deepseek|openai|qwen|writer)\.`)
	// versionSuffix is a Bedrock model version: "-v2:0", ":0".
	versionSuffix = regexp.MustCompile(`(?:-v\d+)?:\d+$`)
	// dateSuffix is a release date: "-2024-08-06", "-20241022", "@20241022", "-0613".
	dateSuffix = regexp.MustCompile(`[-@](?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$`)
)

// candidates lists the forms of a (lower-case) model name to try, most specific first:
//
//  1. the name as given;
//  2. without a routing prefix up to the last '/' ("openai/gpt-4o", "models/gemini-2.0-flash",
//     "accounts/fireworks/models/x"); with no provider given, or the router LiteLLM (as
//     genai-prices does), the first segment is the provider;
//  3. without a Bedrock region/vendor prefix and version suffix ("us.anthropic.claude-3-5-
//     haiku-20241022-v1:0" → "claude-3-5-haiku-20241022");
//  4. without a trailing release date ("gpt-4o-mini-2024-08-06" → "gpt-4o-mini",
//     "claude-3-5-sonnet-v2@20241022" → "claude-3-5-sonnet-v2").
//
// Each step applies to the result of the previous ones; duplicates are skipped.
func candidates(prov, name string) []candidate {
	out := []candidate{{prov, name}}
	add := func(p, n string) {
		if n == "" {
			return
		}
		last := out[len(out)-1]
		if last.provider != p || last.model != n {
			out = append(out, candidate{p, n})
		}
	}
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		if prov == "" || prov == "litellm" {
			prov = name[:strings.IndexByte(name, '/')]
		}
		name = name[i+1:]
		add(prov, name)
	}
	if stripped := versionSuffix.ReplaceAllString(bedrockPrefix.ReplaceAllString(name, ""), ""); stripped != name {
		name = stripped
		add(prov, name)
	}
	if stripped := dateSuffix.ReplaceAllString(name, ""); stripped != name {
		add(prov, stripped)
	}
	return out
}
