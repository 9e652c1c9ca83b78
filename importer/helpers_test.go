package importer_test

import (
	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/trust"
)

func schoolAdder(id *string) func(t *trust.Trust, today civil.Date) (app.Decision, error) {
	return func(t *trust.Trust, today civil.Date) (app.Decision, error) {
		*id = app.NewID()
		evs, err := t.AddSchool(*id, trust.AddSchool{Name: "Bench School", URN: "123456", Phase: "primary"}, today)
		return app.Decision{Events: evs, ID: *id}, err
	}
}
