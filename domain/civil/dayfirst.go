package civil

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var dayFirst = regexp.MustCompile(`^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$`)

// ParseDayFirst reads a date as people in England and their MIS exports
// write it, day first: 4/3/2015, 04/03/2015, 04-03-2015, 04.03.2015; or
// ISO 8601 (2015-03-04, with a time after it from some exports). The one
// reader of typed and imported dates.
func ParseDayFirst(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if m := dayFirst.FindStringSubmatch(s); m != nil {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		y, _ := strconv.Atoi(m[3])
		if mo < 1 || mo > 12 || d < 1 || d > DaysIn(y, time.Month(mo)) {
			return 0, fmt.Errorf("%q: no such date", s)
		}
		return New(y, time.Month(mo), d), nil
	}
	if len(s) > 10 && s[10] == 'T' { // "2015-03-04T00:00:00"
		s = s[:10]
	}
	return Parse(s)
}
