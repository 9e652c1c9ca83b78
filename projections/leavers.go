package projections

import (
	"context"
	"slices"
	"strings"

	"github.com/sendcase/sendcase/domain/civil"
)

// LeaverRow is a pupil who left a school: the record is kept, read only,
// until the end of its retention.
type LeaverRow struct {
	PupilID     string     `json:"pupil_id"`
	Name        string     `json:"name"`
	LastName    string     `json:"-"`
	UPN         string     `json:"upn"`
	LeftOn      civil.Date `json:"left_on"`
	Destination string     `json:"destination,omitempty"`
	RetainUntil civil.Date `json:"retain_until"`
	Erased      bool       `json:"erased"`
}

// Leavers lists the pupils who left school schoolID (and have not come
// back to a school of the trust), newest leaver first.
func (v Views) Leavers(ctx context.Context, schoolID string) ([]LeaverRow, error) {
	rows := []LeaverRow{}
	err := v.Store.EachPastSchoolPupil(ctx, schoolID, func(s *Summary) {
		p := &s.Pupil
		if !p.Exists() || p.OnRoll || p.SchoolID != schoolID {
			return
		}
		rows = append(rows, LeaverRow{PupilID: p.ID, Name: p.FirstName + " " + p.LastName, LastName: p.LastName, UPN: p.UPN,
			LeftOn: p.LeftOn, Destination: p.Destination, RetainUntil: p.RetainUntil(), Erased: p.Erasure != nil})
	})
	slices.SortFunc(rows, func(a, b LeaverRow) int {
		if a.LeftOn != b.LeftOn {
			return int(b.LeftOn - a.LeftOn)
		}
		return strings.Compare(strings.ToLower(a.LastName), strings.ToLower(b.LastName))
	})
	return rows, err
}
