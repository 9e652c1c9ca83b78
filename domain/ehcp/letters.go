package ehcp

import "github.com/sendcase/sendcase/domain/civil"

// What the EHC letters a school sends say, read from the records: the
// invitation to an annual review meeting and the request for advice.

// AdviceBeforeMeeting is how many days before an annual review meeting
// the invitations go and the advice asked for is sent out (reg 20(3),
// (4)): the review_invitations deadline, and the day a letter asks advice
// by.
const AdviceBeforeMeeting = 14

// ReviewMeeting is the annual review meeting scheduled and not yet held,
// and the day by which advice for it is wanted. ok is false when none is
// scheduled.
func (c *Clock) ReviewMeeting() (meeting, adviceBy civil.Date, ok bool) {
	for _, r := range c.records {
		switch r.Type {
		case AnnualReviewScheduled:
			meeting = r.MeetingOn
		case AnnualReviewHeld, Ceased:
			meeting = 0
		}
	}
	if !meeting.Valid() {
		return 0, 0, false
	}
	return meeting, meeting.AddDays(-AdviceBeforeMeeting), true
}

// AdviceRequest is advice asked of a professional for the EHC needs
// assessment.
type AdviceRequest struct {
	// Entry is the entry that recorded the request: what an invitation to
	// the professional names.
	Entry       int
	From        string
	RequestedOn civil.Date
	// DueOn: advice within 6 weeks of being asked (reg 8(1)).
	DueOn      civil.Date
	ReceivedOn civil.Date
}

// AdviceRequests lists the advice asked for, in the order asked.
func (c *Clock) AdviceRequests() []AdviceRequest {
	var out []AdviceRequest
	for _, r := range c.records {
		switch r.Type {
		case AdviceRequested:
			out = append(out, AdviceRequest{Entry: r.Entry, From: r.From, RequestedOn: r.On, DueOn: r.On.AddWeeks(6)})
		case AdviceReceived:
			for i := len(out) - 1; i >= 0; i-- {
				if out[i].From == r.From && !out[i].ReceivedOn.Valid() {
					out[i].ReceivedOn = r.On
					break
				}
			}
		}
	}
	return out
}
