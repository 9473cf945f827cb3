package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// OpenInference message contents, llm.{input,output}_messages.N.message.contents.M.*: a
// message's parts in order (spec/semantic_conventions.md, "Message Content Arrays"). Items that
// are not text become GenAI parts (reasoning, uri, blob), which the writer renders, or OpenAI
// image_url parts.

const (
	oiContentPrefix = "message_content."
	oiToolUse       = "tool_use"
)

// oiContentReaders maps message_content.type to the reader of an item of that type; an item of
// another type is passed on as a GenAI part of its own type. A reader's false skips the item.
var oiContentReaders = map[string]func(item pcommon.Map) (Part, bool){
	"":          oiTextPart, // the type is optional on text
	partText:    oiTextPart,
	"reasoning": oiReasoningPart,
	"image":     oiImagePart,
	"audio":     oiAudioPart,
	"video":     oiVideoPart,
}

// readContents reads the items into m: its parts when it has no message.content, its tool
// calls ("tool_use" items, contents.M.tool_call.*) when it has no message.tool_calls, which the
// instrumentations write too, beside the ordered view that repeats them.
func (x *indexedValues) readContents(m *Message) {
	withParts, withCalls := len(m.Parts) == 0, len(m.ToolCalls) == 0
	for _, item := range x.items {
		typ := str(item, oiContentPrefix+"type")
		if typ == oiToolUse {
			if withCalls {
				m.ToolCalls = append(m.ToolCalls, ToolCall{
					ID:        str(item, "tool_call.id"),
					Name:      str(item, "tool_call.function.name"),
					Arguments: get(item, "tool_call.function.arguments"),
				})
			}
			continue
		}
		if !withParts || item.Len() == 0 {
			continue
		}
		read, ok := oiContentReaders[typ]
		if !ok {
			read = oiGenericPart
		}
		if p, ok := read(item); ok {
			m.Parts = append(m.Parts, p)
		}
	}
}

func oiTextPart(item pcommon.Map) (Part, bool) {
	if text, ok := item.Get(oiContentPrefix + "text"); ok {
		return Part{Text: text.AsString()}, true
	}
	return oiGenericPart(item)
}

// oiReasoningPart reads visible reasoning. An item without text (a redacted or encrypted
// block, kept only so that the conversation can be replayed) has nothing to show.
func oiReasoningPart(item pcommon.Map) (Part, bool) {
	text := str(item, oiContentPrefix+"text")
	return reasoningPart(text), text != ""
}

// reasoningPart is a GenAI reasoning part, which the writer puts in the message's reasoning.
func reasoningPart(text string) Part {
	p := pcommon.NewValueMap()
	p.Map().PutStr("type", "reasoning")
	p.Map().PutStr("content", text)
	return Part{Value: Some(p)}
}

func oiImagePart(item pcommon.Map) (Part, bool) {
	p := pcommon.NewValueMap()
	p.Map().PutStr("type", "image_url")
	p.Map().PutEmptyMap("image_url").PutStr("url", str(item, oiContentPrefix+"image.image.url"))
	return Part{Value: Some(p)}, true
}

// oiAudioPart reads audio.{url, mime_type, transcript}. The transcript goes with the audio, or
// stands for it as text when the audio itself was not recorded.
func oiAudioPart(item pcommon.Map) (Part, bool) {
	url := str(item, oiContentPrefix+"audio.audio.url")
	transcript := str(item, oiContentPrefix+"audio.audio.transcript")
	if url == "" {
		return Part{Text: transcript}, transcript != ""
	}
	p := mediaPart("audio", url, str(item, oiContentPrefix+"audio.audio.mime_type"))
	if transcript != "" {
		p.Map().PutStr("transcript", transcript)
	}
	return Part{Value: Some(p)}, true
}

// oiVideoPart reads video.url; the spec has no MIME type for it but a data URI's own.
func oiVideoPart(item pcommon.Map) (Part, bool) {
	url := str(item, oiContentPrefix+"video.video.url")
	if url == "" {
		return Part{}, false
	}
	return Part{Value: Some(mediaPart("video", url, ""))}, true
}

// oiGenericPart passes an item on as a GenAI part of its type, {"type": ..., "text": ...}, the
// message_content. prefix removed from its keys.
func oiGenericPart(item pcommon.Map) (Part, bool) {
	p := pcommon.NewValueMap()
	p.Map().EnsureCapacity(item.Len())
	for k, v := range item.All() {
		v.CopyTo(p.Map().PutEmpty(strings.TrimPrefix(k, oiContentPrefix)))
	}
	return Part{Value: Some(p)}, true
}

// mediaPart returns the GenAI part for media of a modality at url: a blob for a base64 data URI
// (which gives its MIME type), else a uri part; mimeType is used when the URI gives none.
func mediaPart(modality, url, mimeType string) pcommon.Value {
	typ, key, payload := "uri", "uri", url
	if mt, data, ok := base64DataURI(url); ok {
		typ, key, payload = "blob", "content", data
		if mt != "" {
			mimeType = mt
		}
	}
	p := pcommon.NewValueMap()
	m := p.Map()
	m.PutStr("type", typ)
	m.PutStr("modality", modality)
	if mimeType != "" {
		m.PutStr("mime_type", mimeType)
	}
	m.PutStr(key, payload)
	return p
}

// base64DataURI splits "data:<mime>[;params];base64,<data>".
func base64DataURI(s string) (mimeType, data string, ok bool) {
	rest, ok := strings.CutPrefix(s, "data:")
	if !ok {
		return "", "", false
	}
	header, data, ok := strings.Cut(rest, ",")
	if !ok {
		return "", "", false
	}
	header, ok = strings.CutSuffix(header, ";base64")
	if !ok {
		return "", "", false
	}
	mimeType, _, _ = strings.Cut(header, ";")
	return mimeType, data, true
}
