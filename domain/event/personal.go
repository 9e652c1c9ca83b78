package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// Personal data is marked on payload and state types with the struct tag
// `personal:"true"`: names, date of birth, UPN and free text, which may name
// the child or the family. Such fields are stored encrypted under a key of
// their aggregate (see package shred) and blanked when it is erased.
const personalTag = "personal"

// ErasedText is what a personal text field reads once it has been erased.
// Other personal fields (dates) read as their zero value.
const ErasedText = "[erased]"

// personalNode is the part of a type that holds personal fields, keyed by
// JSON name; a leaf is a personal field itself.
type personalNode struct {
	leaf bool
	// erased is the leaf's value once erased, as JSON.
	erased   json.RawMessage
	children map[string]*personalNode
}

var personalCache sync.Map // reflect.Type → *personalNode (nil when none)

// personalOf returns the personal fields of t, or nil when it has none.
func personalOf(t reflect.Type) *personalNode {
	if n, ok := personalCache.Load(t); ok {
		return n.(*personalNode)
	}
	n := buildPersonal(t, map[reflect.Type]bool{})
	personalCache.Store(t, n)
	return n
}

func buildPersonal(t reflect.Type, seen map[reflect.Type]bool) *personalNode {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return nil
	}
	seen[t] = true
	defer delete(seen, t)
	var n *personalNode
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		var child *personalNode
		if f.Tag.Get(personalTag) == "true" {
			child = &personalNode{leaf: true, erased: json.RawMessage(`null`)}
			if f.Type.Kind() == reflect.String {
				child.erased = json.RawMessage(`"` + ErasedText + `"`)
			}
		} else {
			child = buildPersonal(f.Type, seen)
		}
		if child == nil {
			continue
		}
		if n == nil {
			n = &personalNode{children: map[string]*personalNode{}}
		}
		n.children[name] = child
	}
	return n
}

// HasPersonal reports whether events of type name carry personal fields.
func HasPersonal(name string) bool {
	reg, _ := lookup(name)
	return reg.personal != nil
}

// RewritePersonal returns raw, a payload of event type name, with each
// personal field's value v replaced by f(v, erased), where erased is the
// field's value once erased. Fields that are absent or null are left alone.
// A payload without personal fields is returned as it is.
func RewritePersonal(name string, raw json.RawMessage, f func(v, erased json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	reg, err := lookup(name)
	if err != nil {
		return nil, err
	}
	if reg.personal == nil {
		return raw, nil
	}
	return rewrite(raw, reg.personal, f)
}

// rewrite splices f's replacements into raw, leaving every other byte as
// stored: no decoding into maps and no re-encoding, since it runs on every
// personal event a rebuild reads.
func rewrite(raw json.RawMessage, n *personalNode, f func(v, erased json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
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
			if child = n.children[string(key)]; child == nil {
				return nil
			}
		}
		v := raw[start:end]
		if string(v) == "null" {
			return nil
		}
		var repl json.RawMessage
		var err error
		if child.leaf {
			repl, err = f(v, child.erased)
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
		for j := i + 1; j < len(b); j++ {
			switch b[j] {
			case '\\':
				j++
			case '"':
				return j + 1, nil
			}
		}
		return 0, errMalformed
	case '{', '[':
		end := 0
		err := eachMember(b, i, func(_ []byte, _, e int) error { end = e; return nil })
		if err != nil {
			return 0, err
		}
		closer := byte(']')
		if b[i] == '{' {
			closer = '}'
		}
		if end == 0 {
			end = i + 1
		}
		j := skipSpace(b, end)
		if j >= len(b) || b[j] != closer {
			return 0, errMalformed
		}
		return j + 1, nil
	default:
		j := i
		for j < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[j])) {
			j++
		}
		if j == i {
			return 0, errMalformed
		}
		return j, nil
	}
}

// Blank erases the personal fields of the value ptr points to, in place and
// through its structs, pointers and slices: text becomes ErasedText and
// anything else its zero value.
func Blank(ptr any) {
	blank(reflect.ValueOf(ptr))
}

func blank(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			blank(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			blank(v.Index(i))
		}
	case reflect.Struct:
		if personalOf(v.Type()) == nil {
			return
		}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			fv := v.Field(i)
			if f.Tag.Get(personalTag) != "true" {
				blank(fv)
				continue
			}
			if !fv.CanSet() {
				continue
			}
			if fv.Kind() == reflect.String {
				if fv.Len() > 0 {
					fv.SetString(ErasedText)
				}
				continue
			}
			fv.SetZero()
		}
	}
}
