package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/go-playground/form/v4"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
)

// formDecoder fills command structs from forms by their JSON field names,
// so a form field is named like the API's ("outcomes[0].description").
var formDecoder = func() *form.Decoder {
	d := form.NewDecoder()
	d.SetTagName("json")
	d.RegisterCustomTypeFunc(func(vals []string) (any, error) {
		if vals[0] == "" {
			return civil.Date(0), nil
		}
		dt, err := parseDate(vals[0])
		if err != nil {
			return civil.Date(-1), nil // reported by validation against the field
		}
		return dt, nil
	}, civil.Date(0))
	return d
}()

var indexed = regexp.MustCompile(`\[(\d+)\]`)

// decodeForm decodes the posted form into cmd, dropping empty values so they
// read as absent. It returns field errors for values of the wrong type.
func decodeForm(r *http.Request, cmd any) map[string]string {
	vals := url.Values{}
	for k, v := range r.PostForm {
		if k == "csrf" || len(v) == 0 || strings.TrimSpace(v[0]) == "" {
			continue
		}
		// Browsers send a textarea's new lines as CR LF: the text keeps
		// plain new lines, as it would from the API.
		for i := range v {
			v[i] = strings.ReplaceAll(v[i], "\r\n", "\n")
		}
		vals[k] = v
	}
	err := formDecoder.Decode(cmd, vals)
	var derrs form.DecodeErrors
	if !errors.As(err, &derrs) {
		return nil
	}
	out := map[string]string{}
	for ns := range derrs {
		field := ns
		if _, rest, ok := strings.Cut(ns, "."); ok && reflect.TypeOf(cmd).Elem().Name() != "" {
			field = rest
		}
		out[field] = "is not a valid value"
	}
	return out
}

// fieldErrors turns a validation error into a map of field → message.
func fieldErrors(err error) (map[string]string, bool) {
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return nil, false
	}
	out := map[string]string{}
	for _, f := range ve.Fields {
		out[f.Field] = f.Message
	}
	return out, true
}

// compactRows drops the rows of a repeated form group (prefix[i].*) whose
// key field is empty and renumbers the rest; it returns, for each new index,
// the row it came from, to put errors back next to the right inputs.
func compactRows(v url.Values, prefix, key string) []int {
	rows := map[int]bool{}
	for k := range v {
		if strings.HasPrefix(k, prefix+"[") {
			if m := indexed.FindStringSubmatch(k[len(prefix):]); m != nil {
				i, _ := strconv.Atoi(m[1])
				rows[i] = true
			}
		}
	}
	var keep []int
	for i := range rows {
		if strings.TrimSpace(v.Get(fmt.Sprintf("%s[%d].%s", prefix, i, key))) != "" {
			keep = append(keep, i)
		}
	}
	sort.Ints(keep)
	moved := url.Values{}
	for k, vals := range v {
		if !strings.HasPrefix(k, prefix+"[") {
			moved[k] = vals
		}
	}
	for n, i := range keep {
		old := fmt.Sprintf("%s[%d].", prefix, i)
		for k, vals := range v {
			if strings.HasPrefix(k, old) {
				moved[fmt.Sprintf("%s[%d].%s", prefix, n, k[len(old):])] = vals
			}
		}
	}
	for k := range v {
		delete(v, k)
	}
	for k, vals := range moved {
		v[k] = vals
	}
	return keep
}

// restoreRows renames errors of compacted rows back to their form rows.
func restoreRows(errs map[string]string, prefix string, keep []int) {
	for field, msg := range errs {
		if !strings.HasPrefix(field, prefix+"[") {
			continue
		}
		m := indexed.FindStringSubmatchIndex(field[len(prefix):])
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(field[len(prefix)+m[2] : len(prefix)+m[3]])
		if n < len(keep) {
			delete(errs, field)
			errs[fmt.Sprintf("%s[%d]%s", prefix, keep[n], field[len(prefix)+m[1]:])] = msg
		}
	}
}
