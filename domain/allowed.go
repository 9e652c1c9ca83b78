package domain

import (
	"fmt"
	"sync"
)

// allowed holds each named list of allowed values. The lists are declared
// once, next to the type they constrain (pupil.Services, trust.Phases, ...);
// validation (the `allowed=NAME` tag), the OpenAPI enums, the UI's option
// lists and the seed all read the same list.
var allowed sync.Map // name → []string

// Allowed registers values as the list NAME and returns them, so a package
// can declare its list in one line:
//
//	var Phases = domain.Allowed("phase", Primary, Secondary, ...)
//
// It panics when NAME is registered twice: two lists under one name would
// mean two rules.
func Allowed[T ~string](name string, values ...T) []T {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	if _, dup := allowed.LoadOrStore(name, s); dup {
		panic(fmt.Sprintf("domain: allowed list %q registered twice", name))
	}
	return values
}

// AllowedValues returns the list NAME, or nil when there is none.
func AllowedValues(name string) []string {
	v, ok := allowed.Load(name)
	if !ok {
		return nil
	}
	return v.([]string)
}

func isAllowed(name, value string) bool {
	for _, v := range AllowedValues(name) {
		if v == value {
			return true
		}
	}
	return false
}
