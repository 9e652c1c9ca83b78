// Package need holds the DfE school census codes for type of need and the
// four areas of need of the SEND Code of Practice, and the rules that tie them
// to a pupil's SEN status.
package need

import (
	"errors"
	"sort"

	"github.com/sendcase/sendcase/domain"
)

// Area is one of the broad areas of need (CoP 6.28–6.35), plus "other".
type Area string

const (
	CommunicationInteraction Area = "communication_interaction"
	CognitionLearning        Area = "cognition_learning"
	SEMH                     Area = "semh"
	SensoryPhysical          Area = "sensory_physical"
	Other                    Area = "other"
)

// Areas lists every area in display order.
var Areas = domain.Allowed("area_of_need", CommunicationInteraction, CognitionLearning, SEMH, SensoryPhysical, Other)

// Label is the area's name in words, as the Code of Practice puts it.
func (a Area) Label() string {
	switch a {
	case CommunicationInteraction:
		return "Communication and interaction"
	case CognitionLearning:
		return "Cognition and learning"
	case SEMH:
		return "Social, emotional and mental health"
	case SensoryPhysical:
		return "Sensory and/or physical"
	case Other:
		return "Other"
	}
	return string(a)
}

// Code is a census type-of-need code.
type Code struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Area  Area   `json:"area_of_need"`
}

// Codes is the census table. It is data, not a switch, because the DfE adds
// codes from time to time: a new one is a new row here.
var Codes = []Code{
	{"SLCN", "Speech, language and communication needs", CommunicationInteraction},
	{"ASD", "Autistic spectrum disorder", CommunicationInteraction},
	{"SPLD", "Specific learning difficulty", CognitionLearning},
	{"MLD", "Moderate learning difficulty", CognitionLearning},
	{"SLD", "Severe learning difficulty", CognitionLearning},
	{"PMLD", "Profound and multiple learning difficulty", CognitionLearning},
	{"SEMH", "Social, emotional and mental health", SEMH},
	{"HI", "Hearing impairment", SensoryPhysical},
	{"VI", "Vision impairment", SensoryPhysical},
	{"MSI", "Multi-sensory impairment", SensoryPhysical},
	{"PD", "Physical disability", SensoryPhysical},
	{"OTH", "Other difficulty or disability", Other},
	{"NSA", "SEN support but no specialist assessment of type of need", Other},
}

var byCode = func() map[string]Code {
	m := make(map[string]Code, len(Codes))
	for _, c := range Codes {
		m[c.Code] = c
	}
	return m
}()

// Lookup returns the census code c.
func Lookup(c string) (Code, bool) {
	code, ok := byCode[c]
	return code, ok
}

// AreaOf returns the area of need of census code c, or "" when unknown.
func AreaOf(c string) Area { return byCode[c].Area }

// ValidArea reports whether a is an area of need.
func ValidArea(a Area) bool {
	for _, x := range Areas {
		if x == a {
			return true
		}
	}
	return false
}

// CodeList returns the codes in sorted order, for error messages.
func CodeList() []string {
	out := make([]string, 0, len(Codes))
	for _, c := range Codes {
		out = append(out, c.Code)
	}
	sort.Strings(out)
	return out
}

// Status is a pupil's SEN status in the census.
type Status string

const (
	SENSupport Status = "K"
	EHCPlan    Status = "E"
	NoSEN      Status = "N"
)

// Statuses lists the census SEN statuses.
var Statuses = domain.Allowed("sen_status", SENSupport, EHCPlan, NoSEN)

// ValidStatus reports whether s is K, E or N.
func ValidStatus(s Status) bool { return s == SENSupport || s == EHCPlan || s == NoSEN }

// OnRegister reports whether s puts the pupil on the SEN register.
func (s Status) OnRegister() bool { return s == SENSupport || s == EHCPlan }

// Problems with a status and needs; each belongs to one field.
var (
	ErrPrimaryRequired  = errors.New("required when sen_status is K or E")
	ErrPrimaryForbidden = errors.New("must be empty when sen_status is N")
	ErrUnknownCode      = errors.New("not a census type-of-need code")
	ErrNSAOnlyWithK     = errors.New("NSA is only used with sen_status K")
	ErrSecondarySame    = errors.New("must differ from primary_need")
	ErrSecondaryNoPrim  = errors.New("needs a primary_need")
)

// FieldProblem is a rule broken by one field.
type FieldProblem struct {
	Field string
	Err   error
}

// CheckStatus applies the census rules to a status and its needs, returning
// one problem per offending field. The status itself is checked elsewhere.
func CheckStatus(status Status, primary, secondary string) []FieldProblem {
	var out []FieldProblem
	switch {
	case status == NoSEN && primary != "":
		out = append(out, FieldProblem{"primary_need", ErrPrimaryForbidden})
	case status.OnRegister() && primary == "":
		out = append(out, FieldProblem{"primary_need", ErrPrimaryRequired})
	case primary != "":
		if _, ok := byCode[primary]; !ok {
			out = append(out, FieldProblem{"primary_need", ErrUnknownCode})
		} else if primary == "NSA" && status != SENSupport {
			out = append(out, FieldProblem{"primary_need", ErrNSAOnlyWithK})
		}
	}
	if secondary == "" {
		return out
	}
	switch {
	case status == NoSEN:
		out = append(out, FieldProblem{"secondary_need", ErrPrimaryForbidden})
	case byCode[secondary].Code == "":
		out = append(out, FieldProblem{"secondary_need", ErrUnknownCode})
	case secondary == "NSA" && status != SENSupport:
		out = append(out, FieldProblem{"secondary_need", ErrNSAOnlyWithK})
	case primary == "":
		out = append(out, FieldProblem{"secondary_need", ErrSecondaryNoPrim})
	case secondary == primary:
		out = append(out, FieldProblem{"secondary_need", ErrSecondarySame})
	}
	return out
}
