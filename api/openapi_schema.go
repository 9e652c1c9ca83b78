package api

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
)

// schemas turns Go types into JSON Schema (OpenAPI 3.1 dialect), from the
// same json and validate tags the handlers decode and check with, so the
// document cannot drift from the code.
type schemas struct {
	components map[string]any
}

var (
	dateType    = reflect.TypeOf(civil.Date(0))
	timeType    = reflect.TypeOf(time.Time{})
	rawJSONType = reflect.TypeOf(json.RawMessage(nil))
)

// ref returns a schema for v's type, registering named structs as components.
func (s *schemas) ref(v any) map[string]any {
	return s.of(reflect.TypeOf(v))
}

func (s *schemas) of(t reflect.Type) map[string]any {
	switch t {
	case dateType:
		return map[string]any{"type": []any{"string", "null"}, "format": "date"}
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case rawJSONType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		inner := s.of(t.Elem())
		return nullable(inner)
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": []any{"array", "null"}, "items": s.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": s.of(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := componentName(t)
		if name == "" {
			return s.object(t)
		}
		if _, ok := s.components[name]; !ok {
			s.components[name] = map[string]any{} // placeholder against recursion
			s.components[name] = s.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func nullable(inner map[string]any) map[string]any {
	if ty, ok := inner["type"].(string); ok {
		out := map[string]any{}
		for k, v := range inner {
			out[k] = v
		}
		out["type"] = []any{ty, "null"}
		return out
	}
	if _, ok := inner["type"]; ok {
		return inner // already a list
	}
	return map[string]any{"anyOf": []any{inner, map[string]any{"type": "null"}}}
}

// componentName is "Pkg" + "Type" for named structs ("pupil.Register" →
// "PupilRegister"), or the type's own name for this package's types.
func componentName(t reflect.Type) string {
	if t.Name() == "" {
		return ""
	}
	pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
	name := []rune(t.Name())
	name[0] = unicode.ToUpper(name[0])
	if pkg == "api" {
		return string(name)
	}
	p := []rune(pkg)
	p[0] = unicode.ToUpper(p[0])
	return string(p) + string(name)
}

// isRequest reports whether a struct is decoded from clients (it carries
// validate tags): its required fields are those validation requires.
func isRequest(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		if _, ok := t.Field(i).Tag.Lookup("validate"); ok {
			return true
		}
	}
	return false
}

func (s *schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	request := isRequest(t)
	s.fields(t, props, &required, request)
	out := map[string]any{"type": "object", "properties": props}
	if request {
		out["additionalProperties"] = false
	}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

// fields adds t's JSON fields. As in encoding/json, a struct's own fields
// win over those of the structs it embeds, which are added after them.
func (s *schemas) fields(t reflect.Type, props map[string]any, required *[]string, request bool) {
	var embedded []reflect.Type
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				embedded = append(embedded, et)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, shadowed := props[name]; shadowed {
			continue
		}
		schema := s.of(f.Type)
		rules := f.Tag.Get("validate")
		own, items, dive := strings.Cut(rules, ",dive")
		schema = constrain(schema, own)
		if dive {
			schema = withKey(schema, "items", constrain(schema["items"].(map[string]any), items))
		}
		props[name] = schema
		switch {
		case request && (strings.Contains(rules, "required") || strings.Contains(rules, "notblank")):
			*required = append(*required, name)
		case !request && !strings.Contains(opts, "omitempty"):
			*required = append(*required, name)
		}
	}
	for _, et := range embedded {
		s.fields(et, props, required, request)
	}
}

// constrain adds what validate rules say about values: enums and formats.
func constrain(schema map[string]any, rules string) map[string]any {
	for _, rule := range strings.Split(rules, ",") {
		key, val, _ := strings.Cut(rule, "=")
		switch key {
		case "allowed":
			enum := []any{}
			for _, v := range domain.AllowedValues(val) {
				enum = append(enum, v)
			}
			schema = withKey(schema, "enum", enum)
		case "uuid":
			schema = withKey(schema, "format", "uuid")
		case "email":
			schema = withKey(schema, "format", "email")
		}
	}
	return schema
}

func withKey(schema map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for key, val := range schema {
		out[key] = val
	}
	out[k] = v
	return out
}

func typeOf(v any) reflect.Type { return reflect.TypeOf(v) }
