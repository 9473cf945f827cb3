package mlflowattr // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/mlflowattr"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
)

// Dialects pass non-text parts on as the source wrote them: GenAI's (uri, blob, file,
// reasoning, server_tool_call, ...), OpenAI's, Anthropic's. MLflow's chat view shows only
// text, image_url, input_audio and Anthropic image parts (isContentPart), and rejects the
// whole span for any other, so the writer converts what it can and writes the rest as text.

// partKind tells how a content part is written.
type partKind uint8

const (
	kindText      partKind = iota // a text part (Part.Text)
	kindString                    // a part that is a string: text
	kindKeep                      // a part the chat view shows: as it is
	kindImage                     // an image URI: image_url
	kindImageData                 // an image blob: image_url with a data URL
	kindAudio                     // a wav or mp3 blob: input_audio
	kindReasoning                 // the model's reasoning: the message's "reasoning"
	kindJSON                      // anything else: a text part holding the part's JSON text
)

// partClass is what classify found in a part: its kind, and the strings it is written from
// (a text, URL or base64 content; a blob's MIME type or audio format).
type partClass struct {
	kind       partKind
	text, mime string
}

// audioFormats maps the MIME types of audio that MLflow's chat view plays to its input_audio
// formats; it takes no other.
var audioFormats = map[string]string{
	"audio/wav": "wav", "audio/wave": "wav", "audio/x-wav": "wav", "audio/vnd.wave": "wav",
	"audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/mpeg3": "mp3", "audio/x-mpeg-3": "mp3",
}

// reasoningTypes maps the types of reasoning parts to the key holding their text: GenAI's,
// the Vercel AI SDK's and Anthropic's.
var reasoningTypes = map[string][]string{
	"reasoning": {"content", "text"},
	"thinking":  {"thinking"},
}

// classify tells how to write the non-text part a. It reads a dialect's JSON text as pdata:
// non-text parts are rare, and the text path never gets here.
func classify(a dialect.Any) partClass {
	v := a.Value
	if a.JSON != "" {
		v, _ = anyjson.Parse(a.JSON)
	}
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return partClass{kind: kindString, text: v.Str()}
	case pcommon.ValueTypeMap:
	default:
		return partClass{kind: kindJSON}
	}
	m := v.Map()
	typ, _ := str(m, "type")
	if keys, ok := reasoningTypes[typ]; ok {
		for _, k := range keys {
			if s, ok := str(m, k); ok {
				return partClass{kind: kindReasoning, text: s}
			}
		}
	}
	mime, _ := str(m, "mime_type")
	modality, _ := str(m, "modality")
	switch typ {
	case "text", "input_text", "output_text":
		if _, ok := str(m, "text"); ok {
			return partClass{kind: kindKeep}
		}
	case "image_url":
		if u, ok := str(m, "image_url"); ok { // the Responses API's shape
			return partClass{kind: kindImage, text: u}
		}
		if u, ok := obj(m, "image_url"); ok && isStr(u, "url") && oneOf(u, "detail", "auto", "low", "high") {
			return partClass{kind: kindKeep}
		}
	case "input_audio":
		if a, ok := obj(m, "input_audio"); ok && isStr(a, "data") && oneOf(a, "format", "wav", "mp3") {
			return partClass{kind: kindKeep}
		}
	case "image": // Anthropic's
		if s, ok := obj(m, "source"); ok && isStr(s, "data") {
			return partClass{kind: kindKeep}
		}
	case "uri":
		if uri, ok := str(m, "uri"); ok && (modality == "image" || strings.HasPrefix(mime, "image/")) {
			return partClass{kind: kindImage, text: uri}
		}
	case "blob":
		content, ok := str(m, "content")
		base, _, _ := strings.Cut(mime, ";")
		switch {
		case !ok:
		case strings.HasPrefix(mime, "image/"): // a data URL needs the MIME type
			return partClass{kind: kindImageData, text: content, mime: mime}
		case audioFormats[base] != "":
			return partClass{kind: kindAudio, text: content, mime: audioFormats[base]}
		}
	}
	return partClass{kind: kindJSON}
}

// str returns m[k] when it is a string.
func str(m pcommon.Map, k string) (string, bool) {
	v, ok := m.Get(k)
	if !ok || v.Type() != pcommon.ValueTypeStr {
		return "", false
	}
	return v.Str(), true
}

func isStr(m pcommon.Map, k string) bool {
	_, ok := str(m, k)
	return ok
}

// obj returns m[k] when it is an object.
func obj(m pcommon.Map, k string) (pcommon.Map, bool) {
	v, ok := m.Get(k)
	if !ok || v.Type() != pcommon.ValueTypeMap {
		return pcommon.Map{}, false
	}
	return v.Map(), true
}

// oneOf reports whether m[k] is absent, null or one of the strings of values, as the chat
// view checks an optional member.
func oneOf(m pcommon.Map, k string, values ...string) bool {
	v, ok := m.Get(k)
	if !ok || v.Type() == pcommon.ValueTypeEmpty {
		return true
	}
	for _, s := range values {
		if v.Type() == pcommon.ValueTypeStr && v.Str() == s {
			return true
		}
	}
	return false
}
