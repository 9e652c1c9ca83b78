package pupil

import "github.com/sendcase/sendcase/domain/civil"

// GroupSession is the body of one session of a group provision, logged
// once for every pupil in the group: when, how long, and who attended.
// Each pupil's record gets its own session (LogSession), so a group
// session keeps every rule a session does.
type GroupSession struct {
	DeliveredOn civil.Date        `json:"delivered_on" validate:"required,date,happened"`
	Minutes     int               `json:"minutes" validate:"required,gte=1,lte=480"`
	Attendance  []GroupAttendance `json:"attendance" validate:"min=1,max=60,unique=PupilID,dive"`
}

// GroupAttendance says whether one pupil of the group attended.
type GroupAttendance struct {
	PupilID  string `json:"pupil_id" validate:"required,uuid"`
	Attended *bool  `json:"attended" validate:"required"`
}

// For is the session to log for the pupil of attendance a.
func (g GroupSession) For(provisionID string, a GroupAttendance) LogSession {
	return LogSession{ProvisionID: provisionID, DeliveredOn: g.DeliveredOn, Minutes: g.Minutes, Attended: a.Attended}
}
