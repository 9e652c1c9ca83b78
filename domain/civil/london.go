package civil

import (
	"time"
	_ "time/tzdata" // Europe/London must resolve on machines without zoneinfo.
)

// London is the time zone in which school dates are kept.
var London = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("civil: Europe/London: " + err.Error())
	}
	return loc
}()
