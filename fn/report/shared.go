package report

import (
	"bytes"
	"hash/maphash"
	"sync"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// Shared holds one copy of what a large run says again and again: the 40,000 Services of a large
// list made sticky get the same five messages and three fields, held once rather than 40,000
// times, the same apiVersion and kind, and the same lines added. Results and edits are
// read-only once made, so sharing their parts is safe. The zero value is ready to use, from
// several goroutines at once.
type Shared struct {
	mu      sync.Mutex
	strings map[string]string
	fields  map[fn.Field]*fn.Field
	texts   map[uint64][]byte // by hash; a text whose hash another holds is not shared
}

var textSeed = maphash.MakeSeed()

// Text returns the text equal to b that was shared first, or else a copy of b of its own length:
// an edit's text, grown by appending, may hold twice what it says.
func (s *Shared) Text(b []byte) []byte {
	h := maphash.Bytes(textSeed, b)
	s.mu.Lock()
	defer s.mu.Unlock()
	first, ok := s.texts[h]
	if ok && bytes.Equal(first, b) {
		return first
	}
	c := bytes.Clone(b)
	if !ok {
		if s.texts == nil {
			s.texts = map[uint64][]byte{}
		}
		s.texts[h] = c
	}
	return c
}

// Results makes each result's message and field, and its object's apiVersion, kind and namespace,
// the copies shared first.
func (s *Shared) Results(results fn.Results) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range results {
		r.Message = s.string(r.Message)
		if r.Field != nil && simple(r.Field.CurrentValue) && simple(r.Field.ProposedValue) {
			r.Field = s.field(r.Field)
		}
		if ref := r.ResourceRef; ref != nil {
			ref.APIVersion, ref.Kind, ref.Namespace = s.string(ref.APIVersion), s.string(ref.Kind), s.string(ref.Namespace)
		}
	}
}

func (s *Shared) string(v string) string {
	if first, ok := s.strings[v]; ok {
		return first
	}
	if s.strings == nil {
		s.strings = map[string]string{}
	}
	s.strings[v] = v
	return v
}

func (s *Shared) field(f *fn.Field) *fn.Field {
	if first, ok := s.fields[*f]; ok {
		return first
	}
	if s.fields == nil {
		s.fields = map[fn.Field]*fn.Field{}
	}
	s.fields[*f] = f
	return f
}

// simple reports whether a field value compares with ==, and so can key the shared fields: a
// list or map value (a field's old mapping) would panic there, and is not shared.
func simple(v any) bool {
	switch v.(type) {
	case nil, string, int, int64, float64, bool:
		return true
	}
	return false
}
