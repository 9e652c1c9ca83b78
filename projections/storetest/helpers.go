package storetest

import (
	"github.com/sendcase/sendcase/domain/need"
	yg "github.com/sendcase/sendcase/domain/yeargroup"
)

func yeargroup(s string) yg.Group     { return yg.Group(s) }
func needStatus(s string) need.Status { return need.Status(s) }
func areas(a ...string) []need.Area {
	out := make([]need.Area, len(a))
	for i, x := range a {
		out[i] = need.Area(x)
	}
	return out
}
