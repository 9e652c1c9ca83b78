package domain

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/upn"
	"github.com/sendcase/sendcase/domain/yeargroup"
)

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

func validatorInstance() *validator.Validate {
	validateOnce.Do(func() {
		v := validator.New(validator.WithRequiredStructEnabled())
		// Report fields by their JSON names, which is what clients sent.
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				return ""
			}
			if name == "" && f.Anonymous {
				return embedded // inlined in JSON: no segment of the field's name
			}
			if name == "" {
				return f.Name
			}
			return name
		})
		must(v.RegisterValidation("date", func(fl validator.FieldLevel) bool {
			d, ok := fl.Field().Interface().(civil.Date)
			return ok && (d.IsZero() || d.Valid())
		}))
		// happened: a date of something that has happened, so not after
		// the today that ValidateOn was given. Plain Validate has no
		// today and lets every date through (the domain holds no clock).
		must(v.RegisterValidationCtx("happened", func(ctx context.Context, fl validator.FieldLevel) bool {
			today, _ := ctx.Value(todayKey{}).(civil.Date)
			d, ok := fl.Field().Interface().(civil.Date)
			return !ok || today.IsZero() || !d.Valid() || !d.After(today)
		}))
		must(v.RegisterValidation("upn", func(fl validator.FieldLevel) bool {
			_, err := upn.Check(fl.Field().String())
			return err == nil
		}))
		must(v.RegisterValidation("yeargroup", func(fl validator.FieldLevel) bool {
			return yeargroup.Valid(yeargroup.Group(fl.Field().String()))
		}))
		// allowed=NAME: one of the values of the list registered as NAME
		// (see Allowed). A list that does not exist allows nothing.
		must(v.RegisterValidation("allowed", func(fl validator.FieldLevel) bool {
			return isAllowed(fl.Param(), fl.Field().String())
		}))
		must(v.RegisterValidation("notblank", func(fl validator.FieldLevel) bool {
			return strings.TrimSpace(fl.Field().String()) != ""
		}))
		validate = v
	})
	return validate
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// todayKey carries ValidateOn's today to the happened rule.
type todayKey struct{}

// Check is Validate as a list, so that decide functions can add the
// problems their own rules find and report every offending field at once.
func Check(v any) (Problems, error) { return CheckOn(v, 0) }

// CheckOn is ValidateOn as a list.
func CheckOn(v any, today civil.Date) (Problems, error) {
	err := ValidateOn(v, today)
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Fields, nil
	}
	return nil, err
}

// Validate checks v's `validate` struct tags and returns a *ValidationError
// naming every offending field by its JSON path, or nil.
//
// Every text field, however deep, is also checked to be plain text (see
// PlainText): a command is refused before anything is stored, whatever
// adapter it came through.
func Validate(v any) error { return ValidateOn(v, 0) }

// ValidateOn is Validate, with today (in Europe/London) for the rule that
// a date tagged `happened` is not in the future. The domain has no clock:
// the caller passes today in.
func ValidateOn(v any, today civil.Date) error {
	var p Problems
	checkText(reflect.ValueOf(v), "", &p)
	err := validatorInstance().StructCtx(context.WithValue(context.Background(), todayKey{}, today), v)
	if err == nil {
		return p.Err()
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return fmt.Errorf("validate: %w", err)
	}
	named := map[string]bool{}
	for _, fe := range p {
		named[fe.Field] = true
	}
	for _, fe := range verrs {
		if f := fieldPath(fe.Namespace()); !named[f] {
			p = append(p, FieldError{Field: f, Message: message(fe)})
		}
	}
	return p.Err()
}

// PlainText says what is wrong with s as text a person typed, or "" when
// nothing is: it must be valid UTF-8 (JSON decoding turns invalid bytes
// into U+FFFD, so that is refused too) and hold no control characters but
// tab and newline. A NUL, say, cannot be stored by PostgreSQL, and no
// form or export has a reason to send one.
func PlainText(s string) string {
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return "is not valid UTF-8 text"
	}
	for _, r := range s {
		if r == '\t' || r == '\n' {
			continue
		}
		if unicode.IsControl(r) {
			return "must not contain control characters (only tabs and new lines)"
		}
	}
	return ""
}

// checkText applies PlainText to every string of v, naming each field by
// its JSON path ("outcomes[1].description").
func checkText(v reflect.Value, path string, p *Problems) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkText(v.Elem(), path, p)
		}
	case reflect.String:
		if msg := PlainText(v.String()); msg != "" {
			p.Add(path, "%s", msg)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			checkText(v.Index(i), fmt.Sprintf("%s[%d]", path, i), p)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			switch {
			case name == "" && f.Anonymous:
				checkText(v.Field(i), path, p) // inlined in JSON
				continue
			case name == "":
				name = f.Name
			}
			if path != "" {
				name = path + "." + name
			}
			checkText(v.Field(i), name, p)
		}
	}
}

// embedded names an embedded struct's segment of a field's path, which
// fieldPath drops: JSON inlines its fields.
const embedded = "~"

// fieldPath drops the Go struct name that validator puts first, and the
// segments of embedded structs.
func fieldPath(ns string) string {
	ns = strings.ReplaceAll(ns, "."+embedded+".", ".")
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return ns
}

func message(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required", "notblank":
		if _, ok := fe.Value().(civil.Date); ok {
			return "is required (a date, YYYY-MM-DD)"
		}
		return "is required"
	case "date":
		return "is not a date (YYYY-MM-DD)"
	case "happened":
		return "must not be in the future"
	case "allowed":
		return "must be one of: " + strings.Join(AllowedValues(fe.Param()), ", ")
	case "max":
		if fe.Kind() == reflect.String {
			return "must be at most " + fe.Param() + " characters"
		}
		if fe.Kind() == reflect.Slice {
			return "must have at most " + fe.Param() + " entries"
		}
		return "must be at most " + fe.Param()
	case "min":
		if fe.Kind() == reflect.Slice {
			return "must have at least " + fe.Param() + " entries"
		}
		if fe.Kind() == reflect.String {
			return "must be at least " + fe.Param() + " characters"
		}
		return "must be at least " + fe.Param()
	case "gte":
		return "must be at least " + fe.Param()
	case "lte":
		return "must be at most " + fe.Param()
	case "gt":
		return "must be more than " + fe.Param()
	case "len":
		return "must have exactly " + fe.Param() + " characters"
	case "numeric":
		return "must contain digits only"
	case "uuid":
		return "must be a UUID"
	case "email":
		return "must be an email address"
	case "upn":
		_, err := upn.Check(fmt.Sprint(fe.Value()))
		return "is not a valid UPN: " + err.Error()
	case "yeargroup":
		return "must be one of N1, N2, R, 1–14"
	case "unique":
		return "must not repeat a value"
	}
	return "is invalid (" + fe.Tag() + ")"
}
