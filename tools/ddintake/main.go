// Command ddintake is a local stand-in for Datadog's trace intake, for tests only. Datadog
// cannot run here, so this server accepts what the collector's `datadog` exporter sends,
// decodes the trace payloads with Datadog's own protobuf types (datadog-agent/pkg/proto), and
// lists the spans it received, with the API key each request carried:
//
//	ddintake -addr 127.0.0.1:0 -addr-file F     # writes the bound address to F
//	GET /test/spans                            # JSON array of received spans
//
// Every other intake endpoint (metrics, validation, stats, ...) is acknowledged and ignored.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	"google.golang.org/protobuf/proto"
)

// receivedSpan is one Datadog span as the intake decoded it.
type receivedSpan struct {
	APIKey   string             `json:"api_key"`
	TraceID  string             `json:"trace_id"` // lower 64 bits, decimal, as Datadog shows it
	SpanID   string             `json:"span_id"`
	ParentID string             `json:"parent_id"`
	Service  string             `json:"service"`
	Name     string             `json:"name"`
	Resource string             `json:"resource"`
	Type     string             `json:"type"`
	Meta     map[string]string  `json:"meta"`
	Metrics  map[string]float64 `json:"metrics"`
}

type intake struct {
	mu    sync.Mutex
	spans []receivedSpan
}

func (in *intake) traces(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var payload pb.AgentPayload
	if err := proto.Unmarshal(body, &payload); err != nil {
		http.Error(w, "not an AgentPayload: "+err.Error(), http.StatusBadRequest)
		return
	}
	key := r.Header.Get("DD-Api-Key")
	var got []receivedSpan
	for _, tp := range payload.TracerPayloads {
		for _, chunk := range tp.Chunks {
			for _, s := range chunk.Spans {
				got = append(got, receivedSpan{
					APIKey:   key,
					TraceID:  strconv.FormatUint(s.TraceID, 10),
					SpanID:   strconv.FormatUint(s.SpanID, 10),
					ParentID: strconv.FormatUint(s.ParentID, 10),
					Service:  s.Service,
					Name:     s.Name,
					Resource: s.Resource,
					Type:     s.Type,
					Meta:     s.Meta,
					Metrics:  s.Metrics,
				})
			}
		}
	}
	if len(payload.IdxTracerPayloads) > 0 {
		log.Printf("received %d payloads in the indexed format, which this intake does not decode", len(payload.IdxTracerPayloads))
	}
	in.mu.Lock()
	in.spans = append(in.spans, got...)
	in.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write([]byte("{}"))
}

func (in *intake) list(w http.ResponseWriter, _ *http.Request) {
	in.mu.Lock()
	defer in.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(in.spans)
}

func readBody(r *http.Request) ([]byte, error) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	if r.Header.Get("Content-Encoding") != "gzip" {
		return raw, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	addrFile := flag.String("addr-file", "", "write the bound address to this file")
	flag.Parse()

	in := &intake{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v0.2/traces", in.traces)
	mux.HandleFunc("GET /test/spans", in.list)
	mux.HandleFunc("/api/v1/validate", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"valid":true}`))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte("{}"))
	})

	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(l.Addr().String()), 0o600); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("datadog intake stand-in listening on %s", l.Addr())
	log.Fatal(http.Serve(l, mux))
}
