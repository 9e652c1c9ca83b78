package shred

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sendcase/sendcase/domain/event"
)

// Rewrite returns raw, a payload of event type name, with each
// personal field's value v replaced by f(v, erased), where erased is the
// field's value once erased. Fields that are absent or null are left alone.
// A payload without personal fields is returned as it is.
func Rewrite(name string, raw json.RawMessage, f func(v, erased json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	tree, err := event.PersonalFields(name)
	if err != nil {
		return nil, err
	}
	if tree == nil {
		return raw, nil
	}
	return rewrite(raw, tree, f)
}

// rewrite splices f's replacements into raw, leaving every other byte as
// stored: no decoding into maps and no re-encoding, since it runs on every
// personal event a rebuild reads.
func rewrite(raw json.RawMessage, n *event.Personal, f func(v, erased json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || (raw[i] != '{' && raw[i] != '[') {
		return raw, nil
	}
	var out []byte
	last := 0
	splice := func(start, end int, v json.RawMessage) {
		if out == nil {
			out = make([]byte, 0, len(raw)+len(raw)/2)
		}
		out = append(out, raw[last:start]...)
		out = append(out, v...)
		last = end
	}
	err := eachMember(raw, i, func(key []byte, start, end int) error {
		child := n
		if key != nil {
			if child = n.Child(string(key)); child == nil {
				return nil
			}
		}
		v := raw[start:end]
		if string(v) == "null" {
			return nil
		}
		var repl json.RawMessage
		var err error
		if child.Leaf() {
			repl, err = f(v, child.Erased())
		} else {
			repl, err = rewrite(v, child, f)
		}
		if err != nil {
			if key != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			return err
		}
		if !bytes.Equal(repl, v) {
			splice(start, end, repl)
		}
		return nil
	})
	if err != nil || out == nil {
		return raw, err
	}
	return append(out, raw[last:]...), nil
}

// eachMember calls fn with the span of each member of the object or array
// that starts at raw[i], with its key (nil for array elements).
func eachMember(raw []byte, i int, fn func(key []byte, start, end int) error) error {
	isObject := raw[i] == '{'
	closer := byte(']')
	if isObject {
		closer = '}'
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == closer {
		return nil
	}
	for {
		var key []byte
		if isObject {
			ks := i
			ke, err := skipValue(raw, ks)
			if err != nil || raw[ks] != '"' {
				return errMalformed
			}
			key = raw[ks+1 : ke-1]
			if bytes.IndexByte(key, '\\') >= 0 {
				var k string
				if json.Unmarshal(raw[ks:ke], &k) != nil {
					return errMalformed
				}
				key = []byte(k)
			}
			i = skipSpace(raw, ke)
			if i >= len(raw) || raw[i] != ':' {
				return errMalformed
			}
			i = skipSpace(raw, i+1)
		}
		end, err := skipValue(raw, i)
		if err != nil {
			return err
		}
		if err := fn(key, i, end); err != nil {
			return err
		}
		i = skipSpace(raw, end)
		switch {
		case i < len(raw) && raw[i] == ',':
			i = skipSpace(raw, i+1)
		case i < len(raw) && raw[i] == closer:
			return nil
		default:
			return errMalformed
		}
	}
}

var errMalformed = errors.New("malformed JSON")

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just past the JSON value at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errMalformed
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		// Skipped, not parsed: brackets are counted outside strings. A
		// value whose brackets do not match is still refused, by the JSON
		// decoding every caller does next. (Most of a summary is skipped:
		// this is most of the time opening one takes.)
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				k, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = k - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errMalformed
	default:
		j := i
		for j < len(b) && !endsScalar[b[j]] {
			j++
		}
		if j == i {
			return 0, errMalformed
		}
		return j, nil
	}
}

// endsScalar marks the bytes that end a number, true, false or null.
var endsScalar = [256]bool{',': true, '}': true, ']': true, ' ': true, '\t': true, '\r': true, '\n': true}

// skipString answers the index after the string starting at b[i] (a
// quote), found with IndexByte: a quote preceded by an odd number of
// backslashes is escaped.
func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			break
		}
		q := j + k
		n := 0
		for p := q - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, nil
		}
		j = q + 1
	}
	return 0, errMalformed
}
