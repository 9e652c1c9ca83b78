package event

import (
	"encoding/json"
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

// Personal is the part of a type that holds personal fields, keyed by
// JSON name; a leaf is a personal field itself.
type Personal struct {
	leaf bool
	// erased is the leaf's value once erased, as JSON.
	erased   json.RawMessage
	children map[string]*Personal
}

// Leaf reports whether p is a personal field itself.
func (p *Personal) Leaf() bool { return p.leaf }

// Erased is a leaf's value once erased, as JSON ("[erased]" or null).
func (p *Personal) Erased() json.RawMessage { return p.erased }

// Child is the part of p under JSON member key, or nil when it holds no
// personal field.
func (p *Personal) Child(key string) *Personal { return p.children[key] }

var personalCache sync.Map // reflect.Type → *Personal (nil when none)

// personalOf returns the personal fields of t, or nil when it has none.
func personalOf(t reflect.Type) *Personal {
	if n, ok := personalCache.Load(t); ok {
		return n.(*Personal)
	}
	n := buildPersonal(t, map[reflect.Type]bool{})
	personalCache.Store(t, n)
	return n
}

func buildPersonal(t reflect.Type, seen map[reflect.Type]bool) *Personal {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return nil
	}
	seen[t] = true
	defer delete(seen, t)
	var n *Personal
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		var child *Personal
		if f.Tag.Get(personalTag) == "true" {
			child = &Personal{leaf: true, erased: json.RawMessage(`null`)}
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
			n = &Personal{children: map[string]*Personal{}}
		}
		n.children[name] = child
	}
	return n
}

// PersonalOf returns the tree of the personal fields of v's type (a state
// kept outside the stream, such as a read model's summary), nil when it has
// none.
func PersonalOf(v any) *Personal { return personalOf(reflect.TypeOf(v)) }

// HasPersonal reports whether events of type name carry personal fields.
func HasPersonal(name string) bool {
	reg, _ := lookup(name)
	return reg.personal != nil
}

// PersonalFields returns the tree of event type name's personal fields,
// nil when it has none. Package shred walks it to encrypt, decrypt and
// erase those fields in the stored bytes.
func PersonalFields(name string) (*Personal, error) {
	reg, err := lookup(name)
	if err != nil {
		return nil, err
	}
	return reg.personal, nil
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

// ErasedCopy returns d with its personal fields erased as Blank erases
// them, copying every struct, slice and pointer on the way to one, so that
// nothing d shares is changed. Parts without personal fields are shared.
func ErasedCopy(d Data) Data {
	if d == nil || personalOf(reflect.TypeOf(d)) == nil {
		return d
	}
	return erasedCopy(reflect.ValueOf(d)).Interface().(Data)
}

func erasedCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || personalOf(v.Type()) == nil {
			return v
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(erasedCopy(v.Elem()))
		return n
	case reflect.Slice:
		if v.IsNil() || personalOf(v.Type()) == nil {
			return v
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			n.Index(i).Set(erasedCopy(v.Index(i)))
		}
		return n
	case reflect.Struct:
		if personalOf(v.Type()) == nil {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			fv := c.Field(i)
			switch {
			case f.Tag.Get(personalTag) != "true":
				fv.Set(erasedCopy(fv))
			case fv.Kind() == reflect.String:
				if fv.Len() > 0 {
					fv.SetString(ErasedText)
				}
			default:
				fv.SetZero()
			}
		}
		return c
	}
	return v
}
