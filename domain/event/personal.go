package event

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"

	gojson "github.com/goccy/go-json"
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
	registryMu.RLock()
	reg, ok := registry[name]
	registryMu.RUnlock()
	return ok && personalOf(reg.typ) != nil
}

// RewritePersonal returns raw, a payload of event type name, with each
// personal field's value v replaced by f(v, erased), where erased is the
// field's value once erased. Fields that are absent or null are left alone.
// A payload without personal fields is returned as it is.
func RewritePersonal(name string, raw json.RawMessage, f func(v, erased json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	registryMu.RLock()
	reg, ok := registry[name]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown event type %q", name)
	}
	n := personalOf(reg.typ)
	if n == nil {
		return raw, nil
	}
	return rewrite(raw, n, f)
}

func rewrite(raw json.RawMessage, n *personalNode, f func(v, erased json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return raw, nil
	}
	switch raw[0] {
	case '[':
		var items []json.RawMessage
		if err := gojson.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		for i, it := range items {
			out, err := rewrite(it, n, f)
			if err != nil {
				return nil, err
			}
			items[i] = out
		}
		return gojson.Marshal(items)
	case '{':
		var fields map[string]json.RawMessage
		if err := gojson.Unmarshal(raw, &fields); err != nil {
			return nil, err
		}
		for name, child := range n.children {
			v, ok := fields[name]
			if !ok || string(bytes.TrimSpace(v)) == "null" {
				continue
			}
			var err error
			if child.leaf {
				v, err = f(v, child.erased)
			} else {
				v, err = rewrite(v, child, f)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			fields[name] = v
		}
		return gojson.Marshal(fields)
	default:
		return raw, nil
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
